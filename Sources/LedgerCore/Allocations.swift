/// The money applied to one fee request, in fold order (R16). Most requests are paid once, so
/// the first allocation is held in the request itself and only later ones in an array: a fold
/// of a whole ledger holds millions of requests, and an array each would be a heap block each.
public struct Allocations: RandomAccessCollection, Hashable, Sendable {
    private var first: Allocation?
    private var later: [Allocation] = []

    /// None yet.
    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { first == nil ? 0 : 1 + later.count }

    public subscript(position: Int) -> Allocation {
        precondition(position >= 0 && position < endIndex, "allocation index out of range")
        return position == 0 ? first! : later[position - 1]
    }

    /// Adds one after the others.
    mutating func append(_ allocation: Allocation) {
        if first == nil { first = allocation } else { later.append(allocation) }
    }
}
