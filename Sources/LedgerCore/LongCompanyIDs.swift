import Synchronization

/// The company ids longer than `CompanyID.shortLength` characters met by this process, each
/// numbered once: a `CompanyID` of one is eight bytes, its number and a hash of its bytes.
///
/// In 64 stripes by that hash, each behind its own lock: the decoders on every core meet a
/// long id at every event of its company, and one lock for all of them made them wait on each
/// other (10 million lookups on two cores: 3.1–3.3 s, against 1.1 s for short ids). Kept for
/// the process's life (a ledger names a few hundred thousand companies at most).
final class LongCompanyIDs: Sendable {
    /// The process's table.
    static let shared = LongCompanyIDs()

    private static let stripeBits = 6

    private struct Table {
        var numbers: [String: UInt64] = [:]
        var texts: [String] = []
    }

    private final class Stripe: Sendable {
        let table = Mutex(Table())
    }

    private let stripes = (0..<(1 << stripeBits)).map { _ in Stripe() }

    /// The code of a long id whose bytes match the company pattern: `CompanyID.longBit`, its
    /// number (31 bits: its place in its stripe, then the stripe) and FNV-1a of its bytes (32 bits).
    func code(of bytes: UnsafeRawBufferPointer) -> UInt64 {
        let text = String(decoding: bytes, as: UTF8.self)
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let stripe = Int(hash >> (32 - LongCompanyIDs.stripeBits))
        let number = stripes[stripe].table.withLock { table in
            if let number = table.numbers[text] { return number }
            let place = UInt64(table.texts.count)
            precondition(place < 1 << (31 - LongCompanyIDs.stripeBits), "too many company ids of over ten characters")
            let number = place << LongCompanyIDs.stripeBits | UInt64(stripe)
            table.texts.append(text)
            table.numbers[text] = number
            return number
        }
        return CompanyID.longBit | number << 32 | UInt64(hash)
    }

    /// The id whose code is `code`.
    func text(of code: UInt64) -> String {
        let number = Int((code & ~CompanyID.longBit) >> 32)
        let stripe = number & (1 << LongCompanyIDs.stripeBits - 1)
        return stripes[stripe].table.withLock { $0.texts[number >> LongCompanyIDs.stripeBits] }
    }
}
