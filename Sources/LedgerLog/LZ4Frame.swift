import CLZ4

/// LZ4 frames (`lz4frame.h`) as the log stores them: content checksum on, content size recorded,
/// so stock `lz4 -dc` decodes them and catches accidental damage.
public enum LZ4Frame {
    /// The magic number that opens every LZ4 data frame.
    public static let magic: UInt32 = 0x184D_2204

    /// How one frame at an offset decoded.
    public enum Decoded {
        /// The frame's content and how many input bytes it took.
        case frame(content: [UInt8], length: Int)
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

    /// Decodes the data frame starting at `offset` of `bytes`, and checks its content checksum
    /// when it has one. Calls `LZ4F_decompress`.
    public static func decode(_ bytes: [UInt8], at offset: Int) -> Decoded {
        let available = bytes.count - offset
        guard available >= 4 else { return .truncated }
        guard readUInt32(bytes, at: offset) == magic else { return .damaged("no LZ4 frame starts here") }
        var dctx: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&dctx, UInt32(LZ4F_VERSION))) == 0, let dctx else {
            return .damaged("cannot create an LZ4 decompression context")
        }
        defer { LZ4F_freeDecompressionContext(dctx) }
        return bytes.withUnsafeBytes { raw -> Decoded in
            let base = raw.baseAddress! + offset
            var info = LZ4F_frameInfo_t()
            var headerSize = available
            let headerResult = LZ4F_getFrameInfo(dctx, &info, base, &headerSize)
            if LZ4F_isError(headerResult) != 0 {
                return available < 19 ? .truncated : .damaged(String(cString: LZ4F_getErrorName(headerResult)))
            }
            var position = headerSize
            // Uninitialised output (no memset of up to 4 MiB per frame); grown when the header gives no size.
            // The header's size is only a claim: LZ4 expands at most 255-fold, so a damaged or
            // hostile header cannot make this allocate more than that of the bytes at hand.
            let plausible = (available - headerSize) * 255 + 65_536
            var capacity = min(Int(clamping: info.contentSize > 0 ? info.contentSize : 65_536), plausible)
            var output = [UInt8]()
            var produced = 0
            var outcome: Decoded?
            while outcome == nil {
                if produced == output.count {
                    let previous = output
                    output = [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, count in
                        _ = buffer.initialize(from: previous)
                        count = max(capacity, 1)
                    }
                    capacity *= 2
                }
                var outSize = output.count - produced
                var inSize = available - position
                // liblz4 skips the content checksum (checked below, faster: `XXHash32`); it still
                // checks block checksums, which the log's frames do not have.
                var options = LZ4F_decompressOptions_t()
                options.skipChecksums = 1
                let hint = output.withUnsafeMutableBytes { out in
                    LZ4F_decompress(dctx, out.baseAddress! + produced, &outSize, base + position, &inSize, &options)
                }
                if LZ4F_isError(hint) != 0 { return .damaged(String(cString: LZ4F_getErrorName(hint))) }
                position += inSize
                produced += outSize
                if hint == 0 { break }
                if position == available && outSize == 0 { outcome = .truncated }
            }
            if let outcome { return outcome }
            output.removeSubrange(produced...)
            if info.contentSize > 0 && UInt64(produced) != info.contentSize {
                return .damaged("content size \(produced) differs from the frame header's \(info.contentSize)")
            }
            if info.contentChecksumFlag == LZ4F_contentChecksumEnabled,
                output.withUnsafeBytes({ XXHash32.hash($0) }) != readUInt32(bytes, at: offset + position - 4)
            {
                return .damaged("the content checksum does not match the content")
            }
            return .frame(content: output, length: position)
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

    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}
