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

    @Test("the line ends counted beside the sum are the content's \\n bytes, at every length and however dense")
    func lineEnds() {
        var rng = SystemRandomNumberGenerator()
        // Bytes a byte-wise count could mistake for \n (0x8A shares its low seven bits), and \n.
        let alphabet: [UInt8] = [0x0A, 0x8A, 0x0B, 0x09, 0x00, 0xFF, 0x41]
        let lengths = Array(0...300) + [2_031, 2_032, 2_033, 2_047, 2_048, 4_064, 4_080, 65_537, 300_001]
        for length in lengths {
            for content in [
                (0..<length).map { _ in alphabet.randomElement(using: &rng)! },
                [UInt8](repeating: 0x0A, count: length),
            ] {
                var counted = -1
                let sum = content.withUnsafeBytes { XXHash32.hash($0, lineEnds: &counted) }
                #expect(counted == content.count(where: { $0 == 0x0A }), "length \(length)")
                #expect(sum == stored(in: LZ4Frame.compress(content)), "length \(length)")
            }
        }
    }
}
