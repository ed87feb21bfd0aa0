/// The skippable frame written after each commit's data frame: where the commit begins, which seqs
/// it holds and the hash of its last line. Stock `lz4 -dc` skips it; the writer reads the last one
/// to find the head without decompressing the segment, and recovery uses it to tell a torn tail
/// from damage with good commits after it.
///
/// Layout (little-endian): magic `0x184D2A5C`, size 80, then `LDGC`, format version (u16),
/// flags (u16), first seq, last seq, data frame length, decompressed bytes of the segment through
/// this commit (u64 each), the last line's SHA-256 (32 bytes), and the first 8 bytes of the SHA-256
/// of the 72 bytes before it.
public struct CommitTrailer: Hashable, Sendable {
    public static let magic: UInt32 = 0x184D_2A5C
    public static let payloadSize = 80
    /// The whole skippable frame: 8-byte header plus payload.
    public static let size = 8 + payloadSize
    static let tag = Array("LDGC".utf8)
    static let formatVersion: UInt16 = 1

    public var firstSeq: Int
    public var lastSeq: Int
    /// The compressed length of the data frame right before this trailer.
    public var frameLength: Int
    /// Decompressed bytes in the segment up to and including this commit.
    public var segmentBytes: Int
    /// The raw SHA-256 of the commit's last line.
    public var lastHash: [UInt8]
    /// Whether it belongs to a sealed segment.
    public var isSealed: Bool

    public init(firstSeq: Int, lastSeq: Int, frameLength: Int, segmentBytes: Int, lastHash: [UInt8], isSealed: Bool) {
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.frameLength = frameLength
        self.segmentBytes = segmentBytes
        self.lastHash = lastHash
        self.isSealed = isSealed
    }

    /// The bytes of the skippable frame.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(CommitTrailer.size)
        append32(CommitTrailer.magic, to: &out)
        append32(UInt32(CommitTrailer.payloadSize), to: &out)
        out += CommitTrailer.tag
        out += [UInt8(CommitTrailer.formatVersion & 0xFF), UInt8(CommitTrailer.formatVersion >> 8)]
        out += [isSealed ? 1 : 0, 0]
        for value in [firstSeq, lastSeq, frameLength, segmentBytes] { append64(UInt64(value), to: &out) }
        out += lastHash
        out += SHA256Hex.digest(Array(out[8..<80])).prefix(8)
        return out
    }

    /// Reads a trailer at `offset`, nil unless all 88 bytes are there and check out.
    public static func decode(_ bytes: [UInt8], at offset: Int) -> CommitTrailer? {
        guard offset >= 0, offset + size <= bytes.count,
            LZ4Frame.readUInt32(bytes, at: offset) == magic,
            LZ4Frame.readUInt32(bytes, at: offset + 4) == UInt32(payloadSize),
            Array(bytes[(offset + 8)..<(offset + 12)]) == tag
        else { return nil }
        let payload = Array(bytes[(offset + 8)..<(offset + size)])
        guard Array(SHA256Hex.digest(Array(payload[0..<72])).prefix(8)) == Array(payload[72..<80]),
            UInt16(payload[4]) | UInt16(payload[5]) << 8 == formatVersion
        else { return nil }
        func u64(_ at: Int) -> Int {
            var value: UInt64 = 0
            for i in (0..<8).reversed() { value = value << 8 | UInt64(payload[at + i]) }
            return Int(truncatingIfNeeded: value)
        }
        return CommitTrailer(
            firstSeq: u64(8),
            lastSeq: u64(16),
            frameLength: u64(24),
            segmentBytes: u64(32),
            lastHash: Array(payload[40..<72]),
            isSealed: payload[6] & 1 == 1
        )
    }

    /// The bytes that open every trailer, for finding good commits after damage.
    static var signature: [UInt8] {
        var out: [UInt8] = []
        append32(magic, to: &out)
        append32(UInt32(payloadSize), to: &out)
        return out + tag
    }
}

private func append32(_ value: UInt32, to out: inout [UInt8]) {
    for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
}

private func append64(_ value: UInt64, to out: inout [UInt8]) {
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
}
