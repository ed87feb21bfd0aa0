import Dispatch
import Foundation

/// A one-line progress bar with rate and time left, on standard error, only when it is a
/// terminal (never in pipes, logs or CI). Redrawn at most ten times a second.
final class ProgressBar {
    enum Unit {
        case companies
        case rows
        /// Log bytes, shown in MB.
        case bytes
        /// A share of the work, in units of its own (a replay in ranges counts the log's bytes
        /// once read and once folded): the bar and the time left, no amounts.
        case share
    }

    let label: String
    let unit: Unit
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0

    /// Nil when standard error is not a terminal.
    init?(label: String, unit: Unit) {
        guard isatty(2) != 0 else { return nil }
        self.label = label
        self.unit = unit
    }

    func show(_ done: Int, of total: Int) {
        let now = DispatchTime.now().uptimeNanoseconds
        // Nothing for work done within half a second; then at most ten redraws a second.
        guard now - start > 500_000_000, now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        let seconds = Double(now - start) / 1e9
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var line = "\r\(label) \(bar) \(Int(fraction * 100))%"
        if unit != .share { line += "  \(amount(done))/\(amount(total))" }
        if done > 0 {
            let rate = Double(done) / seconds
            if unit != .share { line += "  \(amount(Int(rate)))/s" }
            line += "  \(clock(Double(total - done) / rate)) left"
        }
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    /// Clears the bar, if one was drawn.
    func finish() {
        if lastDraw > 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func amount(_ value: Int) -> String {
        switch unit {
        case .companies, .rows, .share: return String(value)
        case .bytes: return String(format: "%.1f MB", Double(value) / 1e6)
        }
    }

    private func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }

    /// Runs `body` with a progress callback (nil off a terminal), clearing the bar after.
    static func around<T>(_ label: String, unit: Unit, _ body: (((Int, Int) -> Void)?) throws -> T) rethrows -> T {
        let bar = ProgressBar(label: label, unit: unit)
        defer { bar?.finish() }
        return try body(bar.map { bar in { bar.show($0, of: $1) } })
    }
}
