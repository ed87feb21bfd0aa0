/// A membership class (R11, R21).
public enum MemberClass: String, Hashable, Sendable, CaseIterable {
    case full
    case affiliate
}

/// A company's sector for the SME test (R6).
public enum Sector: String, Hashable, Sendable, CaseIterable {
    case manufacturing
    case nonManufacturing = "non-manufacturing"
}

/// Why the Board excused a late payment (R18).
public enum ExcusalCause: String, Hashable, Sendable, CaseIterable {
    case absenceFromHK = "absence-from-hk"
    case other
}

/// A company's status (RULES.md, "Statuses").
public enum MembershipStatus: String, Hashable, Sendable {
    case applied
    case rejected
    case active
    case void
    case resigned
}
