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
        // Four words of eight digits: 0..<8, 9..<13 with 14..<18, 19..<23 with 24..<28, 28..<36.
        func joined(_ a: Int, _ b2: Int) -> UInt64 {
            let word =
                UInt64(littleEndian: HexWord.load(b, a)) & 0xFFFF_FFFF
                | UInt64(littleEndian: HexWord.load(b, b2 - 4)) & 0xFFFF_FFFF_0000_0000
            return word.littleEndian
        }
        let words = (HexWord.load(b, 0), joined(9, 14), joined(19, 24), HexWord.load(b, 28))
        guard
            HexWord.notDigits(words.0) | HexWord.notDigits(words.1) | HexWord.notDigits(words.2)
                | HexWord.notDigits(words.3) == 0
        else { return nil }
        high = UInt64(HexWord.value(words.0)) << 32 | UInt64(HexWord.value(words.1))
        low = UInt64(HexWord.value(words.2)) << 32 | UInt64(HexWord.value(words.3))
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
