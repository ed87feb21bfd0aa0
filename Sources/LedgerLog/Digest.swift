import LedgerCore

/// The head of a ledger: `{"seq":N,"hash":"…","recorded":"…"}` (CLI.md `digest`). An auditor
/// keeps one and later checks, with `verify --digest`, that the ledger still extends it.
public struct Digest: Hashable, Sendable {
    public var seq: Int
    public var hash: String
    public var recorded: Instant?

    /// The head of the ledger in `directory`.
    public static func current(_ directory: LedgerDirectory) throws -> Digest {
        var last: Commit?
        try LogReader(directory).forEachCommit { _, commit in last = commit }
        guard let last else { return Digest(seq: 0, hash: SHA256Hex.zero, recorded: nil) }
        let record = try StoredRecord.decode(line: last.lastLine)
        return Digest(seq: record.seq, hash: SHA256Hex.hex(last.trailer.lastHash), recorded: record.recorded)
    }

    /// The JSON line `digest` prints.
    public var json: String {
        JSONWriter.string(
            .object([
                ("seq", .number(String(seq))), ("hash", .string(hash)),
                ("recorded", recorded.map { .string($0.description) } ?? .null),
            ])
        )
    }

    /// Reads a digest as `digest` printed it.
    /// - Throws: `InputError` when it is not one.
    public init(json text: String) throws(InputError) {
        guard case .object(let members)? = try? JSONParser.parse(text),
            case .number(let seqText)? = members.first(where: { $0.key == "seq" })?.value, let seq = Int(seqText),
            seq >= 0, case .string(let hash)? = members.first(where: { $0.key == "hash" })?.value, hash.utf8.count == 64
        else { throw InputError("the digest must be {\"seq\":N,\"hash\":\"…\"} as `ledger digest` prints it") }
        self.seq = seq
        self.hash = hash.lowercased()
        if case .string(let r)? = members.first(where: { $0.key == "recorded" })?.value { recorded = Instant(r) }
    }

    public init(seq: Int, hash: String, recorded: Instant?) {
        self.seq = seq
        self.hash = hash
        self.recorded = recorded
    }
}
