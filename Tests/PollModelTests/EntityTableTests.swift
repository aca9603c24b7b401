import XCTest
@testable import PollModel

/// `EntityTable` as the IOThreads use it for lists refilled every iteration: emptied with `removeAll` or shortened
/// with `removeLast`, then appended to again. No timing assertions.
final class EntityTableTests: XCTestCase {
    func testRemoveAllAndRemoveLastKeepTheTableUsable() {
        var table = EntityTable<Int>()
        for round in 0..<3 {
            for value in 0..<100 { table.append(round * 1_000 + value) }
            XCTAssertEqual(table.count, 100)
            table.removeLast(40)
            XCTAssertEqual(table.count, 60)
            XCTAssertEqual(table[59], round * 1_000 + 59)
            table.removeLast(0)
            XCTAssertEqual(table.count, 60)
            table.removeAll()
            XCTAssertTrue(table.isEmpty)
            XCTAssertEqual(table.indices, 0..<0)
        }
        table.append(7)
        XCTAssertEqual(table.map { $0 }, [7])
    }

    /// Removed elements are deinitialized: references are released exactly once, by removal or by the table's end.
    func testRemovedReferencesAreReleased() {
        final class Counter { var live = 0 }
        final class Token {
            let counter: Counter
            init(_ counter: Counter) { self.counter = counter; counter.live += 1 }
            deinit { counter.live -= 1 }
        }
        let counter = Counter()
        do {
            var table = EntityTable<Token>()
            for _ in 0..<10 { table.append(Token(counter)) }
            XCTAssertEqual(counter.live, 10)
            table.removeLast(3)
            XCTAssertEqual(counter.live, 7)
            table.removeAll()
            XCTAssertEqual(counter.live, 0)
            for _ in 0..<5 { table.append(Token(counter)) }
            XCTAssertEqual(counter.live, 5)
        }
        XCTAssertEqual(counter.live, 0, "the table released what it still held")
    }
}
