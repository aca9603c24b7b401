import Foundation
import XCTest
@testable import Scenario

/// Deterministic mutations of real scenario files: each must either parse or throw a ScenarioError. A crash (a trap
/// in the loader or in Yams) would kill the test process, so this test passing is the evidence that there is none.
final class FuzzTests: XCTestCase {
    /// SplitMix64: a tiny deterministic generator, so every run tries the same mutations.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let tokens: [String] = [
        ":", ": ", "-", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "&a [*a, *a]", "'", "\"", "#", "\t", "  ", "\n", "\r\n",
        "?", "? ", "|", ">", "!", "!!binary ", "!!int ", "%YAML 1.2\n", "---\n", "...\n", "~", "null", "true", "",
        "-1", "0", "1e400", "nan", ".inf", "-.inf", "99999999999999999999", "9223372036854775808", "18446744073709551616",
        "0x10", "1_000", "4k", "128KiB", "2.2GB/s", "10us", "1.5", "µs", "ms", "s", "m",
        "poll-weight", "poll-max-ns", "dist", "lognormal", "mixture", "components", "percentiles", "samples", "weight",
        "id", "name", "vda", "vda7", "vda99999", "nvme0", "iothread0", "count", "vhost-blk", "profile", "ideal",
        "\u{0}", "\u{7}", "\u{FEFF}", "é", "\u{301}", "🙂", "\u{2028}", "\\", "%", "@", "`",
    ]

    enum Mutation: CaseIterable {
        case deleteLine, duplicateLine, swapLines, changeCharacter, insertToken, reindent, truncate, deleteRange
    }

    static func mutate(_ text: String, _ generator: inout Generator) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func joined() -> String { lines.joined(separator: "\n") }
        switch generator.pick(Mutation.allCases) {
        case .deleteLine:
            if !lines.isEmpty { lines.remove(at: generator.below(lines.count)) }
            return joined()
        case .duplicateLine:
            if !lines.isEmpty {
                let index = generator.below(lines.count)
                lines.insert(lines[index], at: generator.below(lines.count + 1))
            }
            return joined()
        case .swapLines:
            if lines.count > 1 { lines.swapAt(generator.below(lines.count), generator.below(lines.count)) }
            return joined()
        case .changeCharacter:
            var characters = Array(text)
            if !characters.isEmpty {
                let replacement = generator.pick(Array(" :-[]{},'\"#&*!|>?%@`\t\n0123456789.abcdefgkmsuµ~_/\u{0}é"))
                characters[generator.below(characters.count)] = replacement
            }
            return String(characters)
        case .insertToken:
            var characters = Array(text)
            characters.insert(contentsOf: generator.pick(tokens), at: generator.below(characters.count + 1))
            return String(characters)
        case .reindent:
            if !lines.isEmpty {
                let index = generator.below(lines.count)
                switch generator.below(4) {
                case 0: lines[index] = String(repeating: " ", count: 1 + generator.below(4)) + lines[index]
                case 1: lines[index] = String(lines[index].drop { $0 == " " })
                case 2: lines[index] = String(lines[index].dropFirst(min(1 + generator.below(3), lines[index].prefix { $0 == " " }.count)))
                default: lines[index] = "\t" + lines[index]
                }
            }
            return joined()
        case .truncate:
            return String(text.prefix(generator.below(text.count + 1)))
        case .deleteRange:
            var characters = Array(text)
            if !characters.isEmpty {
                let start = generator.below(characters.count)
                characters.removeSubrange(start..<min(characters.count, start + 1 + generator.below(20)))
            }
            return String(characters)
        }
    }

    private struct Outcome {
        var parsed = 0
        var rejected = 0
    }

    /// Parses `text`; anything thrown other than a ScenarioError fails the test.
    private func check(_ text: String, fileName: String, overrides: [String] = [], outcome: inout Outcome,
                       file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try ScenarioLoader.parse(yaml: text, fileName: fileName, overrides: overrides)
            outcome.parsed += 1
        } catch let error as ScenarioError {
            outcome.rejected += 1
            // Every error names where it is: a file position, or the --set that caused it.
            if error.line == nil {
                XCTAssertTrue(error.file.hasPrefix("--set ") || !overrides.isEmpty || error.file.hasSuffix(".yaml"),
                              "error without a position: \(error)", file: file, line: line)
            } else {
                XCTAssertGreaterThanOrEqual(error.line ?? 0, 1, "\(error)", file: file, line: line)
                XCTAssertGreaterThanOrEqual(error.column ?? 0, 1, "\(error)", file: file, line: line)
            }
            XCTAssertFalse(error.message.isEmpty, file: file, line: line)
        } catch {
            XCTFail("not a ScenarioError: \(error)\n--- input ---\n\(text)", file: file, line: line)
        }
    }

    func testMutatedScenariosParseOrFailCleanly() throws {
        let corpus = [
            ("default.yaml", ScenarioLoader.defaultScenarioYAML,
             packageRoot.appendingPathComponent("scenarios/default.yaml").path),
            ("all-keys.yaml", try readPackageFile("scenarios/all-keys.yaml"),
             packageRoot.appendingPathComponent("scenarios/all-keys.yaml").path),
        ]
        var generator = Generator(state: 0x5EED)
        let started = Date()
        for (name, text, path) in corpus {
            var outcome = Outcome()
            for _ in 0..<2_000 {
                var mutated = text
                for _ in 0..<(1 + generator.below(3)) { mutated = Self.mutate(mutated, &generator) }
                check(mutated, fileName: path, outcome: &outcome)
            }
            // The mutations must exercise both sides, or the test proves little.
            XCTAssertGreaterThan(outcome.parsed, 50, "\(name): \(outcome)")
            XCTAssertGreaterThan(outcome.rejected, 500, "\(name): \(outcome)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
    }

    func testRandomOverridesParseOrFailCleanly() {
        let components = ["iothreads", "devices", "disks", "jobs", "0", "1", "7", "-1", "iothread0", "nvme0", "vda", "reader",
                          "poll-weight", "poll-wieght", "read-latency", "median", "p99", "components", "percentiles", "50",
                          "samples", "weight", "profile-overrides", "wakeup-cross-cpu", "guest", "vcpus", "runtime", "seed",
                          "count", "bs", "iodepth", "dist", "", "x"]
        let values = ["3", "-1", "", "10us", "fast", "{dist: constant, value: 1us}", "[1, 2]", "[", "{", "~", "null", "4k",
                      "99999999999999999999", "mixture", "\"quoted\"", "a=b", "{dist: mixture, components: [{weight: 1}]}"]
        let valid = ["iothreads.0.poll-weight=2", "jobs.reader.iodepth=16", "runtime=1s", "devices.nvme0.read-latency.median=12us",
                     "disks.vda.count=8", "guest.vcpus=2", "profile-overrides.wakeup-cross-cpu=8us", "seed=3",
                     "devices.0.write-latency={dist: exponential, mean: 20us}", "iothreads.iothread0.policy=classic"]
        var generator = Generator(state: 0x0E44)
        var outcome = Outcome()
        for _ in 0..<1_500 {
            var overrides: [String] = []
            for _ in 0..<(1 + generator.below(3)) {
                let path = (0..<(1 + generator.below(4))).map { _ in generator.pick(components) }.joined(separator: ".")
                if generator.below(2) == 0 {
                    overrides.append(generator.pick(valid))
                } else {
                    overrides.append(generator.below(20) == 0 ? path : "\(path)=\(generator.pick(values))")
                }
            }
            check(ScenarioLoader.defaultScenarioYAML, fileName: "default.yaml", overrides: overrides, outcome: &outcome)
        }
        XCTAssertGreaterThan(outcome.parsed, 10, "\(outcome)")
        XCTAssertGreaterThan(outcome.rejected, 500, "\(outcome)")
    }

    func testErrorsAreDeterministic() {
        var generator = Generator(state: 7)
        for _ in 0..<200 {
            let mutated = Self.mutate(ScenarioLoader.defaultScenarioYAML, &generator)
            XCTAssertEqual(scenarioError(mutated), scenarioError(mutated))
        }
    }

    func testDeepNestingIsAnErrorNotAStackOverflow() {
        for depth in [999, 100_000] {
            let yaml = "runtime: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
            XCTAssertNotNil(scenarioError(yaml))
        }
        let deep = "runtime: " + String(repeating: "[", count: 100_000) + "\n"
        XCTAssertEqual(scenarioError(deep)?.message.hasPrefix("YAML syntax: Maximum nesting level reached"), true)
    }

    func testNestedAliasesAreBounded() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        XCTAssertEqual(scenarioError(yaml)?.message, "the document expands to more than 200000 nodes (nested aliases?)")
    }
}
