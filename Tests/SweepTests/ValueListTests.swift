import XCTest
@testable import Sweep

/// `--vary` value syntax: lists, ranges and their errors.
final class ValueListTests: XCTestCase {
    func expand(_ text: String) throws -> [String] { try ValueList.expand(text) }

    func testLists() throws {
        XCTAssertEqual(try expand("1,4,8,16"), ["1", "4", "8", "16"])
        XCTAssertEqual(try expand("randread, randwrite"), ["randread", "randwrite"])
        XCTAssertEqual(try expand("4k,10us,2.2GB/s"), ["4k", "10us", "2.2GB/s"])
        XCTAssertEqual(try expand("7"), ["7"])
    }

    func testCommasInsideBracketsAndQuotesDoNotSplit() throws {
        XCTAssertEqual(try expand("{dist: constant, value: 10us},{dist: exponential, mean: 10us}"),
                       ["{dist: constant, value: 10us}", "{dist: exponential, mean: 10us}"])
        XCTAssertEqual(try expand("[a, b],[c]"), ["[a, b]", "[c]"])
        XCTAssertEqual(try expand("'a,b',\"c,d\""), ["'a,b'", "\"c,d\""])
    }

    func testInclusiveRangeWithStepOne() throws {
        XCTAssertEqual(try expand("0..8"), ["0", "1", "2", "3", "4", "5", "6", "7", "8"])
        XCTAssertEqual(try expand("3..3"), ["3"])
    }

    func testRangeWithStep() throws {
        XCTAssertEqual(try expand("0..8:2"), ["0", "2", "4", "6", "8"])
        XCTAssertEqual(try expand("0..8:3"), ["0", "3", "6"], "stops at the last value not past the end")
        XCTAssertEqual(try expand("0..65536:16384"), ["0", "16384", "32768", "49152", "65536"])
    }

    func testGeometricRange() throws {
        XCTAssertEqual(try expand("4k..64k*2"), ["4k", "8k", "16k", "32k", "64k"])
        XCTAssertEqual(try expand("1..100*10"), ["1", "10", "100"])
        XCTAssertEqual(try expand("1..1000*3"), ["1", "3", "9", "27", "81", "243", "729"])
    }

    func testUnitsAndDecimalsAreKeptExactly() throws {
        XCTAssertEqual(try expand("10us..50us:10us"), ["10us", "20us", "30us", "40us", "50us"])
        XCTAssertEqual(try expand("10us..30us:10"), ["10us", "20us", "30us"], "a bare step is in the range's unit")
        XCTAssertEqual(try expand("0..64k:16k"), ["0k", "16k", "32k", "48k", "64k"], "a bare 0 takes the other end's unit")
        XCTAssertEqual(try expand("0.5..2:0.5"), ["0.5", "1", "1.5", "2"])
        XCTAssertEqual(try expand("0.1..0.3:0.1"), ["0.1", "0.2", "0.3"], "no floating-point drift")
        XCTAssertEqual(try expand("0.5..4*2"), ["0.5", "1", "2", "4"])
        XCTAssertEqual(try expand("1.5ms..2.5ms:0.5ms"), ["1.5ms", "2ms", "2.5ms"])
    }

    func testMixedListsAndRanges() throws {
        XCTAssertEqual(try expand("1,2,4..16*2"), ["1", "2", "4", "8", "16"])
    }

    func testValuesThatLookLikeRangesButAreNot() throws {
        XCTAssertEqual(try expand("../profiles/a.yaml,../profiles/b.yaml"), ["../profiles/a.yaml", "../profiles/b.yaml"])
        XCTAssertEqual(try expand("a..b"), ["a..b"])
    }

    func assertError(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ValueList.expand(text), file: file, line: line) { error in
            XCTAssertEqual((error as? SweepError)?.message, expected, file: file, line: line)
        }
    }

    func testErrors() {
        assertError("", "no values (expected a list like 1,2,4 or a range like 0..8)")
        assertError("  ", "no values (expected a list like 1,2,4 or a range like 0..8)")
        assertError("1,,2", "an empty value between commas in '1,,2'")
        assertError("1,2,", "an empty value between commas in '1,2,'")
        assertError("8..0", "the range '8..0' is empty: its end is below its start")
        assertError("64k..4k*2", "the range '64k..4k*2' is empty: its end is below its start")
        assertError("0..8:0", "bad range '0..8:0': the step must be > 0")
        assertError("0..8:", "bad range '0..8:': expected start..end, start..end:step or start..end*factor, like 0..8, 0..8:2 or 4k..64k*2")
        assertError("0..", "bad range '0..': expected start..end, start..end:step or start..end*factor, like 0..8, 0..8:2 or 4k..64k*2")
        assertError("0..x", "bad range '0..x': its ends must be numbers with an optional unit (expected start..end, start..end:step or start..end*factor, like 0..8, 0..8:2 or 4k..64k*2)")
        assertError("1e3..1e4", "bad range '1e3..1e4': its ends must be numbers with an optional unit (expected start..end, start..end:step or start..end*factor, like 0..8, 0..8:2 or 4k..64k*2)")
        assertError("4k..64m", "bad range '4k..64m': its ends have different units ('k' and 'm'); write both in the same unit")
        assertError("10us..50us:1ms", "bad range '10us..50us:1ms': the step's unit 'ms' differs from the range's 'us'")
        assertError("4k..64k*1", "bad range '4k..64k*1': the factor of a geometric range must be a whole number >= 2, got '1'")
        assertError("4k..64k*1.5", "bad range '4k..64k*1.5': the factor of a geometric range must be a whole number >= 2, got '1.5'")
        assertError("0..64k*2", "bad range '0..64k*2': a geometric range must start above 0")
        assertError("0..1000000", "bad range '0..1000000': more than 100000 values")
    }
}
