/// The kind of a field's value, as EVENTS.md's "Field formats" defines it.
public enum FieldKind: Hashable, Sendable {
    case company
    case date
    case period
    case amount
    case text
    case brNumber
    case memberClass
    case sector
    case cause
    /// An integer ≥ 0.
    case count
    /// An integer ≥ 1, naming a stored seq.
    case seq
    /// 1 to 20 texts.
    case documents
    /// A list of companies, possibly empty.
    case companies
}

/// One payload field of an event type.
public struct FieldSpec: Hashable, Sendable {
    public var field: FieldName
    public var kind: FieldKind
    public var isRequired: Bool
    /// The field's name in JSON.
    public var name: String { field.key }

    init(_ field: FieldName, _ kind: FieldKind, required: Bool = true) {
        self.field = field
        self.kind = kind
        self.isRequired = required
    }
}

/// Every event type of EVENTS.md, with its payload fields in stored order.
public enum EventType: String, Hashable, Sendable, CaseIterable {
    case applicationFiled = "ApplicationFiled"
    case documentsSubmitted = "DocumentsSubmitted"
    case recommendationReceived = "RecommendationReceived"
    case membershipApproved = "MembershipApproved"
    case applicationRejected = "ApplicationRejected"
    case feeScheduleSet = "FeeScheduleSet"
    case feeRequested = "FeeRequested"
    case feePaid = "FeePaid"
    case delayExcused = "DelayExcused"
    case indexRoundRecorded = "IndexRoundRecorded"
    case profileUpdated = "ProfileUpdated"
    case classChanged = "ClassChanged"
    case memberResigned = "MemberResigned"
    case eventReversed = "EventReversed"

    /// The type named by UTF-8 bytes, without making a `String` (the replay decoder's hot path):
    /// the bytes compared a word at a time with each type's name (`ShortBytes`), those a log
    /// holds most first. (Comparing each name of the same length byte by byte was a tenth of the
    /// decoder's envelope.)
    init?(utf8 bytes: UnsafeRawBufferPointer) {
        guard let name = ShortBytes(bytes), let k = EventType.names.firstIndex(of: name) else { return nil }
        self = EventType.byFrequency[k]
    }

    /// The type whose name `bytes` hold from `index`, followed by `end`, and the name's length:
    /// a stored line's type read where it lies, without first finding where its string ends.
    static func named(at index: Int, in bytes: UnsafeRawBufferPointer, followedBy end: UInt8) -> (EventType, Int)? {
        for k in names.indices where names[k].isAt(index, in: bytes, followedBy: end) {
            return (byFrequency[k], names[k].count)
        }
        return nil
    }

    /// The types, those a log holds most first (a year's fee requests and payments).
    private static let byFrequency: [EventType] = [
        .feeRequested, .feePaid, .profileUpdated, .applicationFiled, .documentsSubmitted, .membershipApproved,
        .delayExcused, .eventReversed, .classChanged, .memberResigned, .recommendationReceived, .applicationRejected,
        .indexRoundRecorded, .feeScheduleSet,
    ]

    /// The name of each of `byFrequency`, by the same index.
    private static let names: [ShortBytes] = byFrequency.map { type in
        var name = type.rawValue
        return name.withUTF8 { ShortBytes(UnsafeRawBufferPointer($0))! }
    }

    /// Whether events of this type name a company (all but schedules, rounds and reversals).
    public var namesCompany: Bool {
        switch self {
        case .feeScheduleSet, .indexRoundRecorded, .eventReversed: return false
        default: return true
        }
    }

    /// The newest schema version of every type; the only one so far.
    public static let currentVersion = 1

    /// The payload fields, in the order a stored record holds them.
    public var fields: [FieldSpec] { EventType.fieldTable[ordinal] }

    /// The payload fields as a set of `FieldName.bit`s: the replay decoder's check for unknown fields.
    var fieldSet: UInt32 { EventType.fieldSets[ordinal] }

    // Built once and read by the type's place, not hashed: replay asks for a type's fields for
    // every line it reads, and a batch import for every input line.
    private static let fieldTable = allCases.map(\.fieldList)
    private static let fieldSets = fieldTable.map { $0.reduce(0) { $0 | $1.field.bit } }

    /// The type's place in `allCases` (a test holds the two to the same order).
    var ordinal: Int {
        switch self {
        case .applicationFiled: 0
        case .documentsSubmitted: 1
        case .recommendationReceived: 2
        case .membershipApproved: 3
        case .applicationRejected: 4
        case .feeScheduleSet: 5
        case .feeRequested: 6
        case .feePaid: 7
        case .delayExcused: 8
        case .indexRoundRecorded: 9
        case .profileUpdated: 10
        case .classChanged: 11
        case .memberResigned: 12
        case .eventReversed: 13
        }
    }

    private var fieldList: [FieldSpec] {
        switch self {
        case .applicationFiled:
            return [
                FieldSpec(.company, .company), FieldSpec(.on, .date), FieldSpec(.name, .text),
                FieldSpec(.brNumber, .brNumber), FieldSpec(.brExpiresOn, .date), FieldSpec(.sector, .sector),
                FieldSpec(.employeesInHK, .count), FieldSpec(.class, .memberClass),
            ]
        case .documentsSubmitted:
            return [FieldSpec(.company, .company), FieldSpec(.on, .date), FieldSpec(.documents, .documents)]
        case .recommendationReceived:
            return [FieldSpec(.company, .company), FieldSpec(.on, .date), FieldSpec(.recommender, .company)]
        case .membershipApproved, .classChanged:
            return [FieldSpec(.company, .company), FieldSpec(.on, .date), FieldSpec(.class, .memberClass)]
        case .applicationRejected:
            return [FieldSpec(.company, .company), FieldSpec(.on, .date), FieldSpec(.reason, .text)]
        case .feeScheduleSet:
            return [FieldSpec(.on, .date), FieldSpec(.full, .amount), FieldSpec(.affiliate, .amount)]
        case .feeRequested:
            return [
                FieldSpec(.company, .company), FieldSpec(.on, .date), FieldSpec(.period, .period),
                FieldSpec(.amount, .amount, required: false),
            ]
        case .feePaid:
            return [
                FieldSpec(.company, .company), FieldSpec(.on, .date), FieldSpec(.amount, .amount),
                FieldSpec(.reference, .text), FieldSpec(.period, .period, required: false),
            ]
        case .delayExcused:
            return [
                FieldSpec(.company, .company), FieldSpec(.on, .date), FieldSpec(.period, .period),
                FieldSpec(.cause, .cause), FieldSpec(.note, .text, required: false),
                FieldSpec(.until, .date, required: false),
            ]
        case .indexRoundRecorded:
            return [FieldSpec(.on, .date), FieldSpec(.round, .text), FieldSpec(.included, .companies)]
        case .profileUpdated:
            return [
                FieldSpec(.company, .company), FieldSpec(.on, .date), FieldSpec(.name, .text, required: false),
                FieldSpec(.brNumber, .brNumber, required: false),
                FieldSpec(.brExpiresOn, .date, required: false), FieldSpec(.sector, .sector, required: false),
                FieldSpec(.employeesInHK, .count, required: false),
            ]
        case .memberResigned:
            return [FieldSpec(.company, .company), FieldSpec(.on, .date)]
        case .eventReversed:
            return [FieldSpec(.on, .date), FieldSpec(.reverses, .seq), FieldSpec(.reason, .text)]
        }
    }
}
