/// A payload field of EVENTS.md: what the decoders look fields up by. The replay decoder files a
/// field by its name once per line and then reads it by number, with no string comparison.
public enum FieldName: Int, CaseIterable, Sendable {
    case company, on, name, brNumber, brExpiresOn, sector, employeesInHK
    case `class`, documents, recommender, reason, full, affiliate, period, amount
    case reference, cause, note, until, round, included, reverses

    /// How many there are: the slots a decoded payload needs (`allCases` would build an array).
    static let count = allCases.count

    /// The field's name in JSON.
    public var key: String {
        switch self {
        case .company: "company"
        case .on: "on"
        case .name: "name"
        case .brNumber: "brNumber"
        case .brExpiresOn: "brExpiresOn"
        case .sector: "sector"
        case .employeesInHK: "employeesInHK"
        case .class: "class"
        case .documents: "documents"
        case .recommender: "recommender"
        case .reason: "reason"
        case .full: "full"
        case .affiliate: "affiliate"
        case .period: "period"
        case .amount: "amount"
        case .reference: "reference"
        case .cause: "cause"
        case .note: "note"
        case .until: "until"
        case .round: "round"
        case .included: "included"
        case .reverses: "reverses"
        }
    }

    /// This field's bit in a set of fields.
    var bit: UInt32 { 1 << UInt32(rawValue) }

    /// The field named by UTF-8 bytes, nil for any other name.
    static func named(_ bytes: UnsafeRawBufferPointer) -> FieldName? {
        guard bytes.count < byLength.count else { return nil }
        for (name, field) in byLength[bytes.count] where name.elementsEqual(bytes) { return field }
        return nil
    }

    /// The field named `key`, nil for any other name.
    static func named(_ key: String) -> FieldName? {
        var key = key
        return key.withUTF8 { named(UnsafeRawBufferPointer($0)) }
    }

    // Candidates by name length: a key is compared with the few names of its length only.
    private static let byLength: [[([UInt8], FieldName)]] = {
        var table = [[([UInt8], FieldName)]](repeating: [], count: 16)
        for field in allCases { table[field.key.utf8.count].append((Array(field.key.utf8), field)) }
        return table
    }()
}
