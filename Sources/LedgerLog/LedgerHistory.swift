import LedgerCore

/// The stored records of a ledger, decoded: what every view, append and check folds.
public struct LedgerHistory: Sendable {
    public var records: [StoredRecord]

    /// Reads and decodes every stored record, in seq order.
    /// - Throws: `LogError` when the log is damaged or a stored line is not a valid record.
    public static func load(_ directory: LedgerDirectory) throws -> LedgerHistory {
        var records: [StoredRecord] = []
        try LogReader(directory).forEachCommit { segment, commit in
            var start = 0
            var seq = commit.trailer.firstSeq
            let content = commit.content
            for i in content.indices where content[i] == UInt8(ascii: "\n") {
                defer { seq += 1 }
                do {
                    let record = try StoredRecord.decode(line: Array(content[start..<i]))
                    guard record.seq == seq else { throw InputError(field: "seq", "is \(record.seq), expected \(seq)") }
                    records.append(record)
                } catch {
                    throw LogError(
                        .corrupt,
                        "stored line is not a valid record: \(error)",
                        file: segment,
                        offset: commit.offset,
                        seq: seq
                    )
                }
                start = i + 1
            }
        }
        return LedgerHistory(records: records)
    }

    /// The records known at `instant` (R4): recorded at or before it. `recorded` never goes
    /// backwards (R2), so this is a prefix.
    public func known(at instant: Instant?) -> [StoredRecord] {
        guard let instant else { return records }
        let end = records.firstIndex { $0.recorded > instant } ?? records.count
        return Array(records[..<end])
    }

    /// Folds the records known at `instant`.
    /// - Throws: `LedgerError` if the stored history breaks a rule (it never should: appends are checked).
    public func fold(knownAt instant: Instant? = nil) throws(LedgerError) -> MembershipFold {
        try MembershipFold.fold(known(at: instant).map(\.sequenced))
    }
}
