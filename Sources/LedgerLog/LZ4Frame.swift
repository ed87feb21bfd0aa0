import CLZ4

/// LZ4 frames (`lz4frame.h`) as the log stores them: content checksum on, content size recorded,
/// so stock `lz4 -dc` decodes them and catches accidental damage.
public enum LZ4Frame {
    /// The magic number that opens every LZ4 data frame.
    public static let magic: UInt32 = 0x184D_2204

    /// How one frame at an offset decoded.
    public enum Decoded {
        /// The frame's content, how many input bytes it took, and how many `\n` bytes the
        /// content holds (the log's lines, counted as its checksum is summed: no second pass).
        case frame(content: [UInt8], length: Int, lineEnds: Int)
        /// The input ends before the frame does.
        case truncated
        /// The bytes are not a valid frame (bad magic, bad block, checksum mismatch).
        case damaged(String)
    }

    /// Compresses `content` into one frame. Calls `LZ4F_compressFrame`.
    /// - Parameters:
    ///   - level: 0 for fast LZ4, 3–12 for LZ4 HC (`lz4 -9` is 9).
    ///   - largeBlocks: 4 MiB blocks (sealed segments) instead of 64 KiB.
    public static func compress(_ content: [UInt8], level: Int32 = 0, largeBlocks: Bool = false) -> [UInt8] {
        var prefs = LZ4F_preferences_t()
        prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        prefs.frameInfo.blockSizeID = largeBlocks ? LZ4F_max4MB : LZ4F_max64KB
        prefs.frameInfo.blockMode = LZ4F_blockLinked
        prefs.frameInfo.contentSize = UInt64(content.count)
        prefs.compressionLevel = level
        let bound = LZ4F_compressFrameBound(content.count, &prefs)
        // Uninitialised: the bound is about the content's size, and zeroing it touched every page
        // of a buffer the frame fills a third of (fresh pages are dear here). The room left over
        // takes the commit's trailer without a copy.
        var written = 0
        let output = [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            written = content.withUnsafeBytes { src in
                LZ4F_compressFrame(out.baseAddress, bound, src.baseAddress, content.count, &prefs)
            }
            count = LZ4F_isError(written) == 0 ? written : 0
        }
        // Compression into a buffer of LZ4F_compressFrameBound cannot fail short of a library bug.
        precondition(LZ4F_isError(written) == 0, "LZ4F_compressFrame: \(String(cString: LZ4F_getErrorName(written)))")
        return output
    }

    /// Decodes the data frame starting at `offset` of `bytes`, checking its block and content
    /// checksums when it has them. The header is read by `LZ4F_getFrameInfo`, each block by
    /// `LZ4_decompress_safe`(`_usingDict`), straight into the content.
    ///
    /// Not `LZ4F_decompress`: it decodes a block into the content only where a whole block of
    /// the frame's size fits, else into a buffer of its own and copies it, and a commit of a
    /// sealed segment is one block smaller than its 4 MiB (3% of a one-core replay in copies);
    /// and this library's build sums its checksums as SSE2 shifts (`XXHash32`).
    public static func decode(_ bytes: [UInt8], at offset: Int) -> Decoded {
        decode(bytes, at: [offset])[0]
    }

    /// Decodes the data frames starting at `offsets` of `bytes`, each as `decode(_:at:)` does,
    /// their contents' checksums summed up to eight frames at a time (`XXHash32.hashes`): the
    /// commits of a window of a segment, which one core decodes in turn.
    public static func decode(_ bytes: [UInt8], at offsets: [Int]) -> [Decoded] {
        let frames = offsets.map { decompress(bytes, at: $0) }
        var decoded: [Decoded] = []
        decoded.reserveCapacity(frames.count)
        // Runs of near-equal size, of at most eight: each run's contents summed side by side
        // (a frame without a checksum to compare, which the log never writes, too, for its count).
        let runs = (frames.count + 7) / 8
        var start = 0
        for run in 0..<runs {
            let end = frames.count * (run + 1) / runs
            let contents = frames[start..<end].map { frame -> [UInt8] in
                if case .frame(let content, _, _) = frame { content } else { [] }
            }
            let sums = contents.withUnsafeBytesOfEach { XXHash32.hashes($0) }
            for (frame, sum) in zip(frames[start..<end], sums) { decoded.append(frame.checked(against: sum)) }
            start = end
        }
        return decoded
    }

