import Dispatch

/// Work begun on another thread, whose result is waited for later.
public final class BackgroundWork<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written by the worker before it signals `done`, read only after waiting for it.
    private var outcome: Result<T, any Error>?

    /// Starts `work` on another thread.
    public init(_ work: @escaping @Sendable () throws -> T) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.outcome = Result { try work() }
            self.done.signal()
        }
    }

    /// Waits at most `seconds` for the work to end; whether it has. `result()` still gives it.
    public func hasEnded(within seconds: Double) -> Bool {
        guard done.wait(timeout: .now() + seconds) == .success else { return false }
        done.signal()
        return true
    }

    /// Waits for the work to end (once only) and hands over its result, keeping no reference to
    /// it: an array the caller then changes in place is not copied first (a batch's drafted lines,
    /// chained where they lie, were each copied while the work still held them).
    /// - Throws: what the work threw.
    public func result() throws -> T {
        done.wait()
        let taken = outcome!
        outcome = nil
        return try taken.get()
    }
}
