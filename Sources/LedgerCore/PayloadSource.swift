/// Typed access to an event's payload fields, whatever decoded them: the one place
/// (`EventCodec.makeEvent`) that builds events reads fields through it.
protocol PayloadSource {
    /// Whether the field is present at all, whatever its value.
    func has(_ key: String) -> Bool
    func text(_ key: String) -> String?
    func day(_ key: String) -> Day?
    func period(_ key: String) -> Period?
    func cents(_ key: String) -> Cents?
    func integer(_ key: String) -> Int?
    func texts(_ key: String) -> [String]?
}

/// Fields held as JSON values (input, and stored lines read by the general decoder).
struct JSONPayload: PayloadSource {
    let field: (String) -> JSONValue?

    func has(_ key: String) -> Bool { field(key) != nil }
    func text(_ key: String) -> String? {
        if case .string(let s)? = field(key) { return s }
        return nil
    }
    func day(_ key: String) -> Day? { text(key).flatMap(Day.init) }
    func period(_ key: String) -> Period? { text(key).flatMap(Period.init) }
    func cents(_ key: String) -> Cents? { text(key).flatMap(Cents.parse) }
    func integer(_ key: String) -> Int? {
        if case .number(let n)? = field(key) { return Int(n) }
        return nil
    }
    func texts(_ key: String) -> [String]? {
        guard case .array(let items)? = field(key) else { return nil }
        var result: [String] = []
        for item in items {
            guard case .string(let s) = item else { return nil }
            result.append(s)
        }
        return result
    }
}
