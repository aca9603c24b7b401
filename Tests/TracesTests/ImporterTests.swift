import XCTest
@testable import Traces

final class FioIologImportTests: XCTestCase {
    func testVersion3TimestampsAreMicroseconds() throws {
        let (records, summary) = try importText("""
            fio version 3 iolog
            10 /dev/vdb add
            12 /dev/vdb open
            100 /dev/vdb read 4096 4096
            350 /dev/vdb write 0 8192
            351 /dev/vdb trim 0 4096
            400 /dev/vdb sync 0 0
            1100 /dev/vdb read 8192 512
            2000 /dev/vdb close

            """, .fioIolog)
        XCTAssertEqual(records, [
            TraceRecord(time: 0, disk: "/dev/vdb", queue: 0, op: .read, offset: 4096, length: 4096),
            TraceRecord(time: 250_000, disk: "/dev/vdb", queue: 0, op: .write, offset: 0, length: 8192),  // 250 us
            TraceRecord(time: 1_000_000, disk: "/dev/vdb", queue: 0, op: .read, offset: 8192, length: 512),  // 1 ms
        ])
        XCTAssertEqual(summary.ignored, ["file action": 3, "trim": 1, "sync": 1])
        XCTAssertEqual(summary.lines, 9)
        XCTAssertEqual(summary.reads, 2)
        XCTAssertEqual(summary.writes, 1)
        XCTAssertEqual(summary.readBytes, 4608)
        XCTAssertEqual(summary.writeBytes, 8192)
    }

    let version2 = """
        fio version 2 iolog
        /tmp/f add
        /tmp/f open
        /tmp/f read 0 4096
        /tmp/f wait 5 0
        /tmp/f write 4096 4096
        /tmp/f wait 3 0
        /tmp/f read 8192 4096
        /tmp/f wait 12 0
        /tmp/f read 0 4096
        /tmp/f close

        """

    func testVersion2WaitsAsFiosReplayCodeReadsThem() throws {
        // fio's read_iolog_get: a wait is an absolute time in ms since the job started; an earlier one is a no-op.
        let (records, summary) = try importText(version2, .fioIolog)
        XCTAssertEqual(records.map(\.time), [0, 5_000_000, 5_000_000, 12_000_000])
        XCTAssertEqual(records.map(\.op), [.read, .write, .read, .read])
        XCTAssertEqual(summary.ignored, ["file action": 3])
    }

    func testVersion2WaitsAsFiosHowtoDescribesThem() throws {
        // fio's HOWTO: wait N microseconds after the previous wait.
        let (records, _) = try importText(version2, .fioIolog, options: ImportOptions(fioWait: .relativeMicroseconds))
        XCTAssertEqual(records.map(\.time), [0, 5_000, 8_000, 20_000])
    }

    func testVersion2WithoutWaitsPutsEverythingAtZero() throws {
        let (records, _) = try importText("fio version 2 iolog\nf read 0 1\nf write 1 2\n", .fioIolog)
        XCTAssertEqual(records.map(\.time), [0, 0])
        XCTAssertEqual(records.map(\.disk), ["f", "f"])
    }

    func testAWaitInVersion3IsIgnoredAsFioIgnoresIt() throws {
        let (records, summary) = try importText("fio version 3 iolog\n5 f read 0 1\n6 f wait 100 0\n9 f read 1 1\n", .fioIolog)
        XCTAssertEqual(records.map(\.time), [0, 4_000])
        XCTAssertEqual(summary.ignored, ["wait (fio ignores it in version 3)": 1])
    }

