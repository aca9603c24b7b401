import XCTest
import Scenario
@testable import Sweep

/// Grid expansion, axes from --vary and from a scenario's sweep: section, and how bad values are reported.
final class GridTests: XCTestCase {
    func testFirstAxisVariesSlowest() throws {
        let grid = SweepGrid(axes: [try SweepAxis.parse(vary: "a=1,2"), try SweepAxis.parse(vary: "b=x,y,z")])
        XCTAssertEqual(grid.pointCount, 6)
        XCTAssertEqual((0..<6).map { grid.columns(of: $0).map { "\($0)=\($1)" }.joined(separator: " ") },
                       ["a=1 b=x", "a=1 b=y", "a=1 b=z", "a=2 b=x", "a=2 b=y", "a=2 b=z"])
        XCTAssertEqual(grid.overrides(of: 4), ["a=2", "b=y"])
        XCTAssertEqual(grid.describe(5), "a=2, b=z")
    }

    func testThreeAxesAndNoAxes() throws {
        let grid = SweepGrid(axes: try ["a=0..1", "b=0..2", "c=0..1"].map { try SweepAxis.parse(vary: $0) })
        XCTAssertEqual(grid.pointCount, 12)
        XCTAssertEqual(grid.levelIndices(of: 0), [0, 0, 0])
        XCTAssertEqual(grid.levelIndices(of: 1), [0, 0, 1])
        XCTAssertEqual(grid.levelIndices(of: 2), [0, 1, 0])
        XCTAssertEqual(grid.levelIndices(of: 11), [1, 2, 1])
        XCTAssertEqual(SweepGrid(axes: []).pointCount, 1, "no axes: the scenario as it is")
    }

    func testPlanRowsAreInCanonicalOrder() throws {
        let plan = try plan(["jobs.0.iodepth=1,2", "jobs.0.bs=4k,8k"], replications: 3)
        XCTAssertEqual(plan.rows.count, 12)
        XCTAssertEqual(plan.rows.prefix(4).map { "\($0.point).\($0.replication)" }, ["0.0", "0.1", "0.2", "1.0"])
        XCTAssertEqual(plan.configurations.map { "\($0.jobs[0].iodepth)/\($0.jobs[0].bs)" },
                       ["1/4096", "1/8192", "2/4096", "2/8192"])
    }

    func testCaseAxes() throws {
        let axis = try SweepAxis.parse(vary: "layout=shared{disks.vdb.iothread=iothread0},separate{disks.vdb.iothread=iothread1; jobs.b.iodepth=8}")
        XCTAssertFalse(axis.isKeyPath)
        XCTAssertEqual(axis.levels, [
            .init(label: "shared", overrides: ["disks.vdb.iothread=iothread0"]),
            .init(label: "separate", overrides: ["disks.vdb.iothread=iothread1", "jobs.b.iodepth=8"]),
        ])
        let plan = try SweepPlan(source: ScenarioSource(yaml: twoThreadScenario, fileName: "two.yaml"), grid: SweepGrid(axes: [axis]),
                                 replications: 1)
        XCTAssertEqual(plan.configurations.map { $0.disks[1].iothread }, ["iothread0", "iothread1"])
        XCTAssertEqual(plan.configurations.map { $0.jobs[1].iodepth }, [2, 8])
        XCTAssertEqual(try SweepAxis.parse(vary: "x.y={dist: constant, value: 10us}").levels.map(\.label),
                       ["{dist: constant, value: 10us}"], "a YAML map is a plain value, not a case")
    }

    func testCaseAxisErrors() {
        XCTAssertEqual(sweepError { _ = try SweepAxis.parse(vary: "layout=a{x.y=1},2") },
                       "--vary layout=a{x.y=1},2: mixes named cases (label{key=value;...}) with plain values; give every value as a case")
        XCTAssertEqual(sweepError { _ = try SweepAxis.parse(vary: "layout=a{}") }, "--vary layout=a{}: the case 'a' sets no key")
        XCTAssertEqual(sweepError { _ = try SweepAxis.parse(vary: "layout=a{x}") }, "--vary layout=a{x}: in case 'a', expected key.path=value, got 'x'")
        XCTAssertEqual(sweepError { _ = try SweepAxis.parse(vary: "layout=a{x=1},a{x=2}") }, "--vary layout=a{x=1},a{x=2}: the value 'a' appears twice")
    }

