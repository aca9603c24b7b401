#if canImport(Glibc)
import Glibc
#endif
import SimKernel

/// A progress line on standard error for runs that take more than a second, only when stderr is a terminal.
final class ProgressReporter {
    private let label: String
    private let started = WallClock.seconds()
    private let enabled = isatty(STDERR_FILENO) != 0
    private var lastDraw = 0.0
    private var drawn = false

    init(label: String) { self.label = label }

    func update(_ fraction: Double) {
        update(fraction, detail: "")
    }

    /// `detail` follows the ETA, e.g. `rows 12/96`.
    func update(_ fraction: Double, detail: String) {
        guard enabled else { return }
        let now = WallClock.seconds()
        let elapsed = now - started
        guard elapsed > 1, now - lastDraw > 0.2 else { return }
        lastDraw = now
        drawn = true
        let width = 30
        let filled = min(width, max(0, Int(fraction * Double(width))))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let line = "\r\(label) [\(bar)] \(Int(fraction * 100))%  ETA \(Int(remaining.rounded()))s "
            + (detail.isEmpty ? "" : " \(detail)\u{1B}[K")
        StandardError.write(line)
    }

    func finish() {
        if drawn { StandardError.write("\r\u{1B}[K") }
    }

}

/// Unbuffered writes to file descriptor 2 (Swift 6 forbids touching C's global `stderr`).
enum StandardError {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    }
}
