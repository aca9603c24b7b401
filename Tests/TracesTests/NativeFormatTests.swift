import Foundation
import XCTest
@testable import Traces

final class NativeFormatTests: XCTestCase {
    func testRoundTripWriteThenRead() throws {
        let scratch = Scratch()
        let records = [
            TraceRecord(time: 0, disk: "vda", queue: 0, op: .read, offset: 0, length: 4096, latency: 21_000),
            TraceRecord(time: 0, disk: "vda", queue: 3, op: .write, offset: 8192, length: 8192),
            TraceRecord(time: 12_500, disk: "8:16", queue: 1, op: .read, offset: Int64.max, length: 1,
                        latency: 0),
            TraceRecord(time: Int64.max, disk: "/dev/nvme0n1", queue: Int(Int32.max), op: .write, offset: 512,
                        length: 1 << 30, latency: Int64.max),
        ]
        let writer = try TraceWriter(path: scratch.path("t.csv"), comments: ["hello", "two\nlines"])
        for record in records { try writer.write(record) }
        XCTAssertEqual(writer.count, 4)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path("t.csv")), "appears only when finished")
        try writer.finish()

        let text = scratch.read("t.csv")
        XCTAssertEqual(text, """
            # pollsim-trace v1
            # hello
            # two
            # lines
            time_ns,disk,queue,op,offset,length,latency_ns
            0,vda,0,R,0,4096,21000
            0,vda,3,W,8192,8192,
            12500,8:16,1,R,9223372036854775807,1,0
            9223372036854775807,/dev/nvme0n1,2147483647,W,512,1073741824,9223372036854775807

            """)
        let reader = try TraceReader(path: scratch.path("t.csv"))
        XCTAssertEqual(reader.comments, ["hello", "two", "lines"])
        var back: [TraceRecord] = []
        while let record = try reader.next() { back.append(record) }
        XCTAssertEqual(back, records)
        XCTAssertEqual(reader.lineNumber, 9)
    }

    func testManyRecordsAcrossBufferBoundaries() throws {
        // More than the reader's and the writer's 256 KiB buffers, with disk names changing.
        let scratch = Scratch()
        let writer = try TraceWriter(path: scratch.path("big.csv"))
        var expected: [TraceRecord] = []
        for i in 0..<40_000 {
            let record = TraceRecord(time: Int64(i) * 1_000, disk: "disk\(i % 3)", queue: i % 4,
                                     op: i % 3 == 0 ? .write : .read, offset: Int64(i) * 4096, length: 4096 << (i % 3),
                                     latency: i % 5 == 0 ? nil : Int64(i))
            expected.append(record)
            try writer.write(record)
        }
        try writer.finish()
        XCTAssertEqual(try readAll(scratch.path("big.csv")), expected)
    }

    func testCommentsBlankLinesCRLFAndAMissingFinalNewline() throws {
        let scratch = Scratch()
        let path = scratch.file("t.csv", "# pollsim-trace v1\r\n# made by hand\r\n\r\ntime_ns,disk,queue,op,offset,length,latency_ns\r\n"
                                + "5,a,0,R,0,512,\r\n# a comment between records\n\n7,a,0,W,512,512,99")
        XCTAssertEqual(try readAll(path), [
            TraceRecord(time: 5, disk: "a", queue: 0, op: .read, offset: 0, length: 512),
            TraceRecord(time: 7, disk: "a", queue: 0, op: .write, offset: 512, length: 512, latency: 99),
        ])
    }

    func testMalformedLinesAreReportedWithTheirLineNumbers() {
        let scratch = Scratch()
        let cases: [(String, String)] = [
            ("0,vda,0,R,0,4096", "t.csv:3: error: expected 7 fields (time_ns,disk,queue,op,offset,length,latency_ns), got 6"),
            ("0,vda,0,R,0,4096,,", "t.csv:3: error: expected 7 fields (time_ns,disk,queue,op,offset,length,latency_ns), got 8"),
            ("-1,vda,0,R,0,4096,", "t.csv:3: error: time_ns: expected a whole number of nanoseconds, got '-1'"),
            ("1.5,vda,0,R,0,4096,", "t.csv:3: error: time_ns: expected a whole number of nanoseconds, got '1.5'"),
            ("99999999999999999999,vda,0,R,0,4096,", "t.csv:3: error: time_ns: expected a whole number of nanoseconds, got '99999999999999999999'"),
            ("0,,0,R,0,4096,", "t.csv:3: error: disk: the disk name is empty"),
            ("0,v da,0,R,0,4096,", "t.csv:3: error: disk: the disk name 'v da' contains a comma, a space or a control character"),
            ("0,vda,x,R,0,4096,", "t.csv:3: error: queue: expected a whole number from 0 to 2147483647, got 'x'"),
            ("0,vda,0,r,0,4096,", "t.csv:3: error: op: expected R or W, got 'r'"),
            ("0,vda,0,READ,0,4096,", "t.csv:3: error: op: expected R or W, got 'READ'"),
            ("0,vda,0,R,-5,4096,", "t.csv:3: error: offset: expected a whole number of bytes, got '-5'"),
            ("0,vda,0,R,0,0,", "t.csv:3: error: length: expected a whole number of bytes >= 1, got '0'"),
            ("0,vda,0,R,0,4k,", "t.csv:3: error: length: expected a whole number of bytes >= 1, got '4k'"),
            ("0,vda,0,R,0,4096,12us", "t.csv:3: error: latency_ns: expected nothing (unknown) or a whole number of nanoseconds, got '12us'"),
        ]
        for (line, expected) in cases {
            let path = scratch.file("t.csv", header + line + "\n")
            let error = traceError { _ = try readAll(path) }
            XCTAssertEqual(error.map { "\(URL(fileURLWithPath: $0.file).lastPathComponent):\($0.line ?? 0): error: \($0.message)" },
                           expected, line)
        }
    }

    func testTimeMustNotGoBackwards() {
        let scratch = Scratch()
        let path = scratch.file("t.csv", header + "10,vda,0,R,0,4096,\n10,vda,0,R,0,4096,\n# note\n9,vda,0,R,0,4096,\n")
        let error = traceError { _ = try readAll(path) }
        XCTAssertEqual(error?.line, 6)
        XCTAssertEqual(error?.message, "time_ns 9 is earlier than the previous record's 10 (records must be in issue-time order)")
    }

    func testTheVersionLineAndTheHeaderAreChecked() {
        let scratch = Scratch()
        func message(_ text: String) -> String? {
            let path = scratch.file("t.csv", text)
            return traceError { _ = try TraceReader(path: path) }.map { "\($0.line ?? 0): \($0.message)" }
        }
        XCTAssertEqual(message(""), "0: the file is empty; a native trace starts with '# pollsim-trace v1'")
        XCTAssertEqual(message("fio version 3 iolog\n"),
                       "1: not a pollsim trace: the first line must be '# pollsim-trace v1', got 'fio version 3 iolog' (import other formats with 'pollsim trace import')")
        XCTAssertEqual(message("# pollsim-trace v2\ntime_ns\n"), "1: unsupported trace format version 2 (this pollsim reads version 1)")
        XCTAssertEqual(message("# pollsim-trace v1\n# only comments\n"), "0: missing the header line 'time_ns,disk,queue,op,offset,length,latency_ns'")
        XCTAssertEqual(message("# pollsim-trace v1\ntime,disk,queue,op,offset,length,latency\n"),
                       "2: expected the header 'time_ns,disk,queue,op,offset,length,latency_ns', got 'time,disk,queue,op,offset,length,latency'")
        XCTAssertEqual(traceError { _ = try TraceReader(path: scratch.path("missing.csv")) }?.message,
                       "cannot open: No such file or directory")
        XCTAssertEqual(traceError { _ = try TraceReader(path: scratch.directory) }?.message, "cannot read: it is a directory")
    }

    func testALineLongerThanOneMebibyteIsAnErrorNotACrash() throws {
        let scratch = Scratch()
        // 600 KiB lines are read (the buffer grows); a 2 MiB one is refused.
        let long = String(repeating: "#", count: 600 << 10)
        let ok = scratch.file("ok.csv", header + long + "\n0,vda,0,R,0,4096,\n")
        XCTAssertEqual(try readAll(ok).count, 1)
        let tooLong = scratch.file("long.csv", header + String(repeating: "x", count: 2 << 20) + "\n")
        let error = traceError { _ = try readAll(tooLong) }
        XCTAssertEqual(error?.line, 3)
        XCTAssertEqual(error?.message, "line longer than 1048576 bytes (is this a text trace?)")
    }

    func testBinaryGarbageIsAnErrorNotACrash() {
        let scratch = Scratch()
        var bytes = Array(header.utf8)
        var state: UInt64 = 42
        for _ in 0..<10_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        let path = scratch.directory + "/garbage.csv"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        XCTAssertNotNil(traceError { _ = try readAll(path) }?.line)
    }

    func testTheWriterRefusesWhatTheReaderWouldRefuse() throws {
        let scratch = Scratch()
        let writer = try TraceWriter(path: scratch.path("w.csv"))
        try writer.write(TraceRecord(time: 100, disk: "vda", op: .read, offset: 0, length: 1))
        func failure(_ record: TraceRecord) -> String? { traceError { try writer.write(record) }?.message }
        XCTAssertEqual(failure(TraceRecord(time: 99, disk: "vda", op: .read, offset: 0, length: 1)),
                       "record 2: time 99 ns is earlier than the previous record's 100 ns (records must be in issue-time order)")
        XCTAssertEqual(failure(TraceRecord(time: 100, disk: "a,b", op: .read, offset: 0, length: 1)),
                       "record 2: the disk name 'a,b' contains a comma, a space or a control character")
        XCTAssertEqual(failure(TraceRecord(time: 100, disk: "vda", op: .read, offset: 0, length: 0)),
                       "record 2: length 0 must be >= 1")
        XCTAssertEqual(failure(TraceRecord(time: 100, disk: "vda", op: .read, offset: -1, length: 1)),
                       "record 2: offset -1 is negative")
        XCTAssertEqual(failure(TraceRecord(time: 100, disk: "vda", queue: -1, op: .read, offset: 0, length: 1)),
                       "record 2: queue -1 is not in 0...2147483647")
        XCTAssertEqual(failure(TraceRecord(time: 100, disk: "vda", op: .read, offset: 0, length: 1, latency: -3)),
                       "record 2: latency -3 ns is negative")
        try writer.finish()
        XCTAssertEqual(try readAll(scratch.path("w.csv")).count, 1)
    }

    func testAnUnfinishedWriterLeavesNoFile() throws {
        let scratch = Scratch()
        do {
            let writer = try TraceWriter(path: scratch.path("gone.csv"))
            try writer.write(TraceRecord(time: 0, disk: "vda", op: .read, offset: 0, length: 1))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.directory), [])
    }

    func testDiskNamesFromOtherToolsAreEscaped() {
        XCTAssertEqual(NativeFormat.diskName(escaping: "/dev/sda"), "/dev/sda")
        XCTAssertEqual(NativeFormat.diskName(escaping: "a,b c%"), "a%2Cb%20c%25")
        XCTAssertEqual(NativeFormat.diskName(escaping: ""), "-")
        XCTAssertEqual(NativeFormat.diskName(escaping: "tab\there"), "tab%09here")
        XCTAssertEqual(NativeFormat.diskName(escaping: "é"), "é")
        XCTAssertNil(NativeFormat.diskNameProblem(NativeFormat.diskName(escaping: String(repeating: ",", count: 300))))
    }
}
