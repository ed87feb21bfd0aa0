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

/// A decoder of stored lines for the replay path: one pass over the bytes, no JSON tree, no
/// dictionary, and values read straight from the bytes. It reads lines as the ledger writes them
/// (flat objects; strings without escapes, integers, lists of strings) and answers nil for anything
/// else, leaving it to `StoredRecord.decode`, which checks every format. Property tests hold the
/// two to the same answers.
public enum StoredLineDecoder {
    /// The replay view of one stored line, nil when the line is not in the ledger's own form.
    public static func decode(_ line: UnsafeRawBufferPointer) -> LoggedEvent? {
        var scanner = Scanner(bytes: line)
        var payload = RawPayload(bytes: line)
        var seq: Int?
        var recorded: Instant?
        var id: String?
        var type: EventType?
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = scanner.plainString(), scanner.take(UInt8(ascii: ":")), let value = scanner.value() else {
                return nil
            }
            switch line.count(key) {
            case 3 where line.matches(key, "seq"):
                guard value.kind == .number, value.range.count <= 18 else { return nil }
                seq = Day.digits(line, value.range)
            case 4 where line.matches(key, "type"):
                guard value.kind == .string else { return nil }
                type = EventType(utf8: line.slice(value.range))
                if type == nil { return nil }
            case 1 where line.matches(key, "v"):
                guard value.kind == .number, line.matches(value.range, "1") else { return nil }
            case 2 where line.matches(key, "id"):
                guard value.kind == .string else { return nil }
                id = String(decoding: line.slice(value.range), as: UTF8.self)
            case 8 where line.matches(key, "recorded"):
                guard value.kind == .string, let instant = Instant(utf8: line.slice(value.range)) else { return nil }
                recorded = instant
            case 2 where line.matches(key, "by"), 4 where line.matches(key, "prev"):
                break
            default:
                payload.fields.append((key, value))
            }
        } while scanner.take(UInt8(ascii: ","))
        guard scanner.take(UInt8(ascii: "}")), scanner.isAtEnd, let seq, let recorded, let id, let type else {
            return nil
        }
        let known = type.fields
        for field in payload.fields {
            let name = line.slice(field.key)
            guard known.contains(where: { $0.name.utf8.count == name.count && $0.name.utf8.elementsEqual(name) }) else {
                return nil
            }
        }
        guard let event = try? EventCodec.makeEvent(type: type, from: payload) else { return nil }
        return LoggedEvent(seq: seq, recorded: recorded, id: id, event: event)
    }

    /// A scanned value: where its content lies (inside the quotes for strings) and what it is.
    struct Value {
        enum Kind { case string, number, strings }
        var range: Range<Int>
        var kind: Kind
    }

    /// Payload fields as byte ranges of the line, read on demand.
    struct RawPayload: PayloadSource {
        let bytes: UnsafeRawBufferPointer
        var fields: [(key: Range<Int>, value: Value)] = []

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            fields.reserveCapacity(10)
        }

        func value(_ key: String, _ kind: Value.Kind) -> Range<Int>? {
            let length = key.utf8.count
            for field in fields
            where field.value.kind == kind && field.key.count == length
                && bytes.slice(field.key).elementsEqual(key.utf8)
            {
                return field.value.range
            }
            return nil
        }
        func text(_ key: String) -> String? {
            value(key, .string).flatMap { String(validating: bytes.slice($0), as: UTF8.self) }
        }
        func day(_ key: String) -> Day? { value(key, .string).flatMap { Day(utf8: bytes.slice($0)) } }
        func period(_ key: String) -> Period? { value(key, .string).flatMap { Period(utf8: bytes.slice($0)) } }
        func cents(_ key: String) -> Cents? { value(key, .string).flatMap { Cents.parse(utf8: bytes.slice($0)) } }
        func integer(_ key: String) -> Int? {
            value(key, .number).flatMap { $0.count <= 18 ? Day.digits(bytes, $0) : nil }
        }
        func texts(_ key: String) -> [String]? {
            guard let range = value(key, .strings) else { return nil }
            // The list was checked by the scanner: quoted strings without escapes, comma-separated.
            var result: [String] = []
            var i = range.lowerBound
            while i < range.upperBound {
                guard bytes[i] == UInt8(ascii: "\"") else {
                    i += 1
                    continue
                }
                var end = i + 1
                while bytes[end] != UInt8(ascii: "\"") { end += 1 }
                guard let text = String(validating: bytes.slice((i + 1)..<end), as: UTF8.self) else { return nil }
                result.append(text)
                i = end + 1
            }
            return result
        }
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

        /// The range inside the quotes of a string with no escapes or control characters.
        mutating func plainString() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return start..<(index - 1)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        mutating func value() -> Value? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return plainString().map { Value(range: $0, kind: .string) }
            case UInt8(ascii: "["):
                let start = index
                index += 1
                if take(UInt8(ascii: "]")) { return Value(range: start..<index, kind: .strings) }
                repeat {
                    guard plainString() != nil else { return nil }
                } while take(UInt8(ascii: ","))
                return take(UInt8(ascii: "]")) ? Value(range: start..<index, kind: .strings) : nil
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    index += 1
                }
                // No leading zeros, as JSON has none.
                if index - start > 1 && bytes[start] == UInt8(ascii: "0") { return nil }
                return Value(range: start..<index, kind: .number)
            default:
                return nil
            }
        }
    }
}

extension UnsafeRawBufferPointer {
    fileprivate func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[range])
    }
    fileprivate func count(_ range: Range<Int>) -> Int { range.count }
    fileprivate func matches(_ range: Range<Int>, _ text: StaticString) -> Bool {
        range.count == text.utf8CodeUnitCount
            && UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount).elementsEqual(slice(range))
    }
}