    func testMalformedLinesGiveTheirLineNumbers() {
        let cases: [(String, String)] = [
            ("fio version 3 iolog\n5 f read 0\n", "2: expected 'timestamp filename action' or 'timestamp filename action offset length', got '5 f read 0'"),
            ("fio version 3 iolog\nf read 0 1\n", "2: expected a timestamp in microseconds first (a version 3 iolog line is 'timestamp filename action' or 'timestamp filename action offset length'), got 'f read 0 1'"),
            ("fio version 3 iolog\n5 f read 0 1 2\n", "2: expected 'timestamp filename action' or 'timestamp filename action offset length', got '5 f read 0 1 2'"),
            ("fio version 2 iolog\nf add\nf erase 0 1\n", "3: unknown action 'erase' (expected read, write, trim, sync, datasync or wait)"),
            ("fio version 2 iolog\nf remove\n", "2: unknown file action 'remove' (expected add, open or close)"),
            ("fio version 2 iolog\nf read x 1\n", "2: offset: expected a whole number of bytes, got 'x'"),
            ("fio version 2 iolog\nf read 0 0\n", "2: length: expected a whole number of bytes from 1 to 4294967295, got '0'"),
            ("fio version 3 iolog\n9 f read 0 1\n5 f read 0 1\n", "3: time 5 us is earlier than the first record's 9 us (records must be in issue-time order)"),
            ("fio version 3 iolog\n1 f read 0 1\n9 f read 0 1\n5 f read 0 1\n", "4: time goes backwards: 4000 ns after the start is earlier than the previous record's 8000 ns (records must be in issue-time order)"),
            ("fio version 1 iolog\n", "1: not a fio iolog: the first line must be 'fio version 2 iolog' or 'fio version 3 iolog', got 'fio version 1 iolog' (fio no longer reads version 1 either)"),
        ]
        for (text, expected) in cases {
            let error = traceError { _ = try importText(text, .fioIolog) }
            XCTAssertEqual(error.map { "\($0.line ?? 0): \($0.message)" }, expected)
        }
        XCTAssertEqual(traceError { _ = try importText("", .fioIolog) }?.message,
                       "the file is empty; a fio iolog starts with 'fio version 2 iolog' or 'fio version 3 iolog'")
    }

    func testSkipBadCountsAndKeepsGoing() throws {
        let text = "fio version 3 iolog\n1 f read 0 1\n2 f read 0\n3 f bogus 0 1\n4 f write 0 2\n"
        let (records, summary) = try importText(text, .fioIolog, options: ImportOptions(skipBad: true))
        XCTAssertEqual(records.map(\.time), [0, 3_000])
        XCTAssertEqual(summary.skipped, 2)
        XCTAssertEqual(summary.firstSkipped.map(\.line), [3, 4])
        // A file that is not an iolog at all is refused even with skip-bad.
        XCTAssertNotNil(traceError { _ = try importText("hello\n", .fioIolog, options: ImportOptions(skipBad: true)) })
    }
}

final class BlkparseImportTests: XCTestCase {
    let sample = """
          8,0    3        1     0.000000000  697  Q  WS 3417048 + 8 [kworker/u8:2]
          8,0    3        2     0.000006590  697  G  WS 3417048 + 8 [kworker/u8:2]
          8,0    3        3     0.000008207  697  P   N [kworker/u8:2]
          8,0    3        4     0.000010000  697  D  WS 3417048 + 8 [kworker/u8:2]
          8,0    1        1     0.000020000  700  Q   R 100 + 16 [fio]
          8,0    1        2     0.000025000  700  D   R 100 + 16 [fio]
          8,0    1        3     0.000030000  700  D   D 5000 + 2048 [fio]
          8,0    0        5     0.000210000    0  C  WS 3417048 + 8 [0]
          8,0    1        4     0.000300000  700  D  FN [kworker/1:1H]
          8,16   2        1     0.000400000  701  D  RA 64 + 8 [fio]
          8,0    0        6     0.000525000    0  C   R 100 + 16 [0]
        CPU0 (8,0):
         Reads Queued:           1,        8KiB\t Writes Queued:           1,        4KiB
         Read Dispatches:        1,        8KiB\t Write Dispatches:        1,        4KiB
        Total (8,0):
         Reads Queued:           1,        8KiB\t Writes Queued:           1,        4KiB

        Throughput (R/W): 15KiB/s / 7KiB/s
        Events (8,0): 11 entries

        """

    func testDispatchEventsWith512ByteSectorsAndLatencyFromCompletions() throws {
        let (records, summary) = try importText(sample, .blkparse)
        XCTAssertEqual(records, [
            // D at 10 us, C at 210 us; sector 3417048 x 512 bytes, 8 sectors = 4096 bytes.
            TraceRecord(time: 0, disk: "8:0", queue: 3, op: .write, offset: 3417048 * 512, length: 4096, latency: 200_000),
            TraceRecord(time: 15_000, disk: "8:0", queue: 1, op: .read, offset: 51_200, length: 8192, latency: 500_000),
            // No completion: written without a latency at the end.
            TraceRecord(time: 390_000, disk: "8:16", queue: 2, op: .read, offset: 32_768, length: 4096),
        ])
        XCTAssertEqual(summary.ignored["discard"], 1)
        XCTAssertEqual(summary.ignored["request without sectors (flush, passthrough)"], 1)
        XCTAssertEqual(summary.withLatency, 2)
    }

