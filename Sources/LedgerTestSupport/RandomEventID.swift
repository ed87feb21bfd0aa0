import LedgerCore

extension EventID {
    /// A new random (version 4) id, as a client brings one: the ledger makes its own ids counted
    /// (`timeOrdered`), so only tests make these.
    public static func random() -> EventID { random(count: 1)[0] }

    /// `count` new random (version 4) ids.
    public static func random(count: Int) -> [EventID] {
        var generator = SystemRandomNumberGenerator()
        // The version is byte 6's high nibble, the variant byte 8's top two bits.
        return (0..<count).map { _ in
            EventID(high: generator.next() & ~0xF000 | 0x4000, low: generator.next() & ~(0x3 << 62) | 0x2 << 62)
        }
    }
}
