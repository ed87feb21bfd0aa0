/// A payload field of EVENTS.md: what the decoders look fields up by. The replay decoder files a
/// field by its name once per line and then reads it by number, with no string comparison.
public enum FieldName: Int, CaseIterable, Sendable {
    case company, on, name, brNumber, brExpiresOn, sector, employeesInHK
    case `class`, documents, recommender, reason, full, affiliate, period, amount
    case reference, cause, note, until, round, included, reverses

    /// How many there are: the slots a decoded payload needs. Computed from the last case, so it
    /// is a constant: `allCases` would build an array, and a stored `static let` of it costs a
    /// lazy-initialisation check at every read (a replay reads it for each of its 20 million lines).
    static var count: Int { FieldName.reverses.rawValue + 1 }

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
        let key = Key(bytes)
        for (name, field) in byLength[bytes.count] where name == key { return field }
        return nil
    }

    /// The field named `key`, nil for any other name.
    static func named(_ key: String) -> FieldName? {
        var key = key
        return key.withUTF8 { named(UnsafeRawBufferPointer($0)) }
    }

    /// A name of up to 15 bytes as two words, zero after its end: compared in two steps, not byte by byte.
    private struct Key: Equatable {
        var words: (UInt64, UInt64) = (0, 0)

        init(_ bytes: UnsafeRawBufferPointer) {
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
        }

        static func == (a: Key, b: Key) -> Bool { a.words.0 == b.words.0 && a.words.1 == b.words.1 }
    }

    // Candidates by name length: a key is compared with the few names of its length only.
    private static let byLength: [[(Key, FieldName)]] = {
        var table = [[(Key, FieldName)]](repeating: [], count: 16)
        for field in allCases {
            let name = Array(field.key.utf8)
            table[name.count].append((name.withUnsafeBytes { Key($0) }, field))
        }
        return table
    }()
}
