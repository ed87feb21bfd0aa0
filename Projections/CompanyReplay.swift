import LedgerCore
import LedgerLog

/// A replay of a few companies, for the views that name them (`explain`, `status COMPANY…`):
/// their histories as known at an instant, folded from the append index (their events, their
/// recommenders' and those they recommended, the schedules, and the rounds with only their
/// inclusions: `EventIndex.events(concerning:)`) instead of from every event of the log.
///
/// The fold judges the named companies alone, as an append's does (R10 is the one rule that reads
/// another company's history, and the recommenders' events are there for it), so their histories
/// are the ones a replay of the whole log gives.
public enum CompanyReplay {
    /// The fold of what was known at `instant` (R4) about `companies`, or nil when the append
    /// index is not exactly at the log's `head` (missing, behind, or of another history): a view
    /// then replays the whole log.
    /// - Throws: `LedgerError` if their stored history breaks a rule; `ProjectionError` if the
    ///   index cannot be read.
    public static func fold(
        of companies: Set<CompanyID>,
        knownAt instant: Instant,
        in directory: LedgerDirectory,
        head: LogHead
    ) throws -> MembershipFold? {
        let index = EventIndex()
        guard index.openForReading(directory, head: head) else { return nil }
        defer { index.closeReading() }
        let known = try index.lastSeq(recordedAtOrBefore: instant, head: head.seq)
        let events = try index.events(concerning: Set(companies.map(\.rawValue))).filter { $0.seq <= known }
        return try MembershipFold.fold(events, judging: companies)
    }
}
