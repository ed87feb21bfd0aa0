/// An event with its position in the ledger: the unit the fold consumes.
public struct SequencedEvent: Hashable, Sendable {
    public var seq: Int
    public var event: Event

    public init(seq: Int, event: Event) {
        self.seq = seq
        self.event = event
    }
}