    /// A bad value in --vary is reported before anything runs, with the message --set gives for it.
    func testVaryErrorsCarryTheMessagesOfSet() throws {
        func setMessage(_ override: String) -> String? {
            do {
                _ = try ScenarioLoader.parse(yaml: ScenarioLoader.defaultScenarioYAML, fileName: "default.yaml", overrides: [override])
                return nil
            } catch let error as ScenarioError {
                return error.description
            } catch { return nil }
        }
        for (vary, offending) in [("jobs.0.iodepth=1,0", "jobs.0.iodepth=0"), ("jobs.0.iodepht=1,2", "jobs.0.iodepht=1"),
                                  ("iothreads.0.poll-weight=2,64", "iothreads.0.poll-weight=64"),
                                  ("jobs.9.iodepth=1", "jobs.9.iodepth=1"), ("jobs.0.rw=randread,bogus", "jobs.0.rw=bogus")] {
            let expected = try XCTUnwrap(setMessage(offending)).replacingOccurrences(of: "--set ", with: "--vary ")
            XCTAssertEqual(sweepError { _ = try plan([vary]) }, expected, vary)
        }
    }

    func testCombinationErrorsNameThePoint() throws {
        // Each value is valid alone (the base sets rw: randrw); randread with rwmixread is not.
        let message = try XCTUnwrap(sweepError {
            _ = try plan(["jobs.0.rw=randrw,randread", "jobs.0.rwmixread=70"], overrides: tinyOverrides + ["jobs.0.rw=randrw"])
        })
        XCTAssertTrue(message.contains("rwmixread"), message)
        XCTAssertTrue(message.hasSuffix("note: at sweep point 1 (jobs.0.rw=randread, jobs.0.rwmixread=70)"), message)
    }

    func testAxisNameChecks() throws {
        XCTAssertEqual(sweepError { _ = try plan(["jobs.0.iodepth=1", "jobs.0.iodepth=2"]) },
                       "--vary jobs.0.iodepth=2: 'jobs.0.iodepth' is already varied by --vary jobs.0.iodepth=1")
        XCTAssertEqual(sweepError { _ = try plan(["point=a{jobs.0.iodepth=1}"]) },
                       "--vary point=a{jobs.0.iodepth=1}: 'point' is the name of a result column; vary it through a case axis with another name, e.g. --vary 'layout=a{point=...},b{point=...}'")
        XCTAssertNotNil(sweepError { _ = try plan(["seed=1,2"]) })
        XCTAssertEqual(sweepError { _ = try plan(["jobs.0.iodepth=1"], replications: 0) }, "--replications must be >= 1, got 0")
    }

    // MARK: The scenario's sweep: section

    let sectionScenario = twoThreadScenario + """
        sweep:
          vary:
            jobs.a.iodepth: [1, 8]
            iothreads.iothread0.poll-weight: "2..3"
            layout:
              shared: { disks.vdb.iothread: iothread0 }
              separate: { disks.vdb.iothread: iothread1 }
          replications: 2

        """

    func testTheSweepSectionGivesTheGrid() throws {
        let source = ScenarioSource(yaml: sectionScenario, fileName: "s.yaml")
        let (grid, replications) = try SweepPlan.axes(vary: [], source: source, overrides: [], replications: nil,
                                                      defaultReplications: 1)
        XCTAssertEqual(replications, 2)
        XCTAssertEqual(grid.axes.map(\.name), ["jobs.a.iodepth", "iothreads.iothread0.poll-weight", "layout"])
        XCTAssertEqual(grid.pointCount, 8)
        XCTAssertEqual(grid.describe(7), "jobs.a.iodepth=8, iothreads.iothread0.poll-weight=3, layout=separate")
        XCTAssertEqual(grid.overrides(of: 7), ["jobs.a.iodepth=8", "iothreads.iothread0.poll-weight=3", "disks.vdb.iothread=iothread1"])

        // --vary replaces the section's axes; --replications its replications.
        let (cli, three) = try SweepPlan.axes(vary: ["jobs.b.iodepth=1,2"], source: source, overrides: [],
                                              replications: 3, defaultReplications: 1)
        XCTAssertEqual(cli.axes.map(\.name), ["jobs.b.iodepth"])
        XCTAssertEqual(three, 3)
        // --set reaches the section.
        let (_, five) = try SweepPlan.axes(vary: [], source: source, overrides: ["sweep.replications=5"],
                                           replications: nil, defaultReplications: 1)
        XCTAssertEqual(five, 5)
    }

