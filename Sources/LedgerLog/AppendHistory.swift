import LedgerCore

/// What an append needs of the stored history: the stored records of repeated ids, and the
/// events the rules must fold to judge the new ones. `FullLogHistory` reads the whole log; an
/// index (`EventIndex`) gives only the companies concerned, so an append costs their history.
public protocol AppendHistory: AnyObject {
    /// Brings the source up to the log's head; called under the writer lock.
    func open(_ directory: LedgerDirectory, head: LogHead) throws
    /// The stored records, in full, of those of `ids` that are stored, by id.
    func storedRecords(ids: Set<String>) throws -> [String: StoredRecord]
    /// The stored events to fold with `fresh`.
    func events(judging fresh: [SequencedEvent]) throws -> StoredEvents
    /// Told of the lines about to be written (and the same lines as replay reads them), which
    /// `feed` brings as they are chained, then the head they make: seq and hash (hex) of the
    /// last. It may begin its own work at once, on another core; the `Finish` it returns is
    /// called once, after the feed has ended, with true when the lines are durable, false when
    /// they were not written, and ends that work.
    func appending(_ feed: LineFeed) -> Finish

    /// Ends what `appending` began: called with whether the lines are durable.
    typealias Finish = (_ durable: Bool) throws -> Void
}

/// The stored events an append folds with its batch to judge it (R5).
public enum StoredEvents {
    /// Events in hand: the histories of the companies `judged`, or every company's (nil).
    case held([SequencedEvent], judged: Set<CompanyID>?)
    /// Every stored event, which the append reads from the log itself: a fold that only judges
    /// them uses them up as it goes (`LedgerHistory.judgingFold`), where events handed over
    /// would be held beside it.
    case wholeLog
}

/// The whole log as the append's history: every append reads and folds all of it.
public final class FullLogHistory: AppendHistory {
    private var directory: LedgerDirectory?
    private var history = LedgerHistory()

    public init() {}

    public func open(_ directory: LedgerDirectory, head: LogHead) throws {
        self.directory = directory
        history = try LedgerHistory.load(directory, withIDs: true)
    }

    public func storedRecords(ids: Set<String>) throws -> [String: StoredRecord] {
        guard !ids.isEmpty, let directory else { return [:] }
        let wanted = Set(ids.compactMap { EventID(stored: $0) })
        let seqs = Set(history.ids.indices.filter { wanted.contains(history.ids[$0]) }.map { $0 + 1 })
        guard !seqs.isEmpty else { return [:] }
        var found: [String: StoredRecord] = [:]
        for record in try LedgerHistory.storedRecords(directory, seqs: seqs) { found[record.id] = record }
        return found
    }

    public func events(judging fresh: [SequencedEvent]) throws -> StoredEvents {
        .held(history.events, judged: nil)
    }

    public func appending(_ feed: LineFeed) -> Finish { { _ in } }
}
