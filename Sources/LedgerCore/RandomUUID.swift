/// Random (version 4) UUIDs in the stored form, lowercase `8-4-4-4-12`, for events given no id.
///
/// Drawn from the standard library's system generator (getrandom): Foundation's `UUID()` opens,
/// reads and closes /dev/urandom for every id, which a 100,000-event import felt as 300,000
/// system calls.
public enum RandomUUID {
    /// A new random UUID.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        // Bytes 0-7 and 8-15, big-endian: the version is byte 6's high nibble, the variant byte 8's top bits.
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000
        let low = (generator.next() as UInt64) & ~(0x3 << 62) | (0x2 << 62)
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { out in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    out[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                out[position] = digits[Int(word >> UInt64(60 - 4 * (nibble % 16)) & 0xF)]
                position += 1
            }
            return 36
        }
    }
}
