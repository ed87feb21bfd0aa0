import LedgerCore
import Testing

@testable import LedgerLog

@Suite struct RecordedInstantsTests {
    static let t1 = Instant("2024-05-01T02:00:00Z")!
    static let t2 = Instant("2024-05-02T02:00:00Z")!
    static let t3 = Instant("2024-05-03T02:00:00Z")!

    /// Events 0–2 at t1, 3 at t2, 4–5 at t3, added as two commits whose runs meet at t2.
    static func sample() -> RecordedInstants {
        var recorded = RecordedInstants()
        recorded.append(runs: [(0, t1), (3, t2)], upTo: 4)
        recorded.append(runs: [(4, t2), (5, t3)], upTo: 6)
        return recorded
    }

    @Test("R2: each event's recorded instant reads back from the runs")
    func readsBack() {
        let recorded = Self.sample()
        #expect(Array(recorded) == [Self.t1, Self.t1, Self.t1, Self.t2, Self.t2, Self.t3])
        #expect(recorded.last == Self.t3)
        #expect(RecordedInstants().last == nil)
    }

    @Test("R2, R4: the events known at an instant are the prefix recorded at or before it")
    func knownPrefix() {
        let recorded = Self.sample()
        #expect(recorded.count(recordedAtOrBefore: Instant("2024-04-30T00:00:00Z")!) == 0)
        #expect(recorded.count(recordedAtOrBefore: Self.t1) == 3)
        #expect(recorded.count(recordedAtOrBefore: Instant("2024-05-02T01:59:59Z")!) == 3)
        #expect(recorded.count(recordedAtOrBefore: Self.t2) == 5)
        #expect(recorded.count(recordedAtOrBefore: Self.t3) == 6)
    }

    @Test("R2: the same instants are equal however the commits split them")
    func equality() {
        var whole = RecordedInstants()
        whole.append(runs: [(0, Self.t1), (3, Self.t2), (5, Self.t3)], upTo: 6)
        #expect(whole == Self.sample())
        var shorter = RecordedInstants()
        shorter.append(runs: [(0, Self.t1), (3, Self.t2)], upTo: 5)
        #expect(shorter != Self.sample())
    }
}
