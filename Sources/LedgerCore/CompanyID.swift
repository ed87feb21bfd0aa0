/// A company's identifier in the ledger: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`.
public struct CompanyID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Nil unless `text` matches the company pattern of EVENTS.md.
    public init?(_ text: String) {
        guard CompanyID.matches(text.utf8) else { return nil }
        rawValue = text
    }

    /// Nil unless the UTF-8 `bytes` match the company pattern: the replay decoder's path, which
    /// checks the bytes where they lie and makes a string of good ones only.
    public init?(utf8 bytes: UnsafeRawBufferPointer) {
        guard CompanyID.matches(bytes) else { return nil }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// Whether UTF-8 bytes match `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`.
    private static func matches(_ utf8: some Collection<UInt8>) -> Bool {
        guard (1...64).contains(utf8.count), let first = utf8.first, isAlphanumeric(first) else { return false }
        return utf8.dropFirst().allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
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
