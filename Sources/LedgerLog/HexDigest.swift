import Crypto

/// 64 lowercase hex digits held inline: a line's `prev` and the hash it must spell (verify), and
/// the `prev` an append writes into the next line, with no allocation per line.
typealias HexDigest = SIMD64<UInt8>

extension SIMD64<UInt8> {
    /// The digits of a SHA-256.
    init(hexOf digest: SHA256Digest) {
        self.init()
        // Written as memory, not lane by lane: each lane assignment rebuilt the whole vector.
        withUnsafeMutableBytes(of: &self) { out in
            digest.withUnsafeBytes { raw in
                for j in 0..<32 {
                    (out[2 * j], out[2 * j + 1]) = SHA256Hex.digitPair(raw[j])
                }
            }
        }
    }

    /// Whether the digits are the same: compared eight at a time (the vector type's own `==`
    /// compared them one by one, a sixteenth of a `verify`).
    func hasSameDigits(as other: Self) -> Bool {
        withUnsafeBytes(of: self) { a in
            withUnsafeBytes(of: other) { b in
                var differ: UInt64 = 0
                for k in 0..<8 {
                    differ |=
                        a.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
                        ^ b.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
                }
                return differ == 0
            }
        }
    }

    /// The digits as text.
    var text: String {
        String(unsafeUninitializedCapacity: 64) { out in
            withUnsafeBytes(of: self) { UnsafeMutableRawBufferPointer(out).copyMemory(from: $0) }
            return 64
        }
    }
}
