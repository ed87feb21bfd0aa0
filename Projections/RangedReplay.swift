import LedgerCore
import LedgerLog

/// A replay of a whole long log as known at an instant, for the views that show every company
/// (`status`, `arrears`, `voting`), one range of companies at a time, as a rebuild folds it: each
/// range's events are folded, and the fold handed over, before the next range's are, so that the
/// replay holds a part of the events and of their fold at once.
///
/// The log is read once, its events set aside by range (`EventSpill`; where they cannot be, it is
/// read again for each range). At `hongkong`, every company's status in six ranges took 12.6–14.8
/// s and 364–378 MiB, in one piece 8–10 s and 1,176–1,220 MiB (the forty-eighth session); on the
/// forty-ninth session's faster machine, 8.9–9.5 s and 374–394 MiB, in one piece 7.0–7.9 s.
public enum RangedReplay {
    /// What a replay in ranges did.
    public enum Outcome: Hashable, Sendable {
        /// Every range's fold was handed over, in company order, and R10 holds across them.
        case replayed
        /// Nothing was handed over: the replay in one piece is the one to make.
        case onePiece
        /// Stopped after `handed` ranges' folds were handed over: a later range's fold or R10 across
        /// ranges found a broken rule (never, in a ledger whose appends were judged; the fold in
        /// one piece names the first), or a later range read another log than the first did.
        case stopped(handed: Int)
    }

    /// Reads and folds the events known at `instant`, a range of companies at a time, and hands
    /// each range's fold to `each`, range after range in company order (a view's rows of each,
    /// one after another, are its rows of a fold of every company).
    ///
    /// `.onePiece` when the append index is not exactly at the log's `head` (it says which seq
    /// was the last known at `instant`, and which companies there are), the events known then fit
    /// one range (`count`, else one for each `CompanyRange.logBytesPerRange` of the log they take,
    /// estimated from their share of the events), or the first range's fold finds a broken rule.
    /// - Parameter progress: called with (work done, work in all), the log's read and its ranges'
    ///   folds (`LedgerHistory.loadFolded(_:ranges:through:spillingIn:progress:each:)`).
    /// - Throws: `LogError` as a load does; what `each` throws.
    public static func replay(
        of directory: LedgerDirectory,
        head: LogHead,
        knownAt instant: Instant,
        ranges count: Int? = nil,
        progress: ((Int, Int) -> Void)? = nil,
        each: (MembershipFold) throws -> Void
    ) throws -> Outcome {
        guard let (companies, known) = census(of: directory, head: head, knownAt: instant), known > 0 else {
            return .onePiece
        }
        // The log the known events take, by their share of the events (an estimate: in floating
        // point, as bytes times seqs may pass what an Int holds).
        let knownBytes = try Double(directory.logBytes()) * (Double(known) / Double(head.seq))
        let count = count ?? CompanyRange.count(forLogBytes: Int(knownBytes.rounded(.up)))
        let ranges = CompanyRange.split(companies, into: count)
        guard ranges.count > 1 else { return .onePiece }
        let folded = try LedgerHistory.loadFolded(directory, ranges: ranges, through: known, progress: progress) {
            try each($0.fold)
        }
        switch folded {
        case .all: return .replayed
        case .stopped(handed: 0): return .onePiece
        case .stopped(let handed): return .stopped(handed: handed)
        }
    }

    /// Every company the indexed log names, and the last seq recorded at or before `instant`; nil
    /// when the append index is not at `head` or cannot be read (it is derived: the replay in one
    /// piece reads the log itself).
    private static func census(
        of directory: LedgerDirectory,
        head: LogHead,
        knownAt instant: Instant
    ) -> (companies: [CompanyID], known: Int)? {
        let index = EventIndex()
        guard index.openForReading(directory, head: head) else { return nil }
        defer { index.closeReading() }
        guard let companies = try? index.companies(),
            let known = try? index.lastSeq(recordedAtOrBefore: instant, head: head.seq)
        else { return nil }
        return (companies, known)
    }
}
