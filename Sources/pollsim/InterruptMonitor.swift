import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C for long commands: the first SIGINT asks the work to stop (no new run starts, the running ones finish and
/// are kept), a second one exits at once with status 130.
final class InterruptMonitor: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var source: DispatchSourceSignal?
    private let what: String
    private var runningNow = 0

    private init(what: String) { self.what = what }

    /// Replaces the default SIGINT action (terminate) for the rest of the process.
    static func install(what: String) -> InterruptMonitor {
        let monitor = InterruptMonitor(what: what)
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { monitor.interrupt() }
        source.resume()
        monitor.source = source
        return monitor
    }

    var isInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return count > 0
    }

    /// How many runs are in flight (for the message).
    var running: Int {
        get { lock.lock(); defer { lock.unlock() }; return runningNow }
        set { lock.lock(); runningNow = newValue; lock.unlock() }
    }

    private func interrupt() {
        lock.lock()
        count += 1
        let count = self.count, running = runningNow
        lock.unlock()
        if count == 1 {
            StandardError.write("\r\u{1B}[Kinterrupted: finishing the \(running) running \(what) (Ctrl-C again to abandon them)\n")
        } else {
            StandardError.write("\r\u{1B}[Kinterrupted again: abandoning the running \(what)\n")
            _exit(130)
        }
    }
}
