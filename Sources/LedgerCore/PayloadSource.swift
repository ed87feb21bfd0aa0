/// Typed access to an event's payload fields, whatever decoded them: the one place
/// (`EventCodec.makeEvent`) that builds events reads fields through it.
protocol PayloadSource {
    /// Whether the field is present at all, whatever its value.
    func has(_ key: FieldName) -> Bool
    func text(_ key: FieldName) -> String?
    func day(_ key: FieldName) -> Day?
    func period(_ key: FieldName) -> Period?
    func cents(_ key: FieldName) -> Cents?
    func integer(_ key: FieldName) -> Int?
    func texts(_ key: FieldName) -> [String]?
    /// The field as a company id, nil when absent or not one.
    func company(_ key: FieldName) -> CompanyID?
    /// The field as a list of company ids, nil when absent or when any item is not one.
    func companies(_ key: FieldName) -> [CompanyID]?
    /// The field as a word of a vocabulary (a class, a sector, a cause), nil when absent or not one.
    func word<Word: CaseIterable & RawRepresentable<String>>(_ key: FieldName) -> Word?
}

extension PayloadSource {
    func word<Word: CaseIterable & RawRepresentable<String>>(_ key: FieldName) -> Word? {
        text(key).flatMap(Word.init(rawValue:))
    }

    func company(_ key: FieldName) -> CompanyID? { text(key).flatMap(CompanyID.init) }

    func companies(_ key: FieldName) -> [CompanyID]? {
        guard let texts = texts(key) else { return nil }
        var ids: [CompanyID] = []
        ids.reserveCapacity(texts.count)
        for text in texts {
            guard let id = CompanyID(text) else { return nil }
            ids.append(id)
        }
        return ids
    }
}

/// Fields held as JSON values (input, and stored lines read by the general decoder), in one slot
/// per `FieldName`: read by number, with no string comparison.
struct JSONPayload: PayloadSource {
    var slots: [JSONValue?] = Array(repeating: nil, count: FieldName.count)

    func value(_ key: FieldName) -> JSONValue? { slots[key.rawValue] }

    func has(_ key: FieldName) -> Bool { value(key) != nil }
    func text(_ key: FieldName) -> String? {
        if case .string(let s)? = value(key) { return s }
        return nil
    }
    func day(_ key: FieldName) -> Day? { text(key).flatMap(Day.init) }
    func period(_ key: FieldName) -> Period? { text(key).flatMap(Period.init) }
    func cents(_ key: FieldName) -> Cents? { text(key).flatMap(Cents.parse) }
    func integer(_ key: FieldName) -> Int? {
        if case .number(let n)? = value(key) { return Int(n) }
        return nil
    }
    func texts(_ key: FieldName) -> [String]? {
        guard case .array(let items)? = value(key) else { return nil }
        var result: [String] = []
        for item in items {
            guard case .string(let s) = item else { return nil }
            result.append(s)
        }
        return result
    }
}
