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

    @Test(
        "buffers summed together, eight at a time where the processor can, each have the sum and line ends they have alone",
        arguments: [1, 2, 3, 8, 9, 20]
    )
    func together(buffers count: Int) {
        var rng = SystemRandomNumberGenerator()
        let lengths = [0, 5, 15, 16, 17, 31, 32, 100, 4_080, 4_096, 8_161, 65_537, 300_001]
        // Of every length mixed, or all one length; every byte a line end (the counts of one
        // place in a stripe reach 255 before they are added up), or few.
        for sameLength in [false, true] {
            for dense in [false, true] {
                let buffers = (0..<count).map { k in
                    let length = sameLength ? 65_537 : lengths[(k * 7) % lengths.count]
                    return (0..<length).map { _ in
                        dense ? 0x0A : [UInt8](arrayLiteral: 0x0A, 0x8A, 0x41, 0x00, 0xFF).randomElement(using: &rng)!
                    }
                }
                let alone = buffers.map { buffer in
                    var lineEnds = 0
                    let sum = buffer.withUnsafeBytes { XXHash32.hash($0, lineEnds: &lineEnds) }
                    return (sum, lineEnds)
                }
                // Side by side in every width of vectors the processor has (as a replay sums
                // them in the widest), and each alone.
                for lanes in [0, 256, 512] where lanes <= XXHash32.widestLanes {
                    let summed = buffers.withUnsafeBytesOfEach { XXHash32.hashes($0, lanes: lanes) }
                    for k in 0..<count {
                        #expect(summed[k].sum == alone[k].0, "buffer \(k) of \(count)")
                        #expect(summed[k].lineEnds == alone[k].1, "buffer \(k) of \(count)")
                        #expect(summed[k].sum == stored(in: LZ4Frame.compress(buffers[k])), "buffer \(k) of \(count)")
                    }
                }
            }
        }
    }
}
