/// An event's payload as stored: `type`, then its fields in the order EVENTS.md lists them, each
/// in stored form.
///
/// A handful of members in an array, read by a scan: a batch import decodes hundreds of thousands
/// of them, and a dictionary per event (with its key order kept apart) cost each one two
/// allocations and a hash of every key.
public struct EventPayload: Hashable, Sendable {
    /// One field of the payload.
    public struct Member: Hashable, Sendable {
        public var key: String
        public var value: JSONValue
    }

    /// The fields in stored order, `type` first.
    public private(set) var members: [Member] = []

    init(type: EventType) {
        // Room for every field the type has, and no more: a batch holds one payload an input.
        members.reserveCapacity(type.fields.count + 1)
        members.append(Member(key: "type", value: .string(type.rawValue)))
    }

    /// The value of field `key`, nil when absent.
    public subscript(key: String) -> JSONValue? { members.first { $0.key == key }?.value }

    /// Adds a field after the others (the payload's fields are added in stored order).
    mutating func append(_ key: String, _ value: JSONValue) { members.append(Member(key: key, value: value)) }

    /// The payload with `key` filled in as `value` when it is absent: an amount the ledger
    /// fills in (R15) comes last in a FeeRequested's stored order.
    public func filling(_ key: String, with value: JSONValue) -> EventPayload {
        guard self[key] == nil else { return self }
        var filled = self
        filled.append(key, value)
        return filled
    }

    /// The payload without field `key`.
    public func removing(_ key: String) -> EventPayload {
        var removed = self
        removed.members.removeAll { $0.key == key }
        return removed
    }
}