    func testSectionValuesAreCheckedLikeVaryValues() throws {
        let bad = sectionScenario.replacingOccurrences(of: "[1, 8]", with: "[1, 0]")
        let source = ScenarioSource(yaml: bad, fileName: "s.yaml")
        let (grid, replications) = try SweepPlan.axes(vary: [], source: source, overrides: [], replications: nil,
                                                      defaultReplications: 1)
        XCTAssertEqual(sweepError { _ = try SweepPlan(source: source, grid: grid, replications: replications) },
                       "s.yaml:28:5: sweep.vary.jobs.a.iodepth: value '0': iodepth must be >= 1, got 0")
        let badRange = ScenarioSource(yaml: sectionScenario.replacingOccurrences(of: "\"2..3\"", with: "\"3..2\""), fileName: "s.yaml")
        XCTAssertEqual(sweepError { _ = try SweepPlan.axes(vary: [], source: badRange, overrides: [], replications: nil, defaultReplications: 1) },
                       "s.yaml:29:5: sweep.vary.iothreads.iothread0.poll-weight: the range '3..2' is empty: its end is below its start")
    }

    func testTheSectionIsCheckedWhenAnyScenarioLoads() {
        func message(_ yaml: String) -> String? {
            do {
                _ = try ScenarioLoader.parse(yaml: yaml, fileName: "s.yaml")
                return nil
            } catch { return "\(error)" }
        }
        XCTAssertNil(message(sectionScenario), "pollsim run accepts (and ignores) a valid section")
        XCTAssertEqual(message(twoThreadScenario + "sweep:\n  replications: 2\n"),
                       "s.yaml:27:3: error: missing required key 'vary' in sweep")
        XCTAssertEqual(message(twoThreadScenario + "sweep:\n  vary: {a: []}\n"),
                       "s.yaml:27:13: error: 'sweep.vary.a' has no values")
        XCTAssertEqual(message(twoThreadScenario + "sweep:\n  vary: {a: [1]}\n  replications: 0\n"),
                       "s.yaml:28:17: error: replications must be in 1...1000000, got 0")
        XCTAssertEqual(message(twoThreadScenario + "sweep:\n  vary: {a: [1]}\n  replication: 2\n"),
                       "s.yaml:28:3: error: unknown key 'replication' in sweep; did you mean 'replications'?")
        XCTAssertEqual(message(twoThreadScenario + "sweep:\n  vary: {a: [[1, 2]]}\n"),
                       "s.yaml:27:14: error: expected a single value in 'sweep.vary.a', got a list (write a structured value as a quoted string: \"{dist: constant, value: 10us}\")")
        XCTAssertEqual(message(twoThreadScenario + "sweep:\n  vary: {layout: {a: 1}}\n"),
                       "s.yaml:27:22: error: expected a map of key.path -> value for case 'sweep.vary.layout.a', got '1'")
    }

    func testLoadSweepReadsAllKeysYAML() throws {
        let path = packageRoot.appendingPathComponent("scenarios/all-keys.yaml").path
        let sweep = try XCTUnwrap(try ScenarioLoader.loadSweep(path: path))
        XCTAssertEqual(sweep.replications, 2)
        XCTAssertEqual(sweep.axes.map(\.name), ["jobs.mixed.iodepth", "iothreads.iothread0.poll-weight", "layout"])
        XCTAssertEqual(sweep.axes[0].values, .list(["8", "32"]))
        XCTAssertEqual(sweep.axes[1].values, .text("1..3"))
        XCTAssertEqual(sweep.axes[2].values, .cases([
            .init(label: "shared", overrides: ["disks.vdb.iothread-vq-mapping=[iothread0]"]),
            .init(label: "separate", overrides: ["disks.vdb.iothread-vq-mapping=[iothread0, iothread1]"]),
        ]))
        XCTAssertNil(try ScenarioLoader.loadSweep(path: packageRoot.appendingPathComponent("scenarios/default.yaml").path))
        // Every point of it is a valid scenario.
        let source = try ScenarioSource.file(path)
        let (grid, replications) = try SweepPlan.axes(vary: [], source: source, overrides: [], replications: nil, defaultReplications: 1)
        XCTAssertEqual(try SweepPlan(source: source, grid: grid, replications: replications).rows.count, 2 * 3 * 2 * 2)
    }
}
