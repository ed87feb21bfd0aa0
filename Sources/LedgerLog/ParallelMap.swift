import Dispatch

/// Maps indices on every core, keeping their order: commits and lines are independent to
/// decode and hash, and the machine has more than one core.
public enum ParallelMap {
    /// `transform(0) ... transform(count - 1)`, computed `chunk` indices per task.
    public static func map<T: Sendable>(_ count: Int, chunk: Int = 1, _ transform: @Sendable (Int) -> T) -> [T] {
        let tasks = (count + chunk - 1) / chunk
        // One task runs here: no worker threads to start for a single append's few lines.
        guard tasks > 1 else { return (0..<count).map(transform) }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = Output(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: tasks) { part in
                for i in (part * chunk)..<min(count, (part + 1) * chunk) {
                    (output.base + i).initialize(to: transform(i))
                }
            }
            initialized = count
        }
    }

    // Each slot is initialised by exactly one task, and read only after all have returned.
    private struct Output<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
    }
}
