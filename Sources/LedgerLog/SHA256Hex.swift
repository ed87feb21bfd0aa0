import Crypto

/// SHA-256 as the hash chain writes it: lowercase hex (EVENTS.md).
public enum SHA256Hex {
    /// 64 zeros: the `prev` of seq 1.
    public static let zero = String(repeating: "0", count: 64)

    /// The lowercase hex SHA-256 of `bytes`.
    public static func of<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        hex(Array(SHA256.hash(data: Array(bytes))))
    }

    /// The raw 32-byte SHA-256 of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    /// Lowercase hex of raw bytes.
    public static func hex(_ raw: [UInt8]) -> String { String(decoding: hexDigits(raw), as: UTF8.self) }

    /// Lowercase hex of raw bytes, as UTF-8 bytes: what a stored line's `prev` holds.
    static func hexDigits(_ raw: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(raw.count * 2)
        for byte in raw {
            let pair = digitPair(byte)
            out.append(pair.high)
            out.append(pair.low)
        }
        return out
    }

    /// A byte's two lowercase hex digits.
    static func digitPair(_ byte: UInt8) -> (high: UInt8, low: UInt8) {
        (digit(byte >> 4), digit(byte & 0xF))
    }

    /// A nibble's lowercase hex digit, computed: a table in a global costs an initialisation
    /// check and a bounds check per digit, and verify makes 64 per line.
    @inline(__always) static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }
}
