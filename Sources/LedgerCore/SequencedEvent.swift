/// An event with its position in the ledger: the unit the fold consumes.
///
/// 40 bytes (`CompactValuesTests`): a replay holds every event of the log in one array (20
/// million at `hongkong`), so the seq is kept in four bytes after the event's 36, where a whole
/// word took eight beside them and made 64. A ledger therefore holds at most `maxSeq` events:
/// the decoders refuse a stored line numbered beyond it, and an append that would pass it.
public struct SequencedEvent: Hashable, Sendable {
    public var event: Event
    private var position: CompactSeq

    /// The highest seq a ledger holds: 4,294,967,295, some two hundred centuries of `hongkong`.
    public static let maxSeq = Int(UInt32.max)

    /// - Precondition: `seq` is in `0...maxSeq`.
    public init(seq: Int, event: Event) {
        self.event = event
        self.position = CompactSeq(seq)
    }

    public var seq: Int {
        get { position.value }
        set { position = CompactSeq(newValue) }
    }
}
