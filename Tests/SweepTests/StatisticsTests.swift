import XCTest
import CGSL
@testable import Sweep

/// Means, standard deviations, Student-t quantiles and confidence intervals on known data.
final class StatisticsTests: XCTestCase {
    func testTQuantilesFromTheTable() {
        // Two-sided 95 % (p = 0.975), from any table of Student's t.
        let table: [(Double, Double)] = [(1, 12.706204736), (2, 4.302652730), (3, 3.182446305), (4, 2.776445105),
                                         (5, 2.570581836), (9, 2.262157163), (10, 2.228138852), (30, 2.042272456),
                                         (100, 1.983971519)]
        for (dof, t) in table {
            XCTAssertEqual(Statistics.tQuantile(0.975, degreesOfFreedom: dof), t, accuracy: 1e-8, "dof \(dof)")
        }
        XCTAssertEqual(Statistics.tQuantile(0.975, degreesOfFreedom: 1e6), 1.959963985, accuracy: 1e-5, "tends to z")
        XCTAssertEqual(Statistics.tQuantile(0.995, degreesOfFreedom: 3), 5.840909309, accuracy: 1e-8)
        XCTAssertEqual(Statistics.tQuantile(0.5, degreesOfFreedom: 7), 0)
        XCTAssertEqual(Statistics.tQuantile(0.025, degreesOfFreedom: 4), -2.776445105, accuracy: 1e-8)
    }

    func testTQuantilesAgreeWithGSL() {
        for dof in [1.0, 2, 3, 4, 5, 6, 7, 8, 12, 19, 29, 49, 99, 250, 1000] {
            for p in [0.6, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995] {
                let expected = gsl_cdf_tdist_Pinv(p, dof)
                XCTAssertEqual(Statistics.tQuantile(p, degreesOfFreedom: dof), expected,
                               accuracy: 1e-9 * max(1, abs(expected)), "p \(p), dof \(dof)")
            }
        }
    }

    func testTCDFAgreesWithGSL() {
        for dof in [1.0, 2, 3, 10, 40] {
            for t in [-5.0, -1, 0, 0.5, 2, 3.5, 20] {
                XCTAssertEqual(Statistics.tCDF(t, degreesOfFreedom: dof), gsl_cdf_tdist_P(t, dof), accuracy: 1e-12)
            }
        }
    }

    func testMeanAndConfidenceIntervalOfOneToFour() {
        let interval = Statistics.confidenceInterval([1, 2, 3, 4])
        XCTAssertEqual(interval.mean, 2.5)
        XCTAssertEqual(interval.count, 4)
        XCTAssertEqual(Statistics.standardDeviation([1, 2, 3, 4]), (5.0 / 3).squareRoot(), accuracy: 1e-15)
        // t(0.975, 3) · s / √4 = 3.182446305 · 1.290994449 / 2
        XCTAssertEqual(interval.halfWidth, 2.054260257, accuracy: 1e-8)
        XCTAssertEqual(interval.lower, 0.445739743, accuracy: 1e-8)
        XCTAssertEqual(interval.upper, 4.554260257, accuracy: 1e-8)
    }

    func testDegenerateSamples() {
        XCTAssertTrue(Statistics.confidenceInterval([7]).halfWidth.isNaN, "one value: no interval")
        XCTAssertEqual(Statistics.confidenceInterval([7]).mean, 7)
        XCTAssertTrue(Statistics.mean([]).isNaN)
        XCTAssertEqual(Statistics.confidenceInterval([5, 5, 5]).halfWidth, 0)
        XCTAssertEqual(Statistics.confidenceInterval([1, 3], level: 0.95).halfWidth, 12.706204736, accuracy: 1e-8)
    }

    func testNumberText() {
        XCTAssertEqual(NumberText.fixed(-0.0001, decimals: 2), "0.00")
        XCTAssertEqual(NumberText.fixed(.nan, decimals: 2), "n/a")
        XCTAssertEqual(NumberText.shortest(163417), "163417")
        XCTAssertEqual(NumberText.shortest(2.5), "2.5")
        XCTAssertEqual(NumberText.shortest(.infinity), "")
        XCTAssertEqual(NumberText.intervals([.init(mean: 52000, halfWidth: 1490, count: 3),
                                             .init(mean: 101667, halfWidth: 7, count: 3)], decimals: 0),
                       [" 52000 ± 1490", "101667 ±    7"])
    }
}
