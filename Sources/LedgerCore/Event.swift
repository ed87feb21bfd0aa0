/// What a company declared about itself: the facts behind the SME test (R6) and registration (R7).
///
/// 44 bytes, the registration's expiry and the sector in one word: a fold keeps millions of
/// profiles, one in each `ProfileVersion`, which then takes 48.
public struct Profile: Hashable, Sendable {
    public var name: String
    public var brNumber: String
    public var employeesInHK: Int
    // The expiry's day ordinal times two, plus one for manufacturing: dates of years 1–9999 are
    // within ±3.7 million days, far inside what the doubling leaves of four bytes.
    private(set) var expiryAndSector: Int32

    /// - Precondition: `brExpiresOn` is a calendar date (within ±2³⁰ days of 1970).
    public init(name: String, brNumber: String, brExpiresOn: Day, sector: Sector, employeesInHK: Int) {
        self.name = name
        self.brNumber = brNumber
        self.employeesInHK = employeesInHK
        expiryAndSector = Profile.packed(brExpiresOn, sector)
    }

    /// A profile of its expiry and sector as `expiryAndSector` holds them.
    init(name: String, brNumber: String, expiryAndSector: Int32, employeesInHK: Int) {
        self.name = name
        self.brNumber = brNumber
        self.employeesInHK = employeesInHK
        self.expiryAndSector = expiryAndSector
    }

    public var brExpiresOn: Day {
        get { Day(ordinal: Int(expiryAndSector >> 1)) }
        set { expiryAndSector = Profile.packed(newValue, sector) }
    }

    public var sector: Sector {
        get { expiryAndSector & 1 == 1 ? .manufacturing : .nonManufacturing }
        set { expiryAndSector = Profile.packed(brExpiresOn, newValue) }
    }

    private static func packed(_ expiry: Day, _ sector: Sector) -> Int32 {
        precondition(abs(expiry.ordinal) < 1 << 30, "a registration expires on a calendar date")
        return Int32(expiry.ordinal) << 1 | (sector == .manufacturing ? 1 : 0)
    }

    /// R6: fewer than 100 employees in manufacturing, fewer than 50 otherwise.
    public var isSME: Bool { employeesInHK < (sector == .manufacturing ? 100 : 50) }
}

/// The fields a `ProfileUpdated` changes; nil leaves a field as it was (R22).
public struct ProfileChange: Hashable, Sendable {
    public var name: String? {
        get { texts.name }
        set { texts = Texts(name: newValue, brNumber: brNumber) }
    }
    public var brNumber: String? {
        get { texts.brNumber }
        set { texts = Texts(name: name, brNumber: newValue) }
    }
    /// `employeesInHK`, or -1 for none: an `Int?` takes nine bytes and its padding (a count is
    /// never negative, R6).
    private var employees: Int
    public var brExpiresOn: Day?
    public var sector: Sector?
    private var texts: Texts

    /// The name and registration number a change sets, boxed: most changes set neither (a
    /// renewed registration, a new headcount), and a replay holds millions of changes, each in
    /// an event that must fit in 40 bytes.
    private enum Texts: Hashable, Sendable {
        case none
        indirect case some(name: String?, brNumber: String?)

        init(name: String?, brNumber: String?) {
            self = name == nil && brNumber == nil ? .none : .some(name: name, brNumber: brNumber)
        }

        var name: String? {
            guard case .some(let name, _) = self else { return nil }
            return name
        }

        var brNumber: String? {
            guard case .some(_, let brNumber) = self else { return nil }
            return brNumber
        }
    }

    public init(
        name: String? = nil,
        brNumber: String? = nil,
        brExpiresOn: Day? = nil,
        sector: Sector? = nil,
        employeesInHK: Int? = nil
    ) {
        self.texts = Texts(name: name, brNumber: brNumber)
        self.employees = employeesInHK ?? -1
        self.brExpiresOn = brExpiresOn
        self.sector = sector
    }

    public var employeesInHK: Int? {
        get { employees < 0 ? nil : employees }
        set { employees = newValue ?? -1 }
    }

    /// The profile after this change.
    public func applied(to profile: Profile) -> Profile {
        var changed = profile
        apply(to: &changed)
        return changed
    }

