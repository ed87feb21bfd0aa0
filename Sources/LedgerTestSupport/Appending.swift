import LedgerCore
import LedgerLog

/// Appends input JSON lines as one commit at `clock`, returning the acknowledgements.
@discardableResult
public func append(
    _ lines: [String],
    to directory: LedgerDirectory,
    at clock: String = "2024-12-31T02:00:00Z",
    actor: String = "test"
)
    throws -> [AppendAck]
{
    let inputs = try lines.map { try EventCodec.decodeInput(try JSONParser.parse($0)) }
    var acks: [AppendAck] = []
    try EventAppender(directory: directory, now: Instant(clock)!, actor: actor).append(inputs) { acks = $0 }
    return acks
}

/// A new ledger at `path` of a random history (`RandomHistory`), each event appended alone at
/// the instant it was recorded.
public func randomLedger(
    at path: String,
    seed: UInt64,
    attempts: Int,
    segmentLimit: Int = LedgerDirectory.defaultSegmentLimit
) throws -> (LedgerDirectory, [GeneratedEvent]) {
    let directory = try LedgerDirectory.create(at: path, segmentLimit: segmentLimit)
    let generated = RandomHistory.generate(seed: seed, attempts: attempts)
    for event in generated { try append([event.json], to: directory, at: event.recorded.description) }
    return (directory, generated)
}

/// A history of `count` valid single-company events after a schedule: applications, admissions,
/// requests and payments of distinct companies, one JSON line each.
public func simpleEvents(companies: Int, from first: Int = 0) -> [String] {
    (first..<(first + companies)).flatMap { i -> [String] in
        let c = "C\(i)"
        return [
            EventJSON.filed(c, on: "2024-05-01", memberClass: "affiliate"), EventJSON.documents(c, on: "2024-05-02"),
            EventJSON.approved(c, on: "2024-05-03", memberClass: "affiliate"),
            EventJSON.requested(c, on: "2024-05-04", period: "2024-25", amount: "1000"),
            EventJSON.paid(c, on: "2024-05-05", amount: "1000", reference: "R\(i)"),
        ]
    }
}
