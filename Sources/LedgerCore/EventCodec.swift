/// An event as an administrator gave it, checked against EVENTS.md and normalised.
public struct EventInput: Hashable, Sendable {
    public var event: Event
    /// The idempotency key, lowercased, when the input carried one.
    public var id: String?
    public var version: Int
    /// `type` then the payload fields in stored order, amounts in stored form.
    public var payload: [String: JSONValue]
    /// The payload's keys in stored order.
    public var payloadOrder: [String]

    /// The payload as a JSON object in stored order.
    public var payloadMembers: [(key: String, value: JSONValue)] { payloadOrder.map { ($0, payload[$0]!) } }
}

/// Turns JSON objects into events and back, by the field table of `EventType`.
public enum EventCodec {
    /// Envelope fields of a stored record, in stored order (EVENTS.md).
    public static let envelopeFields = ["seq", "type", "v", "id", "recorded", "by", "prev"]

    /// Checks one input object: known type, known fields only, no nulls, every value in format.
    /// - Throws: `InputError` naming the field at fault.
    public static func decodeInput(_ value: JSONValue) throws(InputError) -> EventInput {
        guard case .object(let members) = value else {
            throw InputError("an event must be a JSON object, not \(value.typeName)")
        }
        var fields: [String: JSONValue] = [:]
        for member in members {
            if fields[member.key] != nil { throw InputError(field: member.key, "appears twice") }
            if member.value == .null { throw InputError(field: member.key, "null is not allowed") }
            fields[member.key] = member.value
        }
        let type = try eventType(fields)
        var id: String?
        if let raw = fields.removeValue(forKey: "id") {
            guard case .string(let text) = raw, let uuid = normalisedUUID(text) else {
                throw InputError(field: "id", "must be a UUID string")
            }
            id = uuid
        }
        var version = EventType.currentVersion
        if let raw = fields.removeValue(forKey: "v") {
            guard case .number(let text) = raw, let v = Int(text), v == EventType.currentVersion else {
                throw InputError(field: "v", "must be \(EventType.currentVersion), the only schema version")
            }
            version = v
        }
        fields.removeValue(forKey: "type")
        return try decodePayload(type: type, fields: fields, id: id, version: version)
    }

    static func eventType(_ fields: [String: JSONValue]) throws(InputError) -> EventType {
        guard let raw = fields["type"] else { throw InputError(field: "type", "is missing") }
        guard case .string(let name) = raw else { throw InputError(field: "type", "must be a string") }
        guard let type = EventType(rawValue: name) else {
            throw InputError(field: "type", "unknown event type \"\(name)\"")
        }
        return type
    }

