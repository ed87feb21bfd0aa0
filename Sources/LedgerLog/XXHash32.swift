/// XXH32 (seed 0), the checksum of an LZ4 frame's content and blocks (LZ4 frame format 1.6.x,
/// "Content checksum", "Block checksum"): what `LZ4Frame.decode` compares with the stored ones.
///
/// Ours, not liblz4's: its build here runs the four lanes of XXH32 in SSE2 registers, which have
/// no 32-bit multiply, as shifts and adds (a tenth of a one-core replay while its frame decoder
/// checked the frames). The same sum in plain 32-bit multiplies is more than twice as fast.
enum XXHash32 {
    private static let prime1: UInt32 = 0x9E37_79B1
    private static let prime2: UInt32 = 0x85EB_CA77
    private static let prime3: UInt32 = 0xC2B2_AE3D
    private static let prime4: UInt32 = 0x27D4_EB2F
    private static let prime5: UInt32 = 0x1656_67B1

    /// The XXH32 of `bytes` with seed 0.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var lineEnds = 0
        return hash(bytes, lineEnds: &lineEnds)
    }

    /// The XXH32 of `bytes` with seed 0, and how many `\n` bytes they hold, counted in the same
    /// pass: the sum waits on its multiplies, and the count's shifts and adds run beside them
    /// almost free, where a separate pass of `memchr` over a commit's lines to count them was 3%
    /// of a one-core replay (over 4 MiB in the cache: 0.18 s a GiB for both, 0.25 apart).
    static func hash(_ bytes: UnsafeRawBufferPointer, lineEnds: inout Int) -> UInt32 {
        let count = bytes.count
        var p = 0
        var h: UInt32
        var ends = 0
        if count >= 16 {
            var (v1, v2, v3, v4) = (prime1 &+ prime2, prime2, UInt32(0), 0 &- prime1)
            while p <= count - 16 {
                // Each byte of `marks` counts its place's line ends, two a stretch: 127 stretches fit.
                var marks: UInt64 = 0
                let last = min(count - 16, p + 16 * 126)
                while p <= last {
                    v1 = round(v1, word(bytes, p))
                    v2 = round(v2, word(bytes, p + 4))
                    v3 = round(v3, word(bytes, p + 8))
                    v4 = round(v4, word(bytes, p + 12))
                    marks &+= lineEndMarks(bytes, p) &+ lineEndMarks(bytes, p + 8)
                    p += 16
                }
                // The bytes' sums in pairs, then the four pairs' sum in the top sixteen bits.
                let pairs = (marks & 0x00FF_00FF_00FF_00FF) &+ (marks >> 8 & 0x00FF_00FF_00FF_00FF)
                ends += Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
        } else {
            h = prime5
        }
        for i in p..<count where bytes[i] == UInt8(ascii: "\n") { ends += 1 }
        lineEnds = ends
        // The length modulo 2³², as the reference does.
        h &+= UInt32(truncatingIfNeeded: count)
        while p + 4 <= count {
            h = rotl(h &+ word(bytes, p) &* prime3, 17) &* prime4
            p += 4
        }
        while p < count {
            h = rotl(h &+ UInt32(bytes[p]) &* prime5, 11) &* prime1
            p += 1
        }
        h ^= h >> 15
        h &*= prime2
        h ^= h >> 13
        h &*= prime3
        h ^= h >> 16
        return h
    }

    /// 1 in each byte of the eight at `offset` that is `\n`, 0 in the others: a byte is 0 after
    /// the XOR exactly when it was `\n`, and only a 0 byte leaves its top bit clear below.
    private static func lineEndMarks(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let x =
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) ^ 0x0A0A_0A0A_0A0A_0A0A
        return ~((x & low7) &+ low7 | x | low7) >> 7
    }

    private static func round(_ accumulator: UInt32, _ input: UInt32) -> UInt32 {
        rotl(accumulator &+ input &* prime2, 13) &* prime1
    }

    private static func rotl(_ x: UInt32, _ r: UInt32) -> UInt32 { x << r | x >> (32 - r) }

    private static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