    /// Makes this change to `profile`, in place: a fold's renewal or new headcount leaves the
    /// name and registration number where they are (a new profile made for each retained and
    /// released them).
    public func apply(to profile: inout Profile) {
        if case .some(let name, let brNumber) = texts {
            if let name { profile.name = name }
            if let brNumber { profile.brNumber = brNumber }
        }
        if let brExpiresOn { profile.brExpiresOn = brExpiresOn }
        if let sector { profile.sector = sector }
        if let employeesInHK { profile.employeesInHK = employeesInHK }
    }
}

/// An event's meaning, one case per type of EVENTS.md.
///
/// A replay holds every event of the log (20 million at `hongkong`) in one array, 40 bytes each
/// with its seq (`CompactValuesTests`): the few large cases (an application's profile, an
/// excusal's note and end) are boxed, one allocation for each of those events, so that the
/// payment, request and renewal that make most of a log take no room for them.
public enum EventBody: Hashable, Sendable {
    indirect case applicationFiled(Profile, MemberClass)
    case documentsSubmitted([String])
    case recommendationReceived(recommender: CompanyID)
    case membershipApproved(MemberClass)
    case applicationRejected(reason: String)
    case feeScheduleSet(full: Cents, affiliate: Cents)
    /// `amount` is nil only in input that leaves it to the ledger (R15).
    case feeRequested(period: Period, amount: Cents?)
    case feePaid(Payment)
    indirect case delayExcused(period: Period, cause: ExcusalCause, note: String?, until: Day?)
    case indexRoundRecorded(round: String, included: [CompanyID])
    case profileUpdated(ProfileChange)
    case classChanged(MemberClass)
    case memberResigned
    case eventReversed(reverses: Int, reason: String)

    /// A payment of its three facts (`Payment`).
    public static func feePaid(amount: Cents, reference: String, period: Period?) -> EventBody {
        .feePaid(Payment(amount: amount, reference: reference, period: period))
    }

    /// The type of event it is the meaning of.
    public var type: EventType {
        switch self {
        case .applicationFiled: .applicationFiled
        case .documentsSubmitted: .documentsSubmitted
        case .recommendationReceived: .recommendationReceived
        case .membershipApproved: .membershipApproved
        case .applicationRejected: .applicationRejected
        case .feeScheduleSet: .feeScheduleSet
        case .feeRequested: .feeRequested
        case .feePaid: .feePaid
        case .delayExcused: .delayExcused
        case .indexRoundRecorded: .indexRoundRecorded
        case .profileUpdated: .profileUpdated
        case .classChanged: .classChanged
        case .memberResigned: .memberResigned
        case .eventReversed: .eventReversed
        }
    }
}

/// One event as the rules see it: when it took effect, whom it names, what it says.
public struct Event: Hashable, Sendable {
    /// The company it names; nil for schedules, index rounds and reversals.
    public var company: CompanyID?
    public var body: EventBody
    // The date in three bytes, after the body's 25 (its largest payloads, 24, and its case):
    // with the seq's four, a replay's event takes 40 bytes. Calendar dates (years 1–9999) are
    // within ±3.7 million days of 1970, inside the ±8.4 million that three bytes hold.
    private var dayHigh: Int8
    private var dayLow: UInt16

    /// - Precondition: `on` is a calendar date (within ±2²³ days of 1970).
    public init(on: Day, company: CompanyID?, body: EventBody) {
        self.company = company
        self.body = body
        (dayHigh, dayLow) = Event.packed(on)
    }

    /// Its type: its body's.
    public var type: EventType { body.type }

    /// The date it took effect in the world (R1).
    public var on: Day {
        get { Day(ordinal: Int(dayHigh) << 16 | Int(dayLow)) }
        set { (dayHigh, dayLow) = Event.packed(newValue) }
    }

    private static func packed(_ day: Day) -> (Int8, UInt16) {
        precondition(abs(day.ordinal) < 1 << 23, "an event takes effect on a calendar date")
        return (Int8(truncatingIfNeeded: day.ordinal >> 16), UInt16(truncatingIfNeeded: day.ordinal))
    }
}
