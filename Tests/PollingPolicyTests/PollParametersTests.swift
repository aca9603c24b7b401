import XCTest
import PollingPolicy

/// iothread_set_param's validation and the presets (reference §7, §3.5).
final class PollParametersTests: XCTestCase {
    private func message(_ name: String, _ value: Int64) -> String? {
        do {
            try PollParameters.validate(name, value)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    func testNegativeValuesAreRejectedWithQEMUsWording() {
        XCTAssertEqual(message("poll-max-ns", -1), "poll-max-ns value must be in range [0, 9223372036854775807]")
        XCTAssertEqual(message("poll-grow", -2), "poll-grow value must be in range [0, 9223372036854775807]")
        XCTAssertEqual(message("poll-shrink", .min), "poll-shrink value must be in range [0, 9223372036854775807]")
        XCTAssertEqual(message("poll-weight", -1), "poll-weight value must be in range [0, 63]")
    }

    func testNoUpperBoundExceptForTheWeight() {
        XCTAssertNil(message("poll-max-ns", .max))
        XCTAssertNil(message("poll-grow", .max))
        XCTAssertNil(message("poll-shrink", 0))
        XCTAssertNil(message("poll-weight", 0))
        XCTAssertNil(message("poll-weight", 63))
        XCTAssertEqual(message("poll-weight", 64), "poll-weight value must be in range [0, 63]")
    }

    func testValidatedChecksEveryProperty() throws {
        for preset in [PollParameters.qemuClassic, .pollWeightRFCv1, .pollWeightMerged] {
            XCTAssertEqual(try preset.validated(), preset)
        }
        XCTAssertThrowsError(try PollParameters(shrink: -1).validated()) { error in
            let rejected = error as? PollParameterError
            XCTAssertEqual(rejected?.name, "poll-shrink")
            XCTAssertEqual(rejected?.value, -1)
            XCTAssertEqual(rejected?.upperBound, .max)
        }
        XCTAssertThrowsError(try PollParameters(weight: 64).validated())
    }

    func testPresets() {
        XCTAssertEqual(PollParameters(), .qemuClassic)
        XCTAssertEqual(PollParameters.qemuClassic, .with(maxNs: 32768))
        XCTAssertEqual(PollParameters.pollWeightRFCv1, .with(maxNs: 32768))
        XCTAssertEqual(PollParameters.pollWeightMerged, .with(maxNs: 32768, grow: 2, shrink: 2, weight: 3))
    }
}