    static func decodePayload(
        type: EventType,
        fields: [String: JSONValue],
        id: String?,
        version: Int
    ) throws(InputError) -> EventInput {
        let specs = type.fields
        let known = Set(specs.map(\.name))
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw InputError(field: unknown, "unknown field for \(type.rawValue)")
        }
        var payload: [String: JSONValue] = ["type": .string(type.rawValue)]
        var order = ["type"]
        for spec in specs {
            guard let raw = fields[spec.name] else {
                if spec.isRequired { throw InputError(field: spec.name, "is missing") }
                continue
            }
            payload[spec.name] = try FieldFormat.normalise(raw, as: spec.kind, field: spec.name)
            order.append(spec.name)
        }
        let event = try makeEvent(type: type, payload)
        return EventInput(event: event, id: id, version: version, payload: payload, payloadOrder: order)
    }

    /// Builds the typed event from normalised fields (all formats already checked).
    static func makeEvent(type: EventType, _ p: [String: JSONValue]) throws(InputError) -> Event {
        try makeEvent(type: type) { p[$0] }
    }

    /// Builds the typed event from fields found by `field`.
    /// - Throws: `InputError` when a field the type needs is missing or cannot be read as its kind.
    static func makeEvent(type: EventType, field: (String) -> JSONValue?) throws(InputError) -> Event {
        func text(_ key: String) -> String? {
            if case .string(let s)? = field(key) { return s }
            return nil
        }
        func required<T>(_ key: String, _ parse: (String) -> T?) throws(InputError) -> T {
            guard let raw = text(key), let value = parse(raw) else {
                throw InputError(field: key, "is missing or malformed")
            }
            return value
        }
        func count(_ key: String) -> Int? {
            if case .number(let n)? = field(key) { return Int(n) }
            return nil
        }
        func strings(_ key: String) throws(InputError) -> [String] {
            guard case .array(let items)? = field(key) else { throw InputError(field: key, "is missing or malformed") }
            var result: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw InputError(field: key, "must hold strings") }
                result.append(s)
            }
            return result
        }
        let on = try required("on", Day.init)
        let company = text("company").flatMap(CompanyID.init)
        if type.fields.first?.name == "company" && company == nil {
            throw InputError(field: "company", "is missing or malformed")
        }
        let body: EventBody
        switch type {
        case .applicationFiled:
            guard let employees = count("employeesInHK") else { throw InputError(field: "employeesInHK", "is missing") }
            body = .applicationFiled(
                Profile(
                    name: try required("name") { $0 },
                    brNumber: try required("brNumber") { $0 },
                    brExpiresOn: try required("brExpiresOn", Day.init),
                    sector: try required("sector", Sector.init),
                    employeesInHK: employees
                ),
                try required("class", MemberClass.init)
            )
        case .documentsSubmitted:
            body = .documentsSubmitted(try strings("documents"))
        case .recommendationReceived:
            body = .recommendationReceived(recommender: try required("recommender", CompanyID.init))
        case .membershipApproved:
            body = .membershipApproved(try required("class", MemberClass.init))
        case .applicationRejected:
            body = .applicationRejected(reason: try required("reason") { $0 })
        case .feeScheduleSet:
            body = .feeScheduleSet(
                full: try required("full", Cents.parse),
                affiliate: try required("affiliate", Cents.parse)
            )
        case .feeRequested:
            body = .feeRequested(
                period: try required("period", Period.init),
                amount: text("amount").flatMap(Cents.parse)
            )
        case .feePaid:
            body = .feePaid(
                amount: try required("amount", Cents.parse),
                reference: try required("reference") { $0 },
                period: text("period").flatMap(Period.init)
            )
        case .delayExcused:
            body = .delayExcused(
                period: try required("period", Period.init),
                cause: try required("cause", ExcusalCause.init),
                note: text("note"),
                until: text("until").flatMap(Day.init)
            )
        case .indexRoundRecorded:
            var included: [CompanyID] = []
            for text in try strings("included") {
                guard let id = CompanyID(text) else { throw InputError(field: "included", "holds a bad company id") }
                included.append(id)
            }
            body = .indexRoundRecorded(round: try required("round") { $0 }, included: included)
        case .profileUpdated:
            let change = ProfileChange(
                name: text("name"),
                brNumber: text("brNumber"),
                brExpiresOn: text("brExpiresOn").flatMap(Day.init),
                sector: text("sector").flatMap(Sector.init),
                employeesInHK: count("employeesInHK")
            )
            if change == ProfileChange() {
                throw InputError(
                    field: "name",
                    "ProfileUpdated needs at least one of name, brNumber, brExpiresOn, sector, employeesInHK"
                )
            }
            body = .profileUpdated(change)
        case .classChanged:
            body = .classChanged(try required("class", MemberClass.init))
        case .memberResigned:
            body = .memberResigned
        case .eventReversed:
            guard let target = count("reverses") else { throw InputError(field: "reverses", "is missing") }
            body = .eventReversed(reverses: target, reason: try required("reason") { $0 })
        }
        return Event(type: type, on: on, company: company, body: body)
    }

    /// A UUID in lowercase, or nil when `text` is not `8-4-4-4-12` hexadecimal digits.
    public static func normalisedUUID(_ text: String) -> String? {
        let lower = text.lowercased()
        let b = Array(lower.utf8)
        guard b.count == 36 else { return nil }
        for (i, byte) in b.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard
                    (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                        || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                else { return nil }
            }
        }
        return lower
    }
}