    func testQueueEventsInstead() throws {
        let (records, _) = try importText(sample, .blkparse, options: ImportOptions(blkparseIssueEvent: .queue))
        XCTAssertEqual(records, [
            TraceRecord(time: 0, disk: "8:0", queue: 3, op: .write, offset: 3417048 * 512, length: 4096, latency: 210_000),
            TraceRecord(time: 20_000, disk: "8:0", queue: 1, op: .read, offset: 51_200, length: 8192, latency: 505_000),
        ])
    }

    func testSecondsAreReadExactly() {
        XCTAssertEqual(BlkparseImporter.nanoseconds(span("12.000010000")), 12_000_010_000)
        XCTAssertEqual(BlkparseImporter.nanoseconds(span("0.5")), 500_000_000)
        XCTAssertEqual(BlkparseImporter.nanoseconds(span("3.000000001")), 3_000_000_001)
        XCTAssertNil(BlkparseImporter.nanoseconds(span("3.0000000001")))
        XCTAssertNil(BlkparseImporter.nanoseconds(span("3")))
        XCTAssertNil(BlkparseImporter.nanoseconds(span("-1.0")))
    }

    func testALongWaitForACompletionIsBounded() throws {
        // Request 0 never completes; with room for 2 pending requests it is written (without a latency) when the
        // third arrives, and the others follow in issue order with theirs.
        let lines = [
            "8,0 0 1 0.000000000 1 D R 0 + 8 [fio]",
            "8,0 0 2 0.000001000 1 D R 8 + 8 [fio]",
            "8,0 0 3 0.000021000 0 C R 8 + 8 [0]",
            "8,0 0 4 0.000022000 1 D R 16 + 8 [fio]",
            "8,0 0 5 0.000042000 0 C R 16 + 8 [0]",
            "8,0 0 6 0.000043000 1 D R 24 + 8 [fio]",
            "8,0 0 7 0.000063000 0 C R 24 + 8 [0]",
        ]
        var records: [TraceRecord] = []
        let scratch = Scratch()
        let path = scratch.file("b.txt", lines.joined(separator: "\n") + "\n")
        _ = try TraceImporter.read(format: .blkparse, path: path, options: ImportOptions(blkparsePendingLimit: 2)) {
            records.append($0)
        }
        XCTAssertEqual(records.map(\.offset), [0, 4096, 8192, 12288])
        XCTAssertEqual(records.map(\.latency), [nil, 20_000, 20_000, 20_000])
    }

    func testMalformedLinesGiveTheirLineNumbers() {
        let good = "  8,0    3        4     0.000010000  697  D  WS 3417048 + 8 [kworker]\n"
        let cases: [(String, String)] = [
            (good + "hello world\n", "2: not a blkparse event: expected 'major,minor cpu sequence seconds.nanoseconds pid action rwbs ...', got 'hello world'"),
            (good + "8,0 3 5 0.1 697\n", "2: not a blkparse event: expected 'major,minor cpu sequence seconds.nanoseconds pid action rwbs ...', got '8,0 3 5 0.1 697'"),
            (good + "8,0 3 5 1e-3 697 D R 1 + 8 [x]\n", "2: time: expected seconds with up to nine decimals (e.g. 0.000010000), got '1e-3'"),
            (good + "8,0 3 5 0.1 697 D R x + 8 [x]\n", "2: sector: expected a whole number, got 'x'"),
            (good + "8,0 3 5 0.000001 697 D R 8 + 8 [x]\n", "2: time 1000 ns is earlier than the first record's 10000 ns (records must be in issue-time order)"),
            (good + "8,0 3 5 0.000020000 697 D R 8 + 8 [x]\n8,0 3 6 0.000015000 697 D R 16 + 8 [x]\n",
             "3: time goes backwards: 5000 ns after the start is earlier than the previous record's 10000 ns (records must be in issue-time order)"),
        ]
        for (text, expected) in cases {
            let error = traceError { _ = try importText(text, .blkparse) }
            XCTAssertEqual(error.map { "\($0.line ?? 0): \($0.message)" }, expected)
        }
    }

    func testSkipBad() throws {
        let text = "8,0 0 1 0.1 1 D R 0 + 8 [a]\nnonsense\n8,0 0 2 0.2 1 D W 8 + 8 [a]\n8,0 0 3 0.3 1 D R z + 8 [a]\n"
        let (records, summary) = try importText(text, .blkparse, options: ImportOptions(skipBad: true))
        XCTAssertEqual(records.map(\.time), [0, 100_000_000])
        XCTAssertEqual(summary.skipped, 2)
        XCTAssertEqual(summary.firstSkipped.map(\.line), [2, 4])
    }
}

