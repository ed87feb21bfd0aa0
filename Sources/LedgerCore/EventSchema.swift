/// JSON Schemas (draft 2020-12) of the stored records, made from the same field table that checks
/// input, so the files in `EventSchemas/` cannot drift from the code (a test compares them).
public enum EventSchema {
    /// The file name of a type's schema: `<Type>.v<N>.schema.json`.
    public static func fileName(_ type: EventType, version: Int = EventType.currentVersion) -> String {
        "\(type.rawValue).v\(version).schema.json"
    }

    /// The schema of `type`'s stored record, as pretty-printed JSON text ending in a newline.
    public static func text(_ type: EventType) -> String { pretty(schema(type), indent: "") + "\n" }

    /// The schema of `type`'s stored record.
    public static func schema(_ type: EventType) -> JSONValue {
        var properties: [(key: String, value: JSONValue)] = [
            ("seq", seqProperty),
            ("type", .object([("const", .string(type.rawValue))])),
            ("v", .object([("const", .number(String(EventType.currentVersion)))])),
            ("id", pattern("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")),
            ("recorded", pattern("^" + datePattern + "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\.[0-9]{3}Z$")),
            ("by", property(.text)),
            ("prev", pattern("^[0-9a-f]{64}$")),
        ]
        var required = EventCodec.envelopeFields
        for field in type.fields {
            properties.append((field.name, property(field.kind)))
            // A stored FeeRequested always holds its amount: the ledger fills it in (R15).
            if field.isRequired || (type == .feeRequested && field.name == "amount") { required.append(field.name) }
        }
        var members: [(key: String, value: JSONValue)] = [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string(fileName(type))),
            ("title", .string("\(type.rawValue), version \(EventType.currentVersion): one stored line of the ledger")),
            ("type", .string("object")),
            ("additionalProperties", .bool(false)),
            ("required", .array(required.map(JSONValue.string))),
            ("properties", .object(properties)),
        ]
        if type == .profileUpdated {
            let changeable = type.fields.filter { !$0.isRequired }.map(\.name)
            members.append(
                ("anyOf", .array(changeable.map { .object([("required", .array([.string($0)]))]) }))
            )
        }
        return .object(members)
    }

    static func pattern(_ regex: String) -> JSONValue {
        .object([("type", .string("string")), ("pattern", .string(regex))])
    }

    /// A real calendar date, leap years included (years 0001–9999).
    static let datePattern =
        "(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"

    static let textProperty: JSONValue = .object([
        ("type", .string("string")), ("minLength", .number("1")),
        ("maxLength", .number(String(FieldFormat.maximumTextLength))),
        ("pattern", .string("^[^\\u0000-\\u001f\\u007f-\\u009f]*$")),
    ])

    /// A seq: from 1 to the most events a ledger holds (`SequencedEvent.maxSeq`).
    static let seqProperty: JSONValue = .object([
        ("type", .string("integer")), ("minimum", .number("1")),
        ("maximum", .number(String(SequencedEvent.maxSeq))),
    ])
    static let companyPattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

    static func property(_ kind: FieldKind) -> JSONValue {
        func enumeration(_ values: [String]) -> JSONValue { .object([("enum", .array(values.map(JSONValue.string)))]) }
        switch kind {
        case .company: return pattern(companyPattern)
        case .date: return pattern("^" + datePattern + "$")
        case .period:
            // YYYY-YY where YY is the next year's last two digits.
            let pairs = (0..<100).map { d in Day.pad(d, 2) + "-" + Day.pad((d + 1) % 100, 2) }
            return pattern("^[0-9]{2}(?:" + pairs.joined(separator: "|") + ")$")
        case .amount: return pattern("^(?!0\\.00$)(?:0|[1-9][0-9]{0,8})\\.[0-9]{2}$")
        case .text: return textProperty
        case .brNumber: return pattern("^[0-9]{8}$")
        case .memberClass: return enumeration(MemberClass.allCases.map(\.rawValue))
        case .sector: return enumeration(Sector.allCases.map(\.rawValue))
        case .cause: return enumeration(ExcusalCause.allCases.map(\.rawValue))
        case .count: return .object([("type", .string("integer")), ("minimum", .number("0"))])
        case .seq: return seqProperty
        case .documents:
            return .object([
                ("type", .string("array")), ("minItems", .number("1")), ("maxItems", .number("20")),
                ("items", textProperty),
            ])
        case .companies:
            return .object([("type", .string("array")), ("items", pattern(companyPattern))])
        }
    }

    /// Indented JSON for files people read.
    static func pretty(_ value: JSONValue, indent: String) -> String {
        let inner = indent + "  "
        switch value {
        case .array(let items)
        where !items.isEmpty && items.contains(where: { if case .object = $0 { true } else { false } }):
            return "[\n" + items.map { inner + pretty($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent
                + "]"
        case .object(let members) where !members.isEmpty:
            return "{\n"
                + members.map { inner + JSONWriter.string(.string($0.key)) + ": " + pretty($0.value, indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return JSONWriter.string(value)
        }
    }
}
