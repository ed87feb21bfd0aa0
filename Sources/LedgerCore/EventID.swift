#if os(Linux)
import CGlibc
import Glibc
#endif

/// An event's id, a UUID, as 128 bits: what replay keeps of a stored `id` (16 bytes, no string
/// per event), printed in the stored form, lowercase `8-4-4-4-12`.
public struct EventID: Hashable, Sendable, CustomStringConvertible {
    /// The first and last eight bytes, big-endian.
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A new random (version 4) id from the system's generator.
    public static func random() -> EventID { random(count: 1)[0] }

    /// `count` new random (version 4) ids from the system's generator (getrandom), drawn in one
    /// call: Foundation's `UUID()` opens, reads and closes /dev/urandom for every id, and the
    /// standard library's generator makes a system call per eight bytes.
    public static func random(count: Int) -> [EventID] {
        var words = [UInt64](repeating: 0, count: 2 * count)
        var filled = 0
        #if os(Linux)
        words.withUnsafeMutableBytes { raw in
            while filled < raw.count {
                let got = getrandom(raw.baseAddress! + filled, raw.count - filled, 0)
                if got > 0 {
                    filled += got
                } else if got < 0 && errno != EINTR {
                    break  // No getrandom here: the standard library's generator fills the rest.
                }
            }
        }
        #endif
        var generator = SystemRandomNumberGenerator()
        for i in (filled / 8)..<words.count { words[i] = generator.next() }
        // The version is byte 6's high nibble, the variant byte 8's top two bits.
        return (0..<count).map { i in
            EventID(high: words[2 * i] & ~0xF000 | 0x4000, low: words[2 * i + 1] & ~(0x3 << 62) | (0x2 << 62))
        }
    }

    /// Reads the stored form (lowercase hex digits, dashes at 8, 13, 18 and 23); nil for anything else.
    public init?(stored b: UnsafeRawBufferPointer) {
        let dash = UInt8(ascii: "-")
        guard b.count == 36, b[8] == dash, b[13] == dash, b[18] == dash, b[23] == dash else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        // Table lookups, one per digit; a byte that is no lowercase hex digit sets the high bits of `bad`.
        var bad: UInt8 = 0
        EventID.digitValues.withUnsafeBufferPointer { table in
            for i in 0..<36 where i != 8 && i != 13 && i != 18 && i != 23 {
                let value = table[Int(b[i])]
                bad |= value
                if i < 19 {
                    words.0 = words.0 << 4 | UInt64(value & 0xF)
                } else {
                    words.1 = words.1 << 4 | UInt64(value & 0xF)
                }
            }
        }
        guard bad & 0xF0 == 0 else { return nil }
        (high, low) = words
    }

    /// Each byte's value as a lowercase hex digit, 0xFF for any other byte.
    private static let digitValues: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        default: 0xFF
        }
    }

    /// Reads the stored form from a string.
    public init?(stored text: String) {
        var text = text
        guard let id = text.withUTF8({ EventID(stored: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = id
    }

    public var description: String {
        String(unsafeUninitializedCapacity: 36) { out in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    out[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                let value = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (nibble % 16)) & 0xF)
                out[position] = value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
                position += 1
            }
            return 36
        }
    }
}
