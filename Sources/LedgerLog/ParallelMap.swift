import Dispatch

/// Maps indices on every core, keeping their order: commits and lines are independent to
/// decode and hash, and the machine has more than one core.
public enum ParallelMap {
    /// `transform(0) ... transform(count - 1)`, computed `chunk` indices per task.
    public static func map<T: Sendable>(_ count: Int, chunk: Int = 1, _ transform: @Sendable (Int) -> T) -> [T] {
        map(count, chunk: chunk, state: ()) { _, i in transform(i) }
    }

    /// `map` whose tasks each carry a state from one index to the next, in order: each task
    /// starts from a copy of `initial`, handed to `transform` with each of the task's indices.
    public static func map<T: Sendable, State: Sendable>(
        _ count: Int,
        chunk: Int,
        state initial: State,
        _ transform: @Sendable (inout State, Int) -> T
    ) -> [T] {
        let tasks = (count + chunk - 1) / chunk
        // One task runs here: no worker threads to start for a single append's few lines.
        guard tasks > 1 else {
            var state = initial
            return (0..<count).map { transform(&state, $0) }
        }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = Output(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: tasks) { part in
                var state = initial
                for i in (part * chunk)..<min(count, (part + 1) * chunk) {
                    (output.base + i).initialize(to: transform(&state, i))
                }
            }
            initialized = count
        }
    }

    /// `map` for a transform that may fail: the error of the first index in order that fails is
    /// thrown. The values are not wrapped in results to be unwrapped one by one (a copy of every
    /// value, a 100,000-event batch's inputs among them).
    public static func tryMap<T: Sendable, Failure: Error>(
        _ count: Int,
        chunk: Int = 1,
        _ transform: @Sendable (Int) throws(Failure) -> T
    ) throws(Failure) -> [T] {
        let tasks = (count + chunk - 1) / chunk
        guard tasks > 1 else {
            var values: [T] = []
            values.reserveCapacity(count)
            for i in 0..<count { values.append(try transform(i)) }
            return values
        }
        // Each task's first failure, in its own slot; a task that fails leaves its slots empty.
        let failures = Output(base: UnsafeMutablePointer<Failure?>.allocate(capacity: tasks))
        failures.base.initialize(repeating: nil, count: tasks)
        defer {
            failures.base.deinitialize(count: tasks)
            failures.base.deallocate()
        }
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = Output(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: tasks) { part in
                let range = (part * chunk)..<min(count, (part + 1) * chunk)
                for i in range {
                    switch Result(catching: { () throws(Failure) -> T in try transform(i) }) {
                    case .success(let value): (output.base + i).initialize(to: value)
                    case .failure(let error):
                        (output.base + range.lowerBound).deinitialize(count: i - range.lowerBound)
                        failures.base[part] = error
                        return
                    }
                }
            }
            guard (0..<tasks).contains(where: { failures.base[$0] != nil }) else {
                initialized = count
                return
            }
            for part in 0..<tasks where failures.base[part] == nil {
                let start = part * chunk
                (output.base + start).deinitialize(count: min(count, start + chunk) - start)
            }
            initialized = 0
        }
        if let first = (0..<tasks).lazy.compactMap({ failures.base[$0] }).first { throw first }
        return values
    }

    // Each slot is initialised by exactly one task, and read only after all have returned.
    private struct Output<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
    }
}
