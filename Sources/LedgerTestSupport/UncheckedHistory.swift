import LedgerCore
import LedgerLog

/// Input lines written straight to the log as stored lines, one commit recorded at `recorded`,
/// chained after the log's head, with none of the append's checks: a history no append would
/// store, as a damaged or forged ledger might hold.
public func writeUnchecked(
    _ lines: [String],
    to directory: LedgerDirectory,
    recorded: Instant = Instant("2024-12-31T02:00:00Z")!
) throws {
    let head = try LogHead.quick(directory)
    var prev = head?.hashHex ?? SHA256Hex.zero
    var stored: [[UInt8]] = []
    for (i, line) in lines.enumerated() {
        let input = try EventCodec.decodeInput(try JSONParser.parse(line))
        let bytes = StoredRecord.encode(
            seq: (head?.seq ?? 0) + i + 1,
            id: EventID.random(count: 1)[0].description,
            version: 1,
            recorded: recorded,
            by: "test",
            prev: prev,
            payload: input.payload
        )
        stored.append(bytes)
        prev = SHA256Hex.of(bytes)
    }
    try LogWriter.withWriter(directory) { try $0.append(stored) }
}

/// A history no append would store, breaking R10 across companies: an applicant, not a member,
/// recommends another company's application. Its companies' ids sort the recommender first.
public let recommendedByApplicant = [
    EventJSON.schedule(), EventJSON.filed("ZED", on: "2024-01-02"),
    // An applicant, not a member: it cannot recommend (R10).
    EventJSON.filed("ACME", on: "2024-01-03"), EventJSON.recommendation("ZED", by: "ACME", on: "2024-01-05"),
]