    /// A data frame decompressed, its content's checksum not yet compared.
    private enum Decompressed {
        /// The content, how many input bytes the frame took, and the checksum stored after it
        /// (nil when the frame has none).
        case frame(content: [UInt8], length: Int, checksum: UInt32?)
        case truncated
        case damaged(String)

        /// The frame as decoded, given its content's sum and line ends.
        func checked(against sum: (sum: UInt32, lineEnds: Int)) -> Decoded {
            switch self {
            case .frame(let content, let length, let checksum):
                if let checksum, checksum != sum.sum {
                    return .damaged("the content checksum does not match the content")
                }
                return .frame(content: content, length: length, lineEnds: sum.lineEnds)
            case .truncated: return .truncated
            case .damaged(let why): return .damaged(why)
            }
        }
    }

    /// The data frame starting at `offset` of `bytes`, decompressed, its block checksums checked.
    private static func decompress(_ bytes: [UInt8], at offset: Int) -> Decompressed {
        let available = bytes.count - offset
        guard available >= 4 else { return .truncated }
        guard readUInt32(bytes, at: offset) == magic else { return .damaged("no LZ4 frame starts here") }
        var dctx: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&dctx, UInt32(LZ4F_VERSION))) == 0, let dctx else {
            return .damaged("cannot create an LZ4 decompression context")
        }
        defer { LZ4F_freeDecompressionContext(dctx) }
        // The context only reads the header (and checks the header's checksum).
        var info = LZ4F_frameInfo_t()
        var headerSize = available
        let headerResult = bytes.withUnsafeBytes { raw in
            LZ4F_getFrameInfo(dctx, &info, raw.baseAddress! + offset, &headerSize)
        }
        if LZ4F_isError(headerResult) != 0 {
            return available < 19 ? .truncated : .damaged(String(cString: LZ4F_getErrorName(headerResult)))
        }
        guard info.dictID == 0 else { return .damaged("the frame needs a dictionary") }
        let blockMax = blockBytes(info.blockSizeID)
        let blockChecksums = info.blockChecksumFlag == LZ4F_blockChecksumEnabled
        // The header's size is only a claim: LZ4 expands at most 255-fold, so a damaged or
        // hostile header cannot make this allocate more than that of the bytes at hand.
        let plausible = (available - headerSize) * 255 + 65_536
        let claimed = info.contentSize > 0 ? min(Int(clamping: info.contentSize), plausible) : nil
        // Uninitialised (no memset of megabytes per frame); grown only when the header gives no size.
        var output = uninitialized(claimed ?? blockMax, keeping: [])
        var produced = 0
        var position = offset + headerSize
        func checksum(of stored: Range<Int>) -> UInt32 {
            bytes.withUnsafeBytes { XXHash32.hash(UnsafeRawBufferPointer(rebasing: $0[stored])) }
        }
        while true {
            guard position + 4 <= bytes.count else { return .truncated }
            let sizeWord = readUInt32(bytes, at: position)
            position += 4
            if sizeWord == 0 { break }  // the end mark
            let size = Int(sizeWord & 0x7FFF_FFFF)
            guard size <= blockMax else { return .damaged("a block is larger than the frame's block size") }
            guard size + (blockChecksums ? 4 : 0) <= bytes.count - position else { return .truncated }
            if blockChecksums, checksum(of: position..<(position + size)) != readUInt32(bytes, at: position + size) {
                return .damaged("a block checksum does not match the block")
            }
            if claimed == nil && output.count - produced < blockMax {
                output = uninitialized(max(output.count * 2, produced + blockMax), keeping: output[..<produced])
            }
            let room = min(blockMax, output.count - produced)
            let decoded = bytes.withUnsafeBytes { input in
                output.withUnsafeMutableBytes { out -> Int32 in
                    let source = input.baseAddress! + position
                    let destination = out.baseAddress! + produced
                    if sizeWord & 0x8000_0000 != 0 {  // stored as is
                        guard size <= room else { return -1 }
                        destination.copyMemory(from: source, byteCount: size)
                        return Int32(size)
                    }
                    // A linked block may copy from the 64 KiB of content before it, which lies
                    // right before it here.
                    let prefix = info.blockMode == LZ4F_blockLinked ? min(produced, 65_536) : 0
                    return LZ4_decompress_safe_usingDict(
                        source,
                        destination,
                        Int32(size),
                        Int32(room),
                        destination - prefix,
                        Int32(prefix)
                    )
                }
            }
            guard decoded >= 0 else { return .damaged("a block does not decompress within the frame's content size") }
            produced += Int(decoded)
            position += size + (blockChecksums ? 4 : 0)
        }
        output.removeSubrange(produced...)
        if info.contentSize > 0 && UInt64(produced) != info.contentSize {
            return .damaged("content size \(produced) differs from the frame header's \(info.contentSize)")
        }
        var checksum: UInt32?
        if info.contentChecksumFlag == LZ4F_contentChecksumEnabled {
            guard position + 4 <= bytes.count else { return .truncated }
            checksum = readUInt32(bytes, at: position)
            position += 4
        }
        return .frame(content: output, length: position - offset, checksum: checksum)
    }

    /// `count` bytes, uninitialised after those of `kept`.
    private static func uninitialized(_ count: Int, keeping kept: ArraySlice<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: max(count, 1)) { buffer, initialized in
            _ = buffer.initialize(from: kept)
            initialized = max(count, 1)
        }
    }

    /// Where the data frame starting at `offset` ends, read from its header and block sizes
    /// (LZ4 frame format 1.6.x) without decompressing it or checking its checksums; nil when the
    /// bytes there do not read as a whole frame.
    public static func end(of bytes: [UInt8], at offset: Int) -> Int? {
        guard offset >= 0, bytes.count - offset >= 7, readUInt32(bytes, at: offset) == magic else { return nil }
        let flags = bytes[offset + 4]
        // Version 01 in the top two bits; the descriptor: FLG, BD, content size, dictionary id, HC.
        guard flags >> 6 == 1 else { return nil }
        let hasBlockChecksums = flags & 0x10 != 0
        let hasContentSize = flags & 0x08 != 0
        let hasContentChecksum = flags & 0x04 != 0
        let hasDictionaryID = flags & 0x01 != 0
        var position = offset + 4 + 2 + (hasContentSize ? 8 : 0) + (hasDictionaryID ? 4 : 0) + 1
        while true {
            guard position + 4 <= bytes.count else { return nil }
            let size = readUInt32(bytes, at: position)
            position += 4
            if size == 0 { break }  // the end mark
            let stored = Int(size & 0x7FFF_FFFF) + (hasBlockChecksums ? 4 : 0)
            guard stored <= bytes.count - position else { return nil }
            position += stored
        }
        position += hasContentChecksum ? 4 : 0
        return position <= bytes.count ? position : nil
    }

    /// The most a block of a frame with this block size holds (LZ4 frame format, "Block Maximum Size").
    static func blockBytes(_ id: LZ4F_blockSizeID_t) -> Int {
        switch id {
        case LZ4F_max256KB: 256 << 10
        case LZ4F_max1MB: 1 << 20
        case LZ4F_max4MB: 4 << 20
        default: 64 << 10
        }
    }

    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}

extension Array where Element == [UInt8] {
    /// `body` given the bytes of each array, valid for the call only (one call deep an array:
    /// for a few, as a run of frames summed together).
    func withUnsafeBytesOfEach<R>(_ body: ([UnsafeRawBufferPointer]) -> R) -> R {
        func taking(_ k: Int, _ taken: [UnsafeRawBufferPointer]) -> R {
            k == count ? body(taken) : self[k].withUnsafeBytes { taking(k + 1, taken + [$0]) }
        }
        return taking(0, [])
    }
}
