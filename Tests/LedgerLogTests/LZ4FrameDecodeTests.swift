import CLZ4
import Testing

@testable import LedgerLog

/// `LZ4Frame.decode` reads frames block by block itself: every form of frame stock `lz4` may
/// write, not only the log's, must decode to its content, and no damage may pass for content.
@Suite("LZ4 frame decoding")
struct LZ4FrameDecodeTests {
    /// A frame of `content` as liblz4 makes it with these options.
    static func frame(
        _ content: [UInt8],
        linked: Bool,
        blockChecksums: Bool,
        contentSize: Bool,
        level: Int32 = 0
    ) -> [UInt8] {
        var prefs = LZ4F_preferences_t()
        prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        prefs.frameInfo.blockChecksumFlag = blockChecksums ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum
        prefs.frameInfo.blockMode = linked ? LZ4F_blockLinked : LZ4F_blockIndependent
        prefs.frameInfo.blockSizeID = LZ4F_max64KB
        prefs.frameInfo.contentSize = contentSize ? UInt64(content.count) : 0
        prefs.compressionLevel = level
        let bound = LZ4F_compressFrameBound(content.count, &prefs)
        var frame = [UInt8](repeating: 0, count: bound)
        let written = frame.withUnsafeMutableBytes { out in
            content.withUnsafeBytes {
                LZ4F_compressFrame(out.baseAddress, bound, $0.baseAddress, content.count, &prefs)
            }
        }
        precondition(LZ4F_isError(written) == 0, "LZ4F_compressFrame failed")
        frame.removeSubrange(written...)
        return frame
    }

    /// Lines that repeat (matches reaching back across blocks), then bytes that do not compress
    /// (blocks stored as they are), then lines again: some 300 KB, five 64 KiB blocks and more.
    static func content() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        let lines = (0..<4_000).flatMap { Array("{\"seq\":\($0 % 97),\"company\":\"HK\($0 % 13)\"}\n".utf8) }
        return lines + (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &rng) } + lines
    }

    @Test(
        "every form of frame decodes to its content; cut anywhere it is truncated; a changed byte is damage",
        arguments: [false, true],
        [false, true]
    )
    func forms(linked: Bool, blockChecksums: Bool) {
        let content = Self.content()
        for contentSize in [false, true] {
            let form = "linked \(linked), block checksums \(blockChecksums), content size \(contentSize)"
            let frame = Self.frame(content, linked: linked, blockChecksums: blockChecksums, contentSize: contentSize)
            let bytes = [9, 9] + frame + [7]
            guard case .frame(let decoded, let length, let lineEnds) = LZ4Frame.decode(bytes, at: 2) else {
                Issue.record("\(form): the frame does not decode")
                continue
            }
            #expect(decoded == content && length == frame.count, "\(form)")
            #expect(lineEnds == content.count(where: { $0 == UInt8(ascii: "\n") }), "\(form)")
            for cut in stride(from: 0, to: frame.count, by: 997) + [frame.count - 5, frame.count - 1] {
                guard case .truncated = LZ4Frame.decode(Array(frame.prefix(cut)), at: 0) else {
                    Issue.record("\(form): cut at \(cut) is not truncated")
                    continue
                }
            }
            // Past the header, a byte changed is damage (a block, a size, a checksum) or, where a
            // match reaches back to bytes equal to those it named, the same content: never other.
            for position in stride(from: 19, to: frame.count, by: 211) {
                var altered = frame
                altered[position] ^= 0x04
                if case .frame(let other, _, _) = LZ4Frame.decode(altered, at: 0) {
                    #expect(other == content, "\(form): byte \(position)")
                }
            }
        }
    }

    @Test("a frame with block checksums, which the log never writes, has them and its content checksum checked")
    func blockChecksums() {
        let content = Array(repeating: Array("{\"seq\":2}\n".utf8), count: 20_000).flatMap { $0 }
        let frame = Self.frame(content, linked: true, blockChecksums: true, contentSize: false)
        // The last block's checksum, before the end mark; the content checksum, after it.
        for (position, named) in [(frame.count - 9, "block checksum"), (frame.count - 1, "content checksum")] {
            var altered = frame
            altered[position] ^= 0x01
            guard case .damaged(let reason) = LZ4Frame.decode(altered, at: 0) else {
                Issue.record("a wrong \(named) is not damage")
                continue
            }
            #expect(reason.contains(named), "\(reason)")
        }
    }

    @Test("a frame whose stored content checksum is not its content's is damage")
    func mismatchIsDamage() {
        let content = Array(repeating: Array("{\"seq\":1}\n".utf8), count: 5_000).flatMap { $0 }
        for (level, largeBlocks) in [(Int32(0), false), (9, true)] {
            let frame = LZ4Frame.compress(content, level: level, largeBlocks: largeBlocks)
            guard case .frame(let decoded, _, _) = LZ4Frame.decode(frame, at: 0) else {
                Issue.record("the frame does not decode")
                continue
            }
            #expect(decoded == content)
            for byte in 1...4 {
                var altered = frame
                altered[frame.count - byte] ^= 0x20
                guard case .damaged(let reason) = LZ4Frame.decode(altered, at: 0) else {
                    Issue.record("a wrong checksum (byte \(byte) from the end) is not damage")
                    continue
                }
                #expect(reason.contains("checksum"))
            }
        }
    }

    @Test("frames decoded together, their checksums summed side by side, each decode as they do alone")
    func together() {
        // Twenty frames of different sizes (whole 4 MiB blocks, one stripe, none) one after
        // another; two damaged in their stored checksum, one cut short at the end.
        var rng = SystemRandomNumberGenerator()
        let lengths = [
            300_001, 0, 15, 16, 17, 65_537, 4_080, 4_096, 300_000, 1, 70_000, 70_001, 70_002, 70_003, 70_004,
            70_005, 70_006, 70_007, 70_008, 123_457,
        ]
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        var contents: [[UInt8]] = []
        for (k, length) in lengths.enumerated() {
            let content = (0..<length).map { _ in [UInt8](arrayLiteral: 0x0A, 0x41, 0x8A).randomElement(using: &rng)! }
            var frame = LZ4Frame.compress(content, level: 0, largeBlocks: k % 2 == 0)
            if k == 5 || k == 17 { frame[frame.count - 2] ^= 0x01 }
            if k == lengths.count - 1 { frame.removeLast(3) }
            offsets.append(bytes.count)
            bytes += frame
            contents.append(content)
        }
        let together = LZ4Frame.decode(bytes, at: offsets)
        #expect(together.count == offsets.count)
        for (k, decoded) in together.enumerated() {
            switch (decoded, LZ4Frame.decode(bytes, at: offsets[k])) {
            case (.frame(let content, let length, let lineEnds), .frame(let alone, let aloneLength, let aloneEnds)):
                #expect(content == contents[k] && content == alone, "frame \(k)")
                #expect(length == aloneLength && lineEnds == aloneEnds, "frame \(k)")
                #expect(lineEnds == contents[k].count { $0 == 0x0A }, "frame \(k)")
                #expect(![5, 17, lengths.count - 1].contains(k), "frame \(k) is damaged")
            case (.damaged(let reason), .damaged(let alone)):
                #expect(reason == alone && reason.contains("checksum") && [5, 17].contains(k), "frame \(k)")
            case (.truncated, .truncated):
                #expect(k == lengths.count - 1)
            default:
                Issue.record("frame \(k) decodes together as \(decoded), alone otherwise")
            }
        }
    }
}
