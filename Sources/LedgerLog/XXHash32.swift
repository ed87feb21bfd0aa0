import CXXHashLanes

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
        var sum = Sum()
        sum.addStripes(of: bytes)
        return sum.finish(bytes, lineEnds: &lineEnds)
    }

    /// The XXH32 of each of `buffers` with seed 0, with the `\n` bytes each holds: as `hash`
    /// gives them, summed eight buffers at a time in vector registers where the processor has
    /// AVX-512 or AVX2 (`CXXHashLanes`). One buffer's sum is bound by the multiplies its four
    /// lanes wait on (about 6 GB a second, at its floor); eight side by side ran at 25 GB a
    /// second in AVX-512 registers, and in AVX2 registers took a one-core replay's sums from 7.0%
    /// of its time to 1.65% (an AMD EPYC without AVX-512, which had summed each alone).
    /// - Parameter lanes: the width in bits of the vectors to sum them side by side in (512 or
    ///   256, at most `widestLanes`), or 0 to sum each alone, as `hash`.
    static func hashes(
        _ buffers: [UnsafeRawBufferPointer],
        lanes: Int = widestLanes
    ) -> [(sum: UInt32, lineEnds: Int)] {
        precondition(lanes == 0 || [256, 512].contains(lanes) && lanes <= widestLanes, "vectors the processor has")
        var sums = [Sum](repeating: Sum(), count: buffers.count)
        if lanes > 0 { addStripesTogether(of: buffers, to: &sums, lanes: lanes) }
        return buffers.indices.map { i in
            sums[i].addStripes(of: buffers[i])
            var lineEnds = 0
            let sum = sums[i].finish(buffers[i], lineEnds: &lineEnds)
            return (sum, lineEnds)
        }
    }

    /// The widest vectors, in bits, this processor sums eight buffers at once in
    /// (`ledger_xxh32_stripes8`): 512, 256, or 0 for none.
    static let widestLanes = Int(ledger_xxh32_widest_lanes())

    /// The fewest buffers summed together: the eight lanes of vectors run as fast as one buffer
    /// summed alone with two of them filled (measured in AVX-512 registers; AVX2's, at a quarter
    /// of the scalar sum's time for eight by a replay's samples, break even near two as well).
    static let fewestTogether = 3

    /// Adds stripes to the sums of the buffers with the most whole stripes left, eight at a time
    /// (as many stripes as the one of them with fewest has), until fewer than `fewestTogether`
    /// have any; each round leaves at least one with none.
    static func addStripesTogether(of buffers: [UnsafeRawBufferPointer], to sums: inout [Sum], lanes width: Int) {
        func stripesLeft(_ i: Int) -> Int {
            buffers[i].count < 16 ? 0 : (buffers[i].count - sums[i].offset) / 16
        }
        var starts = [UnsafePointer<UInt8>?](repeating: nil, count: 8)
        var lanes = [UInt32](repeating: 0, count: 32)
        var lineEnds = [UInt64](repeating: 0, count: 8)
        while true {
            let together = Array(
                buffers.indices.filter { stripesLeft($0) > 0 }.sorted { stripesLeft($0) > stripesLeft($1) }.prefix(8)
            )
            guard together.count >= fewestTogether, let stripes = together.map(stripesLeft).min() else { return }
            // A slot past the buffers summed repeats one of them; what it sums is not kept.
            for slot in 0..<8 {
                let i = together[slot % together.count]
                starts[slot] = buffers[i].baseAddress!.assumingMemoryBound(to: UInt8.self) + sums[i].offset
                (lanes[4 * slot], lanes[4 * slot + 1], lanes[4 * slot + 2], lanes[4 * slot + 3]) = sums[i].lanes
                lineEnds[slot] = 0
            }
            ledger_xxh32_stripes8(Int32(width), starts, &lanes, stripes, &lineEnds)
            for (slot, i) in together.enumerated() {
                sums[i].lanes = (lanes[4 * slot], lanes[4 * slot + 1], lanes[4 * slot + 2], lanes[4 * slot + 3])
                sums[i].offset += 16 * stripes
                sums[i].lineEnds += Int(lineEnds[slot])
            }
        }
    }

    /// A sum in progress: its four lanes, how many bytes of whole stripes they have taken from
    /// the start, and the line ends among those.
    struct Sum {
        var lanes: (UInt32, UInt32, UInt32, UInt32) = (prime1 &+ prime2, prime2, 0, 0 &- prime1)
        var offset = 0
        var lineEnds = 0

        /// Takes every whole stripe of `bytes` after those taken (none of a buffer under 16 bytes).
        mutating func addStripes(of bytes: UnsafeRawBufferPointer) {
            let count = bytes.count
            guard count >= 16 else { return }
            var p = offset
            var (v1, v2, v3, v4) = lanes
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
                lineEnds += Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
            }
            (lanes, offset) = ((v1, v2, v3, v4), p)
        }

        /// The sum of `bytes`, whose whole stripes it has taken, and all their line ends.
        func finish(_ bytes: UnsafeRawBufferPointer, lineEnds total: inout Int) -> UInt32 {
            let count = bytes.count
            var p = offset
            var h: UInt32
            if count >= 16 {
                let (v1, v2, v3, v4) = lanes
                h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            } else {
                h = prime5
            }
            total = lineEnds
            for i in p..<count where bytes[i] == UInt8(ascii: "\n") { total += 1 }
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
