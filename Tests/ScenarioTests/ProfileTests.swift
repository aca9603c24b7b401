import Foundation
import XCTest
@testable import Scenario
import PollModel
import SimKernel

final class ProfileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pollsim-profile-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name.hashValue)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("scenarios/profiles"),
                                                withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ text: String, to relativePath: String) throws -> String {
        let url = directory.appendingPathComponent(relativePath)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testBuiltInProfiles() throws {
        XCTAssertEqual(try parse(minimalScenario).profile, .bareMetal)
        XCTAssertEqual(try parse(minimalScenario + "profile: ideal\n").profile, .ideal)
        XCTAssertEqual(try parse(minimalScenario + "profile: bare-metal\n").profile, .bareMetal)
    }

    func testAProfileFileRelativeToTheScenarioFile() throws {
        _ = try write("""
            base: ideal
            wakeup-cross-cpu: 55us
            poll-handler: 20
            timer-overshoot: {dist: lognormal, median: 48us, p99: 105us}

            """, to: "scenarios/profiles/vm.yaml")
        let path = try write(minimalScenario + "profile: profiles/vm.yaml\n", to: "scenarios/scenario.yaml")
        let profile = try ScenarioLoader.load(path: path).profile
        var expected = HostProfile.ideal
        expected.wakeupCrossCPU = .ns(55_000)
        expected.pollHandler = .ns(20)
        expected.timerOvershoot = Cost(try .lognormal(median: 48_000, p99: 105_000))
        XCTAssertEqual(profile, expected)
    }

    func testAProfileFileDefaultsToBareMetalAndTakesOverrides() throws {
        _ = try write("wakeup-same-cpu: 3.5us\n", to: "scenarios/vm.yaml")
        let path = try write(minimalScenario + """
            profile: vm.yaml
            profile-overrides:
              wakeup-same-cpu: 4us
              guest-kick: {dist: exponential, mean: 2us}

            """, to: "scenarios/scenario.yaml")
        var expected = HostProfile.bareMetal
        expected.wakeupSameCPU = .ns(4_000)
        expected.guestKick = Cost(try .exponential(mean: 2_000))
        XCTAssertEqual(try ScenarioLoader.load(path: path).profile, expected)
        // --set can switch the profile; the path stays relative to the scenario file.
        XCTAssertEqual(try ScenarioLoader.load(path: path, overrides: ["profile=ideal"]).profile.wakeupCrossCPU, .ns(0))
    }

    func testProfileOverridesOnABuiltInProfile() throws {
        let config = try parse(minimalScenario + "profile: ideal\nprofile-overrides: {wakeup-cross-cpu: 8us, poll-pass: 12}\n")
        var expected = HostProfile.ideal
        expected.wakeupCrossCPU = .ns(8_000)
        expected.pollPass = .ns(12)
        XCTAssertEqual(config.profile, expected)
    }

    func testErrorsInsideAProfileFileNameThatFile() throws {
        let profilePath = try write("base: bare-metal\nwakeup-cros-cpu: 8us\n", to: "scenarios/bad.yaml")
        let path = try write(minimalScenario + "profile: bad.yaml\n", to: "scenarios/scenario.yaml")
        XCTAssertThrowsError(try ScenarioLoader.load(path: path)) { error in
            XCTAssertEqual("\(error)", "\(profilePath):2:1: error: unknown key 'wakeup-cros-cpu' in the profile file; did you mean 'wakeup-cross-cpu'?")
        }
        _ = try write("base: bare-metl\n", to: "scenarios/bad.yaml")
        XCTAssertThrowsError(try ScenarioLoader.load(path: path)) { error in
            XCTAssertEqual("\(error)", "\(profilePath):1:7: error: unknown base profile 'bare-metl' (expected bare-metal, ideal); did you mean 'bare-metal'?")
        }
        _ = try write("poll-pass: {dist: normal, mean: -1us, sd: 1us}\n", to: "scenarios/bad.yaml")
        XCTAssertThrowsError(try ScenarioLoader.load(path: path)) { error in
            XCTAssertEqual("\(error)", "\(profilePath):1:33: error: expected a non-negative duration like 10us, got '-1us'")
        }
        _ = try write("poll-pass: [\n", to: "scenarios/bad.yaml")
        XCTAssertThrowsError(try ScenarioLoader.load(path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(profilePath):2:1: error: YAML syntax:"), "\(error)")
        }
    }

    func testAMissingProfile() {
        assertError(minimalScenario + "profile: bare-metl\n",
                    "scenario.yaml:14:10: error: profile 'bare-metl' is neither a built-in profile (bare-metal, ideal) nor a readable file ('bare-metl'); did you mean 'bare-metal'?")
        assertError(minimalScenario + "profile: {wakeup-cross-cpu: 1us}\n",
                    at: "14:10", contains: "expected a name for 'profile', got a map")
    }

    func testTheShippedProfileFile() throws {
        let path = packageRoot.appendingPathComponent("scenarios/default.yaml").path
        let profile = try ScenarioLoader.load(path: path, overrides: ["profile=profiles/dev-vm.yaml"]).profile
        XCTAssertEqual(profile.wakeupSameCPU, .ns(3_500))
        XCTAssertEqual(profile.wakeupCrossCPU, Cost(try .uniform(min: 53_000, max: 60_000)))
        XCTAssertEqual(profile.ioUringEnter, HostProfile.bareMetal.ioUringEnter)
    }
}
