/// Whether bytes are all printable ASCII (0x20 to 0x7E), eight at a time: the replay decoder asks
/// it of every name, reference and note of a log (a byte-by-byte check was 3% of its time).
enum PrintableASCII {
    /// True when every byte of `bytes` is in 0x20...0x7E (true for none).
    static func contains(only bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, bytes.count >= 8 else {
            return bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        }
        // Whole words, the last one ending with the bytes (overlapping the one before it).
        var flags = outside(base.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
        var i = 0
        while i + 8 < bytes.count {
            flags |= outside(base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        return flags == 0
    }

    /// Nonzero exactly when one of the word's eight bytes is below 0x20 or above 0x7E (SWAR: the
    /// first term flags a byte below 0x20 — subtracting 0x20 from it borrows — that has its high
    /// bit clear; the second a byte of 0x7F or more, whose high bit is set once 1 is added).
    /// A borrow or carry across bytes starts only at a byte that is itself flagged, so the word is
    /// flagged when, and only when, one of its bytes is out of range.
    @inline(__always)
    static func outside(_ word: UInt64) -> UInt64 {
        let low: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        return ((word &- low &* 0x20) & ~word & high) | ((word &+ low) | word) & high
    }
}
