/// Eight lowercase hexadecimal digits read as one word (SWAR): the stored `id` and `prev` are
/// 96 of a stored line's digits, and a table look-up per digit was 6% of a replay's decoding.
enum HexWord {
    /// Nonzero unless all eight bytes of `word` (loaded from memory) are lowercase hex digits.
    /// Below 0x80, adding `0x80 - c` to a byte sets its high bit exactly when it is at least `c`,
    /// and carries into no other byte.
    @inline(__always)
    static func notDigits(_ word: UInt64) -> UInt64 {
        let highs: UInt64 = 0x8080_8080_8080_8080
        func atLeast(_ c: UInt64) -> UInt64 { (word &+ (0x80 - c) &* 0x0101_0101_0101_0101) & highs }
        let digit = atLeast(0x30) & ~atLeast(0x3A)
        let letter = atLeast(0x61) & ~atLeast(0x67)
        return (word & highs) | ~(digit | letter) & highs
    }

    /// The value of eight lowercase hex digits (checked by `notDigits`), the first in memory
    /// the most significant.
    @inline(__always)
    static func value(_ word: UInt64) -> UInt32 {
        let word = UInt64(littleEndian: word)
        // '0'...'9' are 0x3_, 'a'...'f' are 0x6_ (bit 6 set): the low nibble, plus 9 for a letter.
        let nibbles = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ ((word >> 6) & 0x0101_0101_0101_0101) &* 9
        // The first digit in the top byte, then pairs, fours and eights of nibbles packed.
        let swapped = nibbles.byteSwapped
        let pairs = (swapped | swapped >> 4) & 0x00FF_00FF_00FF_00FF
        let fours = (pairs | pairs >> 8) & 0x0000_FFFF_0000_FFFF
        return UInt32(truncatingIfNeeded: fours | fours >> 16)
    }

    /// Loads eight bytes at `offset`, in memory order whatever the machine's.
    @inline(__always)
    static func load(_ b: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }
}
