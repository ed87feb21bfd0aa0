import CGlibc

/// Numbers companies 0, 1, 2, … in the order they are first met, for a fold that groups
/// millions of events by company.
///
/// An open-addressing table keyed by the id's hash (`CompanyID.hash64`, which a fold in parts
/// computes anyway), the id itself compared only when the hashes match. Swift's `Dictionary`
/// hashed every id with SipHash and searched a table that misses the cache: 8% of a one-core
/// replay at 100,000 companies. A slot holds its company too (eight bytes), so that a search
/// reads the one slot prefetched for it, where it read a list of companies by number too, which
/// missed the cache for nearly every event.
struct CompanyNumbering {
    /// Each slot's hash, number and company; number -1 marks an empty slot.
    private var slots: [Slot]
    /// How many companies have numbers.
    private(set) var count = 0

    /// The companies by number, read from the slots (a grouping asks only for numbers).
    var companies: [CompanyID] {
        slots.filter { $0.number >= 0 }.sorted { $0.number < $1.number }.map { $0.company! }
    }

    private struct Slot {
        var hash: UInt64 = 0
        var number: Int32 = -1
        var company: CompanyID? = nil
    }

    init() { slots = Array(repeating: Slot(), count: 16) }

    /// The company's number, given one if it has none yet.
    mutating func number(of company: CompanyID, hash: UInt64) -> Int32 {
        let found = search(company, hash: hash)
        if let number = found.number { return number }
        let number = Int32(count)
        count += 1
        slots[found.slot] = Slot(hash: hash, number: number, company: company)
        // At most half full, so that a search meets an empty slot soon.
        if count * 2 > slots.count { grow() }
        return number
    }

    /// The company's number, or nil if it has none.
    func existingNumber(of company: CompanyID, hash: UInt64) -> Int32? { search(company, hash: hash).number }

    /// The slot that holds the company, with its number, or the empty slot where it would go.
    private func search(_ company: CompanyID, hash: UInt64) -> (slot: Int, number: Int32?) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot].number >= 0 {
            if slots[slot].hash == hash, slots[slot].company == company { return (slot, slots[slot].number) }
            slot = (slot + 1) & mask
        }
        return (slot, nil)
    }

    /// Asks for the slot where a search for `hash` begins to be brought into the cache: a
    /// grouping that knows the companies ahead hides the wait for memory of each search.
    func prefetch(hash: UInt64) {
        slots.withUnsafeBufferPointer { slots in
            ledger_prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: hash) & (slots.count - 1)))
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for entry in old where entry.number >= 0 {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot].number >= 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }
}
