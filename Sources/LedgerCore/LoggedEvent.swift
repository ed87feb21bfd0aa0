/// What replay needs of a stored record: its place, its recording instant, its id and its event.
public struct LoggedEvent: Hashable, Sendable {
    public var seq: Int
    public var recorded: Instant
    public var id: String
    public var event: Event

    public init(seq: Int, recorded: Instant, id: String, event: Event) {
        self.seq = seq
        self.recorded = recorded
        self.id = id
        self.event = event
    }

    /// The event with its seq, as the fold takes it.
    public var sequenced: SequencedEvent { SequencedEvent(seq: seq, event: event) }
}

/// A decoder of stored lines for the replay path: one pass over the bytes, no JSON tree and no
/// dictionary. It reads lines as the ledger writes them (flat objects; strings, integers and lists
/// of strings) and answers nil for anything else, leaving it to `StoredRecord.decode`, which checks
/// every format. Property tests hold the two to the same answers.
public enum StoredLineDecoder {
    /// The replay view of one stored line, nil when the line is not in the ledger's own form.
    public static func decode(_ line: UnsafeRawBufferPointer) -> LoggedEvent? {
        var scanner = Scanner(bytes: line)
        var fields: [(key: String, value: JSONValue)] = []
        fields.reserveCapacity(16)
        var seq: Int?
        var recorded: Instant?
        var id: String?
        var type: EventType?
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        if scanner.take(UInt8(ascii: "}")) { return nil }
        repeat {
            guard let key = scanner.plainString(), scanner.take(UInt8(ascii: ":")), let value = scanner.value() else {
                return nil
            }
            switch key {
            case "seq":
                guard case .number(let n) = value, let v = Int(n) else { return nil }
                seq = v
            case "type":
                guard case .string(let s) = value, let t = EventType(rawValue: s) else { return nil }
                type = t
            case "v":
                guard value == .number("1") else { return nil }
            case "id":
                guard case .string(let s) = value else { return nil }
                id = s
            case "recorded":
                guard case .string(let s) = value, let instant = Instant(s) else { return nil }
                recorded = instant
            case "by", "prev":
                break
            default:
                fields.append((key, value))
            }
        } while scanner.take(UInt8(ascii: ","))
        guard scanner.take(UInt8(ascii: "}")), scanner.isAtEnd, let seq, let recorded, let id, let type else {
            return nil
        }
        let known = type.fields
        guard fields.allSatisfy({ field in known.contains { $0.name == field.key } }) else { return nil }
        let event = try? EventCodec.makeEvent(type: type) { name in fields.first { $0.key == name }?.value }
        return event.map { LoggedEvent(seq: seq, recorded: recorded, id: id, event: $0) }
    }

    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        var isAtEnd: Bool { index == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A string with no escapes (anything else is left to the general decoder).
        mutating func plainString() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        mutating func value() -> JSONValue? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return plainString().map(JSONValue.string)
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONValue] = []
                if take(UInt8(ascii: "]")) { return .array(items) }
                repeat {
                    guard let item = plainString() else { return nil }
                    items.append(.string(item))
                } while take(UInt8(ascii: ","))
                return take(UInt8(ascii: "]")) ? .array(items) : nil
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    index += 1
                }
                return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
            default:
                return nil
            }
        }
    }
}
