import Synchronization
import Testing

@testable import LedgerLog

@Suite struct ParallelMapTests {
    struct Refused: Error, Equatable {
        var index: Int
    }

    /// How many values of one map are alive: what a failed map made must be freed.
    final class Alive: Sendable {
        let count = Atomic<Int>(0)
    }

    final class Tracked: Sendable {
        let alive: Alive

        init(_ alive: Alive) {
            self.alive = alive
            alive.count.add(1, ordering: .relaxed)
        }

        deinit { alive.count.subtract(1, ordering: .relaxed) }
    }

    @Test(
        "map with a state: each task starts from the state given and carries it through its indices in order",
        arguments: [1, 7, 256, 5_000]
    )
    func carriedState(chunk: Int) {
        // The state counts the indices its task has mapped so far.
        let values = ParallelMap.map(3_000, chunk: chunk, state: 0) { seen, i in
            defer { seen += 1 }
            return (index: i, seen: seen)
        }
        #expect(values.map(\.index) == Array(0..<3_000))
        #expect(values.map(\.seen) == (0..<3_000).map { $0 % chunk })
    }

    @Test("tryMap keeps the order of the indices, on one task or many", arguments: [1, 7, 256, 5_000])
    func order(chunk: Int) throws {
        let values = try ParallelMap.tryMap(3_000, chunk: chunk) { i throws(Refused) in i * 2 }
        #expect(values == (0..<3_000).map { $0 * 2 })
    }

    @Test(
        "tryMap throws the error of the first index that fails, in order, and frees every value it made",
        arguments: [[2_999], [0], [1_500, 40, 2_000], [255, 256]]
    )
    func firstFailure(failing: [Int]) throws {
        for chunk in [1, 16, 256, 10_000] {
            let alive = Alive()
            #expect(throws: Refused(index: failing.min()!)) {
                _ = try ParallelMap.tryMap(3_000, chunk: chunk) { i throws(Refused) -> Tracked in
                    if failing.contains(i) { throw Refused(index: i) }
                    return Tracked(alive)
                }
            }
            #expect(alive.count.load(ordering: .relaxed) == 0, "chunk \(chunk)")
        }
    }
}
