/// The payment references a company has used, each once (R16: a payment's reference must be
/// new for its company).
///
/// A list scanned with `==` while it is short: a company pays a few dozen times, and a
/// `Set<String>` hashed each reference with a freshly seeded SipHash (1.7% of a one-core replay,
/// twice the time of the scan). Past `scanned` references a set takes over, so that a long
/// history is never quadratic. Equality is `String`'s either way (canonical equivalence).
struct PaymentReferences {
    private var listed: [String] = []
    private var hashed: Set<String>?

    /// How many references are scanned before a set holds them.
    static let scanned = 32

    /// Whether `reference` is already used.
    @inline(__always)  // Called out of line, the list and set were retained and released around it.
    func contains(_ reference: String) -> Bool {
        guard hashed == nil else { return hashed!.contains(reference) }
        for i in listed.indices where listed[i] == reference { return true }
        return false
    }

    /// Adds `reference`, which `contains` said is new.
    mutating func add(_ reference: String) {
        if hashed != nil {
            hashed!.insert(reference)
        } else if listed.count < Self.scanned {
            listed.append(reference)
        } else {
            hashed = Set(listed)
            hashed!.insert(reference)
            listed = []
        }
    }

    /// Room for `count` references, made once.
    mutating func reserveCapacity(_ count: Int) {
        if count <= Self.scanned { listed.reserveCapacity(count) }
    }
}