final class MSRImportTests: XCTestCase {
    func testFiletimeTicksAndResponseTimes() throws {
        let (records, summary) = try importText("""
            Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime
            128166372003061629,hm,1,Read,3154227200,4096,2815
            128166372003061729,hm,1,Write,0,8192,100
            128166372013061629,hm,0,read,512,512,0

            """, .msr)
        XCTAssertEqual(records, [
            TraceRecord(time: 0, disk: "hm_1", op: .read, offset: 3_154_227_200, length: 4096, latency: 281_500),
            // 100 ticks of 100 ns later.
            TraceRecord(time: 10_000, disk: "hm_1", op: .write, offset: 0, length: 8192, latency: 10_000),
            // 10^7 ticks = 1 s later.
            TraceRecord(time: 1_000_000_000, disk: "hm_0", op: .read, offset: 512, length: 512, latency: 0),
        ])
        XCTAssertEqual(summary.records, 3)
        XCTAssertEqual(summary.skipped, 0)
    }

    func testWithoutAHeaderAndWithWindowsLineEnds() throws {
        let (records, _) = try importText("128166372003061629,src1,0,Write,0,4096,5\r\n128166372003061630,src1,0,Read,0,4096,5\r\n", .msr)
        XCTAssertEqual(records.map(\.time), [0, 100])
        XCTAssertEqual(records.map(\.disk), ["src1_0", "src1_0"])
    }

    func testMalformedLinesGiveTheirLineNumbers() {
        let good = "128166372003061629,hm,1,Read,0,4096,1\n"
        let cases: [(String, String)] = [
            (good + "128166372003061630,hm,1,Read,0,4096\n", "2: expected 7 fields (Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime), got 6"),
            (good + "x,hm,1,Read,0,4096,1\n", "2: Timestamp: expected a whole number of 100 ns ticks (Windows FILETIME), got 'x'"),
            (good + "128166372003061630,hm,1,Trim,0,4096,1\n", "2: Type: expected Read or Write, got 'Trim'"),
            (good + "128166372003061630,hm,1,Read,0,0,1\n", "2: Size: expected a whole number of bytes from 1 to 4294967295, got '0'"),
            (good + "128166372003061630,,1,Read,0,1,1\n", "2: Hostname is empty"),
            (good + "128166372003061630,hm,one,Read,0,1,1\n", "2: DiskNumber: expected a whole number, got 'one'"),
            (good + "128166372003061630,hm,1,Read,0,1,-1\n", "2: ResponseTime: expected a whole number of 100 ns ticks, got '-1'"),
            (good + good + "128166372003061628,hm,1,Read,0,4096,1\n", "3: time 128166372003061628 ticks is earlier than the first record's 128166372003061629 ticks (records must be in issue-time order)"),
        ]
        for (text, expected) in cases {
            let error = traceError { _ = try importText(text, .msr) }
            XCTAssertEqual(error.map { "\($0.line ?? 0): \($0.message)" }, expected)
        }
    }

    func testSkipBadCountsTheSkippedLines() throws {
        let scratch = Scratch()
        let input = scratch.file("in.csv", """
            128166372003061629,hm,1,Read,0,4096,1
            garbage
            128166372003061639,hm,1,Read,0,4096
            128166372003061649,hm,1,Write,4096,4096,2
            ,,,,,,

            """)
        let summary = try TraceImporter.importTrace(format: .msr, from: input, to: scratch.path("out.csv"),
                                                    options: ImportOptions(skipBad: true))
        XCTAssertEqual(summary.records, 2)
        XCTAssertEqual(summary.skipped, 3)
        XCTAssertEqual(summary.firstSkipped.map(\.line), [2, 3, 5])
        XCTAssertEqual(try readAll(scratch.path("out.csv")).map(\.time), [0, 2_000])
        // Without --skip-bad the first bad line stops the import and no output appears.
        let error = traceError {
            _ = try TraceImporter.importTrace(format: .msr, from: input, to: scratch.path("strict.csv"))
        }
        XCTAssertEqual(error?.description, "\(input):2: error: expected 7 fields (Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime), got 1")
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path("strict.csv")))
    }
}

private func span(_ text: String) -> ByteSpan {
    // Kept alive for the test's duration (a leak of a few bytes per call, in tests only).
    let bytes = Array(text.utf8)
    let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
    pointer.initialize(from: bytes, count: bytes.count)
    return ByteSpan(base: UnsafePointer(pointer), count: bytes.count)
}
