/// The field formats of EVENTS.md: checks a value and returns it in stored form.
public enum FieldFormat {
    /// The largest number of Unicode code points in a text field.
    public static let maximumTextLength = 500

    /// Checks `value` against `kind`.
    /// - Returns: the value as stored (amounts with exactly two decimals).
    /// - Throws: `InputError` for `field` when the value is of the wrong JSON type or out of format.
    public static func normalise(_ value: JSONValue, as kind: FieldKind, field: String) throws(InputError) -> JSONValue
    {
        func string() throws(InputError) -> String {
            guard case .string(let s) = value else {
                throw InputError(field: field, "must be a string, not \(value.typeName)")
            }
            return s
        }
        func integer(minimum: Int) throws(InputError) -> JSONValue {
            guard case .number(let n) = value else {
                throw InputError(field: field, "must be an integer, not \(value.typeName)")
            }
            guard let i = Int(n), String(i) == n, i >= minimum else {
                throw InputError(field: field, "must be an integer ≥ \(minimum), got \(n)")
            }
            return value
        }
        switch kind {
        case .company:
            let s = try string()
            guard CompanyID(s) != nil else {
                throw InputError(field: field, "\"\(s)\" is not a company id (letters, digits, . _ -, up to 64)")
            }
            return value
        case .date:
            let s = try string()
            guard Day(s) != nil else { throw InputError(field: field, "\"\(s)\" is not a real date YYYY-MM-DD") }
            return value
        case .period:
            let s = try string()
            guard Period(s) != nil else {
                throw InputError(field: field, "\"\(s)\" is not a membership year YYYY-YY (e.g. 2025-26)")
            }
            return value
        case .amount:
            guard let cents = Cents(json: value) else {
                let shown =
                    value.typeName == "a string" || value.typeName == "a number"
                    ? JSONWriter.string(value) : value.typeName
                throw InputError(
                    field: field,
                    "\(shown) is not an amount: above 0, below 1,000,000,000, at most 2 decimals, as a string (\"1000.50\") or a positive integer"
                )
            }
            return .string(cents.description)
        case .text:
            try checkText(try string(), field: field)
            return value
        case .brNumber:
            let s = try string()
            guard isBRNumber(s) else {
                throw InputError(field: field, "\"\(s)\" is not a business registration number of 8 digits")
            }
            return value
        case .memberClass:
            let s = try string()
            guard MemberClass(rawValue: s) != nil else { throw InputError(field: field, "must be full or affiliate") }
            return value
        case .sector:
            let s = try string()
            guard Sector(rawValue: s) != nil else {
                throw InputError(field: field, "must be manufacturing or non-manufacturing")
            }
            return value
        case .cause:
            let s = try string()
            guard ExcusalCause(rawValue: s) != nil else {
                throw InputError(field: field, "must be absence-from-hk or other")
            }
            return value
        case .count:
            return try integer(minimum: 0)
        case .seq:
            return try integer(minimum: 1)
        case .documents:
            guard case .array(let items) = value else {
                throw InputError(field: field, "must be a list of 1 to 20 texts, not \(value.typeName)")
            }
            guard documentCount.contains(items.count) else {
                throw InputError(field: field, "must list 1 to 20 documents, got \(items.count)")
            }
            for item in items {
                guard case .string(let s) = item else {
                    throw InputError(field: field, "every document must be a string")
                }
                try checkText(s, field: field)
            }
            return value
        case .companies:
            guard case .array(let items) = value else {
                throw InputError(field: field, "must be a list of company ids, not \(value.typeName)")
            }
            for item in items {
                guard case .string(let s) = item, CompanyID(s) != nil else {
                    throw InputError(field: field, "\(JSONWriter.string(item)) is not a company id")
                }
            }
            return value
        }
    }

    /// A business registration number: 8 digits.
    public static func isBRNumber(_ s: String) -> Bool {
        s.utf8.count == 8 && s.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The number of documents one DocumentsSubmitted may list.
    public static let documentCount = 1...20

    /// A text is 1 to 500 code points, none of them a control character (Unicode category Cc).
    public static func checkText(_ s: String, field: String) throws(InputError) {
        var count = 0
        for scalar in s.unicodeScalars {
            count += 1
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                throw InputError(field: field, "contains a control character (U+\(hex4(scalar.value)))")
            }
        }
        guard (1...maximumTextLength).contains(count) else {
            throw InputError(field: field, "must be 1 to \(maximumTextLength) characters, got \(count)")
        }
    }

    static func hex4(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
