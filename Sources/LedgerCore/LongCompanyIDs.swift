import Synchronization

/// The company ids longer than `CompanyID.shortLength` characters met by this process, each
/// numbered once: a `CompanyID` of one is eight bytes, its number and a hash of its bytes.
///
/// Kept for the process's life (a ledger names a few hundred thousand companies at most).
final class LongCompanyIDs: Sendable {
    /// The process's table.
    static let shared = LongCompanyIDs()

    private struct Table {
        var numbers: [String: UInt64] = [:]
        var texts: [String] = []
    }

    private let table = Mutex(Table())

    /// The code of a long id whose bytes match the company pattern: `CompanyID.longBit`, its
    /// number (31 bits) and FNV-1a of its bytes (32 bits).
    func code(of bytes: UnsafeRawBufferPointer) -> UInt64 {
        let text = String(decoding: bytes, as: UTF8.self)
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let number = table.withLock { table in
            if let number = table.numbers[text] { return number }
            let number = UInt64(table.texts.count)
            precondition(number < 1 << 31, "more than 2,147,483,648 company ids of over ten characters")
            table.texts.append(text)
            table.numbers[text] = number
            return number
        }
        return CompanyID.longBit | number << 32 | UInt64(hash)
    }

    /// The id whose code is `code`.
    func text(of code: UInt64) -> String {
        let number = Int((code & ~CompanyID.longBit) >> 32)
        return table.withLock { $0.texts[number] }
    }
}
