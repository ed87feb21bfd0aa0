/// Writes JSON with no insignificant whitespace, the form of a stored line (EVENTS.md).
///
/// Strings keep non-ASCII characters as UTF-8 and escape only what JSON requires, so the bytes
/// written are a function of the value alone: the hash chain depends on that.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(320) }

    /// Appends `value` in compact form.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text): bytes.append(contentsOf: text.utf8)
        case .string(let text): writeString(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            beginObject()
            for member in members { writeMember(member.key, member.value) }
            endObject()
        }
    }

    /// Begins an object, whose members follow (`writeMember`) up to `endObject`.
    public mutating func beginObject() { bytes.append(UInt8(ascii: "{")) }

    /// Appends one member of the object begun last, after a comma unless it is the first (no
    /// value ends in `{`, so a `{` before it means the object has just begun).
    public mutating func writeMember(_ key: String, _ value: JSONValue) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        write(value)
    }

    /// Appends bytes that are already compact JSON (members written once for many objects),
    /// unchecked.
    public mutating func writeVerbatim(_ json: [UInt8]) { bytes += json }

    /// Ends the object begun last.
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")) }

    /// Ends a line of JSON lines: a newline, which compact JSON never holds.
    public mutating func endLine() { bytes.append(UInt8(ascii: "\n")) }

    /// Appends `text` as a JSON string literal.
    public mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied whole, from the buffer that was checked (appending
        // the UTF-8 view again went through the string's generic copy).
        let plain = text.utf8.withContiguousStorageIfAvailable { utf8 in
            guard utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else {
                return false
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        if plain == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The compact JSON text of `value`.
    public static func string(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
