/// A company's identifier in the ledger: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`.
public struct CompanyID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Nil unless `text` matches the company pattern of EVENTS.md.
    public init?(_ text: String) {
        var text = text
        guard text.withUTF8({ CompanyID.matches(bytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        rawValue = text
    }

    /// Nil unless the UTF-8 `bytes` match the company pattern: the replay decoder's path, which
    /// checks the bytes where they lie and makes a string of good ones only.
    public init?(utf8 bytes: UnsafeRawBufferPointer) {
        guard CompanyID.matches(bytes: bytes) else { return nil }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// Whether UTF-8 bytes match `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`: one bit test a byte, the
    /// replay decoder asking it of the company of every event of a log.
    private static func matches(bytes: UnsafeRawBufferPointer) -> Bool {
        guard (1...64).contains(bytes.count), isIn(alphanumerics, bytes[0]) else { return false }
        // Without a branch a byte: a bit of each byte's test gathered, then looked at once.
        var outside: UInt64 = 0
        for i in 1..<bytes.count {
            let b = bytes[i]
            let word = b < 64 ? idBytes.low : idBytes.high
            outside |= ~(word >> UInt64(b & 63)) & 1 | UInt64(b >> 7)
        }
        return outside == 0
    }

    /// Bytes as a 128-bit set (ASCII only): bit `b` of the pair is set when byte `b` is in it.
    private typealias ByteSet = (low: UInt64, high: UInt64)

    /// `[A-Za-z0-9]`: digits in the low word (0x30–0x39), letters in the high (0x41–0x5A, 0x61–0x7A).
    private static let alphanumerics: ByteSet = (0x03FF_0000_0000_0000, 0x07FF_FFFE_07FF_FFFE)
    /// `[A-Za-z0-9._-]`: also `-` (0x2D), `.` (0x2E) and `_` (0x5F).
    private static let idBytes: ByteSet = (0x03FF_6000_0000_0000, 0x07FF_FFFE_87FF_FFFE)

    @inline(__always)
    private static func isIn(_ set: ByteSet, _ b: UInt8) -> Bool {
        let word = b < 64 ? set.low : set.high
        return b < 128 && (word >> UInt64(b & 63)) & 1 == 1
    }

    public var description: String { rawValue }

    /// FNV-1a over the id's bytes: the same in every process, and cheap (a fold picks a
    /// company's part and number by it).
    public var fnv1a: UInt64 {
        // Over the bytes in place (a short id's are copied to the stack), not through the view's iterator.
        rawValue.utf8.withContiguousStorageIfAvailable(CompanyID.fnv1a) ?? CompanyID.fnv1a(rawValue.utf8)
    }

    private static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
    public static func < (lhs: CompanyID, rhs: CompanyID) -> Bool { lhs.rawValue < rhs.rawValue }
}
