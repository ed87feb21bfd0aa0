import Dispatch

/// Frees a large value (a whole ledger's events, a fold of all its companies) on another thread.
/// Freeing millions of events and company states one by one took 8 s at the end of a 130 s
/// rebuild of a 20-million-event ledger; the caller, about to fsync, answer and exit, need not
/// wait for it. A process that exits first simply never frees them.
public enum BackgroundRelease {
    /// Takes the caller's reference to `value`; the last one goes on a background thread.
    public static func release<T>(_ value: consuming T) {
        let box = Box(value: value)
        DispatchQueue.global(qos: .utility).async { box.drop() }
    }

    // Handed to one thread only, which alone touches it after the caller lets go of it.
    private final class Box<T>: @unchecked Sendable {
        var value: T?
        init(value: consuming T) { self.value = value }
        func drop() { value = nil }
    }
}
