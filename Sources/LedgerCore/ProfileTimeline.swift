/// A company's profile versions in the order the fold made them (R22): what each says is the
/// profile from its date.
///
/// A fold of `hongkong` holds 5.1 million versions, most of them a renewed registration or a new
/// headcount under the same name and registration number. So a version keeps in place only its
/// date, expiry, sector and headcount (16 bytes, where a whole `ProfileVersion` takes 48), and the
/// name and registration number are kept once for each version that changes them. Its elements
/// are `ProfileVersion`s, made whole when read.
public struct ProfileTimeline: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
    /// A version without its name and registration number.
    private struct Step: Hashable, Sendable {
        var employeesInHK: Int
        var on: Day
        var expiryAndSector: Int32

        init(on day: Day, _ profile: Profile) {
            employeesInHK = profile.employeesInHK
            on = day
            expiryAndSector = profile.expiryAndSector
        }
    }

    /// A name and registration number, and the first version that has them.
    private struct Identity: Hashable, Sendable {
        var name: String
        var brNumber: String
        var from: Int32
    }

    private var steps: [Step] = []
    /// The first version's identity, in place: most companies never change theirs.
    private var first = Identity(name: "", brNumber: "", from: 0)
    /// Each later change of name or registration number, in version order.
    private var changes: [Identity] = []

    /// No versions.
    public init() {}

    public init(arrayLiteral versions: ProfileVersion...) {
        for version in versions { append(version) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { steps.count }

    public subscript(position: Int) -> ProfileVersion {
        let step = steps[position]
        let identity = identity(identityIndex(at: position))
        return ProfileVersion(
            on: step.on,
            profile: Profile(
                name: identity.name,
                brNumber: identity.brNumber,
                expiryAndSector: step.expiryAndSector,
                employeesInHK: step.employeesInHK
            )
        )
    }

    /// Adds a version after the others; it holds a name or registration number only when it
    /// changes one.
    public mutating func append(_ version: ProfileVersion) { append(on: version.on, version.profile) }

    /// `append(_:)` of the version of `profile` from `day`, read where it lies: the fold appends
    /// the company's own profile, which a version made of it would copy.
    public mutating func append(on day: Day, _ profile: Profile) {
        if steps.isEmpty {
            first = Identity(name: profile.name, brNumber: profile.brNumber, from: 0)
        } else if !hasCurrentIdentity(profile) {
            changes.append(Identity(name: profile.name, brNumber: profile.brNumber, from: Int32(steps.count)))
        }
        steps.append(Step(on: day, profile))
    }

    /// Whether `profile` has the last version's name and registration number, compared where
    /// they are kept (a copy of them retained and released both). Equal strings are most often
    /// the same storage, which `==` sees at once.
    private func hasCurrentIdentity(_ profile: Profile) -> Bool {
        guard let last = changes.indices.last else {
            return profile.name == first.name && profile.brNumber == first.brNumber
        }
        return profile.name == changes[last].name && profile.brNumber == changes[last].brNumber
    }

    /// The date of the version at `position`, read without making its profile.
    public func day(at position: Int) -> Day { steps[position].on }

    /// The version at `position` with an empty name and registration number: its date, expiry,
    /// sector and headcount, made with no text to count a reference to (a rebuild compares
    /// millions of versions by these).
    public func unnamed(at position: Int) -> ProfileVersion {
        let step = steps[position]
        return ProfileVersion(
            on: step.on,
            profile: Profile(
                name: "",
                brNumber: "",
                expiryAndSector: step.expiryAndSector,
                employeesInHK: step.employeesInHK
            )
        )
    }

    /// Whether the versions at `a` and `b` have the same name and registration number, compared
    /// where they are kept.
    public func sameIdentity(_ a: Int, _ b: Int) -> Bool {
        let (x, y) = (identityIndex(at: a), identityIndex(at: b))
        guard x != y else { return true }
        let (one, other) = (identity(x), identity(y))
        return one.name == other.name && one.brNumber == other.brNumber
    }

    /// Which identity the version at `position` has: -1 for `first`, else its place in `changes`.
    private func identityIndex(at position: Int) -> Int {
        (changes.lastIndex { $0.from <= position }) ?? -1
    }

    private func identity(_ index: Int) -> Identity { index < 0 ? first : changes[index] }

    /// Makes room for `count` versions in all.
    public mutating func reserveCapacity(_ count: Int) { steps.reserveCapacity(count) }

    /// The profile in force on `day`: the last version dated on or before it.
    public func profile(on day: Day) -> Profile? { position(on: day).map { self[$0].profile } }

    /// The position of the version in force on `day` (the last dated on or before it), nil
    /// before the first.
    public func position(on day: Day) -> Int? { steps.lastIndex { $0.on <= day } }
}
