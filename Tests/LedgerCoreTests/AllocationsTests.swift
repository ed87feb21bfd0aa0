import Testing

@testable import LedgerCore

@Suite struct AllocationsTests {
    static func allocation(_ seq: Int, cents: Int64) -> Allocation {
        Allocation(on: Day("2024-05-01")!.adding(days: seq), amount: Cents(cents), seq: seq)
    }

    @Test("R16: a request's allocations keep fold order, the first and every one after it")
    func foldOrder() {
        var allocations = Allocations()
        #expect(allocations.isEmpty)
        let added = (1...4).map { Self.allocation($0, cents: Int64($0) * 100) }
        for (n, allocation) in added.enumerated() {
            allocations.append(allocation)
            #expect(Array(allocations) == Array(added[...n]))
        }
        #expect(allocations.count == 4)
        #expect(allocations.last == added.last)
        #expect(allocations.reduce(Cents.zero) { $0 + $1.amount } == Cents(1000))
    }

    @Test("R16: allocations are equal when they hold the same money in the same order")
    func equality() {
        var one = Allocations()
        var other = Allocations()
        one.append(Self.allocation(1, cents: 100))
        other.append(Self.allocation(1, cents: 100))
        #expect(one == other)
        one.append(Self.allocation(2, cents: 50))
        #expect(one != other)
        other.append(Self.allocation(2, cents: 50))
        #expect(one == other)
    }
}
