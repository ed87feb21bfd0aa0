import LedgerCore
import Testing

/// Every field of every event type given each wrong value of its kind (issue 6 item 6): the
/// input is refused as bad input naming that field, never accepted and never a crash.
struct HostileFieldTests {
    /// A value every field of `kind` accepts.
    static func valid(_ kind: FieldKind) -> JSONValue {
        switch kind {
        case .company: return .string("H1")
        case .date: return .string("2024-05-01")
        case .period: return .string("2024-25")
        case .amount: return .string("100.00")
        case .text: return .string("x")
        case .brNumber: return .string("12345678")
        case .memberClass: return .string("full")
        case .sector: return .string("manufacturing")
        case .cause: return .string("other")
        case .count: return .number("3")
        case .seq: return .number("1")
        case .documents: return .array([.string("br-certificate")])
        case .companies: return .array([.string("H1")])
        }
    }

    /// Wrong values for every kind: other JSON types, empty, control characters. (A lone U+FEFF
    /// is not here: it is format, not control (Cf, not Cc), and EVENTS.md allows it in texts.)
    static let wrongForAll: [JSONValue] = [
        .null, .bool(true), .bool(false), .object([]), .object([("a", .string("b"))]), .number("1.5"),
        .number("-1"), .number("1e400"), .string(""), .string("\u{0}"), .string("\u{7}"), .string("\u{1B}[31m"),
    ]

    /// Wrong values particular to `kind`: the near misses people and programs make.
    static func wrong(_ kind: FieldKind) -> [JSONValue] {
        let scalars: [JSONValue] = [.array([]), .array([valid(kind)])]
        switch kind {
        case .company:
            return scalars
                + ["H 1", " H1", "H1 ", "H1\n", "Ｈ1", String(repeating: "C", count: 65), "../x", "H/1"].map(
                    JSONValue.string
                )
        case .date:
            return scalars
                + [
                    "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "0000-01-01", "2024-5-1", "2024/05/01",
                    "2024-05-01T00:00:00Z", " 2024-05-01", "２０２４-０５-０１", "12024-05-01",
                ].map(JSONValue.string) + [.number("20240501")]
        case .period:
            return scalars
                + ["2024-26", "2024-24", "2024-2025", "24-25", "2024", "2024-25 "].map(JSONValue.string) + [
                    .number("2024")
                ]
        case .amount:
            return scalars
                + [
                    "-1", "0", "0.00", "0.001", "1e3", "1,000", " 100", "１００", "1000000000", "$100", "NaN", "100.",
                    ".5",
                ]
                .map(JSONValue.string) + [.number("0"), .number("100.5"), .number("1000000000"), .number("1e3")]
        case .text:
            return scalars
                + [String(repeating: "x", count: 501), "a\u{1}b", "a\u{7F}b", "a\u{85}b", "a\nb", "a\tb"].map(
                    JSONValue.string
                )
                + [.number("7")]
        case .brNumber:
            return scalars + ["1234567", "123456789", "1234567A", "１２３４５６７８", " 12345678"].map(JSONValue.string)
                + [.number("12345678")]
        case .memberClass:
            return scalars + ["Full", "FULL", "gold", "full "].map(JSONValue.string)
        case .sector:
            return scalars + ["Manufacturing", "finance", "non manufacturing"].map(JSONValue.string)
        case .cause:
            return scalars + ["illness", "Other"].map(JSONValue.string)
        case .count:
            return scalars + [.string("3"), .number("3.0"), .number("1e1"), .number("99999999999999999999999")]
        case .seq:
            return scalars + [.string("1"), .number("0"), .number("1.0"), .number("99999999999999999999999")]
        case .documents:
            return [
                .array([]), .array(Array(repeating: .string("d"), count: 21)), .array([.number("1")]),
                .array([.string("")]), .array([.string("a\u{0}")]), .array([.null]), .string("br-certificate"),
            ]
        case .companies:
            return [
                .array([.number("1")]), .array([.string("bad id")]), .array([.null]), .string("H1"),
                .array([.array([])]),
            ]
        }
    }

    /// A valid input of `type` with every field (optional ones too).
    static func sample(_ type: EventType) -> [(key: String, value: JSONValue)] {
        [("type", .string(type.rawValue))] + type.fields.map { ($0.name, valid($0.kind)) }
    }

    static func decode(_ members: [(key: String, value: JSONValue)]) throws -> EventInput {
        try EventCodec.decodeInput(.object(members))
    }

    @Test("the samples are valid, so each refusal below is the wrong value's doing", arguments: EventType.allCases)
    func samplesAreValid(type: EventType) throws {
        _ = try HostileFieldTests.decode(HostileFieldTests.sample(type))
    }

    @Test("every field given every wrong value of its kind is refused, naming the field", arguments: EventType.allCases)
    func wrongValues(type: EventType) {
        let sample = HostileFieldTests.sample(type)
        var cases = 0
        for (index, field) in type.fields.enumerated() {
            for value in HostileFieldTests.wrongForAll + HostileFieldTests.wrong(field.kind) {
                var members = sample
                members[index + 1].value = value
                cases += 1
                do {
                    _ = try HostileFieldTests.decode(members)
                    Issue.record("\(type.rawValue).\(field.name) accepted \(JSONWriter.string(value))")
                } catch let error as InputError {
                    #expect(
                        error.field == field.name,
                        "\(type.rawValue).\(field.name) = \(JSONWriter.string(value)): \(error)"
                    )
                } catch {
                    Issue.record("\(type.rawValue).\(field.name): not an input error: \(error)")
                }
            }
        }
        #expect(cases >= type.fields.count * HostileFieldTests.wrongForAll.count)
    }

    @Test(
        "a missing required field, an unknown field and a repeated field are each refused by name",
        arguments: EventType.allCases
    )
    func missingUnknownRepeated(type: EventType) {
        let sample = HostileFieldTests.sample(type)
        for (index, field) in type.fields.enumerated() where field.isRequired {
            var members = sample
            members.remove(at: index + 1)
            #expect(throws: InputError(field: field.name, "is missing")) { try HostileFieldTests.decode(members) }
        }
        #expect(throws: InputError(field: "colour", "unknown field for \(type.rawValue)")) {
            try HostileFieldTests.decode(sample + [("colour", .string("red"))])
        }
        #expect(throws: InputError(field: sample[1].key, "appears twice")) {
            try HostileFieldTests.decode(sample + [sample[1]])
        }
    }

    /// How many generated cases the tests above run (for the README's figure).
    static var generatedCaseCount: Int {
        EventType.allCases.reduce(0) { total, type in
            total + type.fields.reduce(0) { $0 + wrongForAll.count + wrong($1.kind).count + ($1.isRequired ? 1 : 0) }
                + 2
        }
    }

    @Test("the generated corpus is as large as the README says (over 1,300 cases)")
    func generatedSize() {
        #expect(HostileFieldTests.generatedCaseCount > 1_300, "\(HostileFieldTests.generatedCaseCount)")
    }
}
