/// The payment references a company has used, each once (R16: a payment's reference must be
/// new for its company).
///
/// A list scanned while it is short: a company pays a few dozen times, and a `Set<String>`
/// hashed each reference with a freshly seeded SipHash (1.7% of a one-core replay, twice the
/// time of the scan). Past `scanned` references a set takes over, so that a long history is
/// never quadratic. Equality is `String`'s either way (canonical equivalence); the scan compares
/// fingerprints first (`Fingerprint`), and strings only where theirs agree.
struct PaymentReferences {
    private var listed: [(fingerprint: Fingerprint, reference: String)] = []
    private var hashed: Set<String>?

    /// How many references are scanned before a set holds them.
    static let scanned = 32

    /// Whether `reference` (of `fingerprint`) is already used.
    @inline(__always)  // Called out of line, the list and set were retained and released around it.
    func contains(_ reference: String, fingerprint: Fingerprint) -> Bool {
        guard hashed == nil else { return hashed!.contains(reference) }
        return listed.withUnsafeBufferPointer { listed in
            listed.contains { $0.fingerprint.mayEqual(fingerprint) && $0.reference == reference }
        }
    }

    /// Adds `reference` (of `fingerprint`), which `contains` said is new.
    mutating func add(_ reference: String, fingerprint: Fingerprint) {
        if hashed != nil {
            hashed!.insert(reference)
        } else if listed.count < Self.scanned {
            listed.append((fingerprint, reference))
        } else {
            hashed = Set(listed.map(\.reference))
            hashed!.insert(reference)
            listed = []
        }
    }

    /// Room for `count` references, made once.
    mutating func reserveCapacity(_ count: Int) {
        if count <= Self.scanned { listed.reserveCapacity(count) }
    }

    /// A reference's bytes folded into a word, when it is ASCII: two ASCII strings are equal
    /// (canonically, as `String`'s `==` compares) exactly when their bytes are, so unequal
    /// fingerprints mean unequal references without a string comparison (which, for two strings
    /// whose bits differ, `String` makes out of line: 0.8% of a one-core replay). A reference
    /// with other characters may equal an ASCII one canonically (the Kelvin sign is a K): it has
    /// no fingerprint, and is compared in full with every other.
    struct Fingerprint {
        /// The folded bytes with the low bit clear, or `none`.
        private let bits: UInt64
        /// Not ASCII: compared in full.
        private static let none: UInt64 = 1

        init(_ reference: String) {
            bits =
                reference.utf8.withContiguousStorageIfAvailable { bytes in
                    Fingerprint.folded(UnsafeRawBufferPointer(bytes))
                } ?? Fingerprint.folded(Array(reference.utf8))
        }

        /// Whether the references may be equal: they are ASCII with the same fingerprint, or
        /// one is not ASCII.
        @inline(__always)
        func mayEqual(_ other: Fingerprint) -> Bool {
            bits == other.bits || (bits | other.bits) & Fingerprint.none != 0
        }

        private static func folded(_ bytes: [UInt8]) -> UInt64 {
            bytes.withUnsafeBytes { folded($0) }
        }

        private static func folded(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
            var folded = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
            var highBits: UInt64 = 0
            // Eight bytes at a time, the last word's missing bytes zero.
            var start = 0
            while start < bytes.count {
                var word: UInt64 = 0
                if bytes.count - start >= 8 {
                    word = bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self)
                } else {
                    withUnsafeMutableBytes(of: &word) {
                        $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start...]))
                    }
                }
                highBits |= word & 0x8080_8080_8080_8080
                folded = (folded ^ word) &* 0xBF58_476D_1CE4_E5B9
                folded ^= folded >> 31
                start += 8
            }
            return highBits != 0 ? none : folded & ~none
        }
    }
}
