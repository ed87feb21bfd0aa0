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

    @Test("R17: a request is due 30 days after its date, across month, year and leap-day ends; its term reads back")
    func dueDateAndTerm() {
        for (requested, due) in [
            ("2024-05-01", "2024-05-31"), ("2024-12-15", "2025-01-14"), ("2024-02-01", "2024-03-02"),
            ("2023-02-01", "2023-03-03"),
        ] {
            let request = FeeRequestRecord(
                seq: 7,
                term: 3,
                period: Period(startYear: 2024),
                requestedOn: Day(requested)!,
                amount: Cents(100_000)
            )
            #expect(request.dueOn == Day(due)!, "\(requested)")
            #expect(request.term == 3 && request.balance == Cents(100_000))
        }
    }

    @Test("a fee request takes 80 bytes and an allocation 20, with the first allocation in place")
    func sizes() {
        // A fold of a whole ledger holds millions of requests: each byte is megabytes.
        #expect(MemoryLayout<Allocation>.size == 20)
        #expect(MemoryLayout<Allocations>.size == 32)
        #expect(MemoryLayout<FeeRequestRecord>.size == 80)
    }
}
