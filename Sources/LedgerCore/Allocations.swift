/// The money applied to one fee request, in fold order (R16). Most requests are paid once, so
/// the first allocation is held in the request itself and only later ones in an array: a fold
/// of a whole ledger holds millions of requests, and an array each would be a heap block each.
public struct Allocations: RandomAccessCollection, Hashable, Sendable {
    private var later: [Allocation] = []
    /// The first, held in place (24 bytes in all, not 32 with an optional's tag); its seq is
    /// 0, which no event has, while there is none.
    private var first = Allocation(on: Day(ordinal: 0), amount: .zero, seq: 0)

    /// None yet.
    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { first.seq == 0 ? 0 : 1 + later.count }

    public subscript(position: Int) -> Allocation {
        precondition(position >= 0 && position < endIndex, "allocation index out of range")
        return position == 0 ? first : later[position - 1]
    }

    /// The money of them all.
    public var total: Cents { later.reduce(first.amount) { $0 + $1.amount } }

    /// Adds one after the others.
    mutating func append(_ allocation: Allocation) {
        precondition(allocation.seq != 0, "an allocation comes from an event, and no event has seq 0")
        if first.seq == 0 { first = allocation } else { later.append(allocation) }
    }
}
