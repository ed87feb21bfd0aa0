/// One stored line of the log (EVENTS.md "The stored record"): envelope plus payload.
public struct StoredRecord: Sendable {
    public var seq: Int
    public var id: String
    public var version: Int
    public var recorded: Instant
    public var by: String
    /// SHA-256 (lowercase hex) of the previous line's bytes.
    public var prev: String
    public var event: Event
    /// `type` and payload fields as stored, amounts in stored form.
    public var payload: EventPayload
    /// The exact stored bytes, without the `\n`.
    public var line: [UInt8]

    /// The event with its seq, as the fold takes it.
    public var sequenced: SequencedEvent { SequencedEvent(seq: seq, event: event) }

    /// The stored line for an envelope and a payload, in stored field order.
    public static func encode(
        seq: Int,
        id: String,
        version: Int,
        recorded: Instant,
        by: String,
        prev: String,
        payload: EventPayload
    ) -> [UInt8] {
        // Encoded as a batch's lines are (`UnchainedLineEncoder`), then chained: one encoding.
        var line = UnchainedLineEncoder(recorded: recorded.description, by: by)
            .line(seq: seq, id: id, version: version, payload: payload)
        line.chain(after: Array(prev.utf8))
        return line.bytes
    }

    /// Reads a stored line: the envelope must be complete and every field in format.
    /// - Throws: `InputError` naming the field at fault.
    public static func decode(line: [UInt8]) throws(InputError) -> StoredRecord {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw InputError(error.description)
        }
        guard case .object(let members) = value else { throw InputError("a stored record must be a JSON object") }
        try EventCodec.checkDistinct(members, allowingNull: true)
        func take(_ key: String) throws(InputError) -> JSONValue {
            guard let v = EventCodec.member(key, in: members) else { throw InputError(field: key, "is missing") }
            return v
        }
        guard case .number(let seqText) = try take("seq"), let seq = Int(seqText),
            (1...SequencedEvent.maxSeq).contains(seq)
        else {
            throw InputError(field: "seq", "must be an integer from 1 to \(SequencedEvent.maxSeq)")
        }
        guard case .string(let idText) = try take("id"), let id = EventCodec.normalisedUUID(idText), id == idText
        else { throw InputError(field: "id", "must be a lowercase UUID") }
        guard case .number(let vText) = try take("v"), let version = Int(vText), version == EventType.currentVersion
        else { throw InputError(field: "v", "must be \(EventType.currentVersion)") }
        guard case .string(let recordedText) = try take("recorded"), let recorded = Instant(recordedText),
            recorded.description == recordedText
        else { throw InputError(field: "recorded", "must be a UTC instant with milliseconds") }
        guard case .string(let by) = try take("by") else { throw InputError(field: "by", "must be a string") }
        try FieldFormat.checkText(by, field: "by")
        guard case .string(let prev) = try take("prev"), prev.utf8.count == 64,
            prev.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw InputError(field: "prev", "must be 64 lowercase hex digits") }
        let type = try EventCodec.eventType(members)
        let fields = members.filter { !EventCodec.envelopeFields.contains($0.key) }
        let input = try EventCodec.decodePayload(type: type, fields: fields, id: id, version: version)
        for member in input.payload.members.dropFirst()
        where EventCodec.member(member.key, in: fields) != member.value {
            // Stored amounts are already in stored form; anything else means the line was not written by us.
            throw InputError(field: member.key, "is not in stored form")
        }
        return StoredRecord(
            seq: seq,
            id: id,
            version: version,
            recorded: recorded,
            by: by,
            prev: prev,
            event: input.event,
            payload: input.payload,
            line: line
        )
    }
}

/// A stored line whose `prev` is still blank: encoding is independent line by line, chaining is not.
public struct UnchainedLine: Sendable {
    /// The line's bytes (without `\n`); `prev` holds 64 zeros until `chain(after:)`.
    public private(set) var bytes: [UInt8]
    /// Where `prev`'s 64 digits begin.
    let prevOffset: Int

    static let blank = String(repeating: "0", count: 64)

    /// Writes `prev`: the lowercase hex SHA-256 of the line before it, 64 digits (EVENTS.md).
    public mutating func chain(after prev: [UInt8]) {
        prev.withUnsafeBytes { chain(after: $0) }
    }

    /// `chain(after:)` from digits held anywhere, copied in place.
    public mutating func chain(after prev: UnsafeRawBufferPointer) {
        precondition(prev.count == 64, "prev is 64 hex digits")
        bytes.withUnsafeMutableBytes { line in
            UnsafeMutableRawBufferPointer(rebasing: line[prevOffset..<(prevOffset + 64)]).copyMemory(from: prev)
        }
    }
}
