import Testing

@testable import LedgerLog

@Suite("XXH32")
struct XXHash32Tests {
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
}
