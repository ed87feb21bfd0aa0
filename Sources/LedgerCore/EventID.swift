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

    /// `count` new ids for events recorded at `recorded`, in order: version 7 (RFC 9562, 5.7),
    /// the instant's Unix milliseconds in the first 48 bits, then 74 bits counted up by one from
    /// a random start (the "monotonic random" method of 6.2, whose increment may be 1 where, as
    /// for an idempotency key, guessing the next id gives nothing away).
    ///
    /// Why not random ids: the ids of one commit differ from each other in their last digits
    /// only, which LZ4 stores as a short literal between two matches, where a random id is 32
    /// hex digits of literals in every line (a quarter of a sealed log). Unique as a
    /// random id is: two commits' ids could meet only in the same millisecond with starts
    /// drawn within `count` of each other among 2^73.
    public static func timeOrdered(count: Int, recorded: Instant) -> [EventID] {
        // One start a commit: two reads of the system's generator (getrandom) are nothing beside it.
        var generator = SystemRandomNumberGenerator()
        return timeOrdered(count: count, recorded: recorded, start: (generator.next(), generator.next()))
    }

    /// `timeOrdered(count:recorded:)` counting from `start`'s low 11 and 62 bits.
    static func timeOrdered(count: Int, recorded: Instant, start: (UInt64, UInt64)) -> [EventID] {
        let unixMilliseconds = UInt64(min(max(recorded.milliseconds, 0), 0xFFFF_FFFF_FFFF))
        // The counter's top bit starts clear: 2^73 ids before it could wrap.
        var (upper, lower) = (start.0 & 0x7FF, start.1 & lowerMask)
        var ids: [EventID] = []
        ids.reserveCapacity(count)
        for _ in 0..<count {
            ids.append(EventID(high: unixMilliseconds << 16 | 0x7000 | upper, low: lower | variant))
            lower = (lower + 1) & lowerMask
            if lower == 0 { upper += 1 }
        }
        return ids
    }

    /// The RFC 9562 variant, `10` in byte 8's top two bits.
    private static let variant: UInt64 = 0x2 << 62
    /// The 62 bits of the low word below the variant.
    private static let lowerMask: UInt64 = (1 << 62) - 1

    /// Reads the stored form (lowercase hex digits, dashes at 8, 13, 18 and 23); nil for anything else.
    public init?(stored b: UnsafeRawBufferPointer) {
        guard b.count == 36, let high = EventID.high(stored: b), let low = EventID.low(stored: b) else { return nil }
        self.init(high: high, low: low)
    }

    /// The first eight bytes, from the stored form's first 24 characters (its four dashes and the
    /// digits before the third); nil unless they are that form's. The replay decoder keeps it
    /// while it repeats: a commit's counted ids share their first 28 characters.
    static func high(stored b: UnsafeRawBufferPointer) -> UInt64? {
        let dash = UInt8(ascii: "-")
        guard b.count >= 24, b[8] == dash, b[13] == dash, b[18] == dash, b[23] == dash else { return nil }
        // Two words of eight digits: 0..<8, and 9..<13 with 14..<18.
        let words = (HexWord.load(b, 0), joined(b, 9, 14))
        guard HexWord.notDigits(words.0) | HexWord.notDigits(words.1) == 0 else { return nil }
        return UInt64(HexWord.value(words.0)) << 32 | UInt64(HexWord.value(words.1))
    }

    /// The last eight bytes, from the digits of a stored form of 36 characters after its third
    /// dash (19..<23 with 24..<28, and 28..<36); nil unless they are digits.
    static func low(stored b: UnsafeRawBufferPointer) -> UInt64? {
        guard b.count == 36 else { return nil }
        let words = (joined(b, 19, 24), HexWord.load(b, 28))
        guard HexWord.notDigits(words.0) | HexWord.notDigits(words.1) == 0 else { return nil }
        return UInt64(HexWord.value(words.0)) << 32 | UInt64(HexWord.value(words.1))
    }

    /// Eight digits as one word: four at `a` and four at `b`.
    @inline(__always)
    private static func joined(_ bytes: UnsafeRawBufferPointer, _ a: Int, _ b: Int) -> UInt64 {
        let word =
            UInt64(littleEndian: HexWord.load(bytes, a)) & 0xFFFF_FFFF
            | UInt64(littleEndian: HexWord.load(bytes, b - 4)) & 0xFFFF_FFFF_0000_0000
        return word.littleEndian
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
