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
        func text(_ key: String) -> String? {
            if case .string(let s)? = p[key] { return s }
            return nil
        }
        func int(_ key: String) -> Int? {
            if case .number(let n)? = p[key] { return Int(n) }
            return nil
        }
        let on = Day(text("on")!)!
        let company = text("company").flatMap(CompanyID.init)
        let day = { (key: String) in text(key).flatMap(Day.init) }
        let period = { (key: String) in text(key).flatMap(Period.init) }
        let amount = { (key: String) in text(key).flatMap(Cents.parse) }
        let body: EventBody
        switch type {
        case .applicationFiled:
            body = .applicationFiled(
                Profile(
                    name: text("name")!,
                    brNumber: text("brNumber")!,
                    brExpiresOn: day("brExpiresOn")!,
                    sector: Sector(rawValue: text("sector")!)!,
                    employeesInHK: int("employeesInHK")!
                ),
                MemberClass(rawValue: text("class")!)!
            )
        case .documentsSubmitted:
            guard case .array(let items)? = p["documents"] else { preconditionFailure("checked by FieldFormat") }
            body = .documentsSubmitted(items.compactMap { if case .string(let s) = $0 { s } else { nil } })
        case .recommendationReceived:
            body = .recommendationReceived(recommender: CompanyID(text("recommender")!)!)
        case .membershipApproved:
            body = .membershipApproved(MemberClass(rawValue: text("class")!)!)
        case .applicationRejected:
            body = .applicationRejected(reason: text("reason")!)
        case .feeScheduleSet:
            body = .feeScheduleSet(full: amount("full")!, affiliate: amount("affiliate")!)
        case .feeRequested:
            body = .feeRequested(period: period("period")!, amount: amount("amount"))
        case .feePaid:
            body = .feePaid(amount: amount("amount")!, reference: text("reference")!, period: period("period"))
        case .delayExcused:
            body = .delayExcused(
                period: period("period")!,
                cause: ExcusalCause(rawValue: text("cause")!)!,
                note: text("note"),
                until: day("until")
            )
        case .indexRoundRecorded:
            guard case .array(let items)? = p["included"] else { preconditionFailure("checked by FieldFormat") }
            body = .indexRoundRecorded(
                round: text("round")!,
                included: items.compactMap { if case .string(let s) = $0 { CompanyID(s) } else { nil } }
            )
        case .profileUpdated:
            let change = ProfileChange(
                name: text("name"),
                brNumber: text("brNumber"),
                brExpiresOn: day("brExpiresOn"),
                sector: text("sector").flatMap(Sector.init),
                employeesInHK: int("employeesInHK")
            )
            if change == ProfileChange() {
                throw InputError(
                    field: "name",
                    "ProfileUpdated needs at least one of name, brNumber, brExpiresOn, sector, employeesInHK"
                )
            }
            body = .profileUpdated(change)
        case .classChanged:
            body = .classChanged(MemberClass(rawValue: text("class")!)!)
        case .memberResigned:
            body = .memberResigned
        case .eventReversed:
            body = .eventReversed(reverses: int("reverses")!, reason: text("reason")!)
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
