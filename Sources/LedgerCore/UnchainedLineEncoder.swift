/// Encodes stored lines with `prev` blank (`UnchainedLine`) for one recording instant and actor:
/// the envelope fields the lines of a batch share (`recorded`, `by` and the blank `prev`) are
/// written once, and each line's own fields around them, byte for byte as `JSONWriter` writes
/// them field by field (the hash chain depends on the bytes).
public struct UnchainedLineEncoder: Sendable {
    /// `,"recorded":"…","by":"…","prev":"` then 64 zeros and `"`.
    private let shared: [UInt8]

    /// - Parameter recorded: the instant in stored form (`Instant.description`).
    public init(recorded: String, by: String) {
        var writer = JSONWriter()
        writer.writeMember("recorded", .string(recorded))
        writer.writeMember("by", .string(by))
        writer.writeMember("prev", .string(UnchainedLine.blank))
        shared = writer.bytes
    }

    /// The line of one event, in stored field order, `prev` blank.
    /// - Parameter payload: `type`, then the payload fields in stored order.
    public func line(seq: Int, id: String, version: Int, payload: EventPayload) -> UnchainedLine {
        var writer = JSONWriter()
        writer.beginObject()
        writer.writeMember("seq", .number(String(seq)))
        let members = payload.members
        writer.writeMember(members[0].key, members[0].value)  // type
        writer.writeMember("v", .number(String(version)))
        writer.writeMember("id", .string(id))
        writer.writeVerbatim(shared)
        let prevOffset = writer.bytes.count - 1 - UnchainedLine.blank.utf8.count
        for member in members.dropFirst() { writer.writeMember(member.key, member.value) }
        writer.endObject()
        return UnchainedLine(bytes: writer.bytes, prevOffset: prevOffset)
    }
}
