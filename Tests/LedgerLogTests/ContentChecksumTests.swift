import Testing

@testable import LedgerLog

@Suite("LZ4 content checksum")
struct ContentChecksumTests {
    /// The checksum liblz4 stores after a frame's end mark.
    private func stored(in frame: [UInt8]) -> UInt32 { LZ4Frame.readUInt32(frame, at: frame.count - 4) }

    @Test("XXH32 of every length up to a few stripes, and of long content, is the checksum liblz4 stores")
    func sameAsLiblz4() {
        var rng = SystemRandomNumberGenerator()
        var lengths = Array(0...70)
        lengths += [255, 256, 4_095, 65_536, 65_537, 300_001]
        for length in lengths {
            let content = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let frame = LZ4Frame.compress(content)
            #expect(content.withUnsafeBytes { XXHash32.hash($0) } == stored(in: frame), "length \(length)")
        }
        // The published values of the reference implementation.
        #expect([UInt8]().withUnsafeBytes { XXHash32.hash($0) } == 0x02CC_5D05)
        #expect(Array("abc".utf8).withUnsafeBytes { XXHash32.hash($0) } == 0x32D1_53FF)
    }

    @Test("a frame whose stored content checksum is not its content's is damage")
    func mismatchIsDamage() {
        let content = Array(repeating: Array("{\"seq\":1}\n".utf8), count: 5_000).flatMap { $0 }
        for (level, largeBlocks) in [(Int32(0), false), (9, true)] {
            let frame = LZ4Frame.compress(content, level: level, largeBlocks: largeBlocks)
            guard case .frame(let decoded, _) = LZ4Frame.decode(frame, at: 0) else {
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
}
