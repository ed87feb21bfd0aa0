/// An event as an administrator gave it, checked against EVENTS.md and normalised.
public struct EventInput: Hashable, Sendable {
    public var event: Event
    /// The idempotency key, lowercased, when the input carried one.
    public var id: String?
    public var version: Int
    /// `type` then the payload fields in stored order, amounts in stored form.
    public var payload: EventPayload
}

/// Turns JSON objects into events and back, by the field table of `EventType`.
public enum EventCodec {
    /// Envelope fields of a stored record, in stored order (EVENTS.md).
    public static let envelopeFields = ["seq", "type", "v", "id", "recorded", "by", "prev"]

    /// An object's members, looked up by a scan: an event has a handful.
    typealias Members = [(key: String, value: JSONValue)]

    /// Checks one input object: known type, known fields only, no nulls, every value in format.
    /// - Throws: `InputError` naming the field at fault.
    public static func decodeInput(_ value: JSONValue) throws(InputError) -> EventInput {
        guard case .object(let members) = value else {
            throw InputError("an event must be a JSON object, not \(value.typeName)")
        }
        try checkDistinct(members, allowingNull: false)
        let type = try eventType(members)
        var id: String?
        if let raw = member("id", in: members) {
            guard case .string(let text) = raw, let uuid = normalisedUUID(text) else {
                throw InputError(field: "id", "must be a UUID string")
            }
            id = uuid
        }
        var version = EventType.currentVersion
        if let raw = member("v", in: members) {
            guard case .number(let text) = raw, let v = Int(text), v == EventType.currentVersion else {
                throw InputError(field: "v", "must be \(EventType.currentVersion), the only schema version")
            }
            version = v
        }
        let fields = members.filter { $0.key != "type" && $0.key != "id" && $0.key != "v" }
        return try decodePayload(type: type, fields: fields, id: id, version: version)
    }

    /// Refuses an object that names a key twice (or, unless allowed, holds a null), at the first
    /// such member in order.
    static func checkDistinct(_ members: Members, allowingNull: Bool) throws(InputError) {
        // An event's few keys are compared pairwise; a long (hostile) object is hashed.
        var seen: Set<String> = []
        for (i, member) in members.enumerated() {
            let repeated =
                members.count <= 16
                ? members[..<i].contains { $0.key == member.key } : !seen.insert(member.key).inserted
            if repeated { throw InputError(field: member.key, "appears twice") }
            if !allowingNull && member.value == .null { throw InputError(field: member.key, "null is not allowed") }
        }
    }

    /// The value of `key` among members that name each key once.
    static func member(_ key: String, in members: Members) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    static func eventType(_ members: Members) throws(InputError) -> EventType {
        guard let raw = member("type", in: members) else { throw InputError(field: "type", "is missing") }
        guard case .string(let name) = raw else { throw InputError(field: "type", "must be a string") }
        guard let type = EventType(rawValue: name) else {
            throw InputError(field: "type", "unknown event type \"\(name)\"")
        }
        return type
    }

    /// Builds the input from the payload fields (no envelope field among them, each key once).
    static func decodePayload(
        type: EventType,
        fields: Members,
        id: String?,
        version: Int
    ) throws(InputError) -> EventInput {
        // Each field filed in its slot once; the first unknown one by name, whatever order the
        // input gave them in.
        var fieldValues = JSONPayload()
        var unknown: String?
        for member in fields {
            if let field = FieldName.named(member.key), type.fieldSet & field.bit != 0 {
                fieldValues.slots[field.rawValue] = member.value
            } else if unknown.map({ member.key < $0 }) ?? true {
                unknown = member.key
            }
        }
        if let unknown { throw InputError(field: unknown, "unknown field for \(type.rawValue)") }
        var payload = EventPayload(type: type)
        for spec in type.fields {
            guard let raw = fieldValues.slots[spec.field.rawValue] else {
                if spec.isRequired { throw InputError(field: spec.name, "is missing") }
                continue
            }
            let value = try FieldFormat.normalise(raw, as: spec.kind, field: spec.name)
            fieldValues.slots[spec.field.rawValue] = value
            payload.append(spec.name, value)
        }
        let event = try makeEvent(type: type, from: fieldValues)
        return EventInput(event: event, id: id, version: version, payload: payload)
    }

    /// Builds the typed event from a payload, however it was decoded.
    /// - Throws: `InputError` when a field the type needs is missing or cannot be read as its kind.
    static func makeEvent(type: EventType, from p: some PayloadSource) throws(InputError) -> Event {
        // Fields are read through closure literals, `{ p.day($0) }`, not `p.day`: a method
        // reference copies the payload (a 500-byte slot array when decoding a stored line) into a
        // heap-allocated context at every read.
        func required<T>(_ key: FieldName, _ read: (FieldName) -> T?) throws(InputError) -> T {
            guard let value = read(key) else { throw InputError(field: key.key, "is missing or malformed") }
            return value
        }
        // An optional field that is present must read as its kind: malformed is not absent.
        func optional<T>(_ key: FieldName, _ read: (FieldName) -> T?) throws(InputError) -> T? {
            guard p.has(key) else { return nil }
            return try required(key, read)
        }
        let on = try required(.on, { p.day($0) })
        let company = p.company(.company)
        if type.namesCompany && company == nil {
            throw InputError(field: "company", "is missing or malformed")
        }
        let body: EventBody
        switch type {
        case .applicationFiled:
            body = .applicationFiled(
                Profile(
                    name: try required(.name, { p.text($0) }),
                    brNumber: try required(.brNumber) { p.text($0).flatMap { FieldFormat.isBRNumber($0) ? $0 : nil } },
                    brExpiresOn: try required(.brExpiresOn, { p.day($0) }),
                    sector: try required(.sector) { p.word($0) },
                    employeesInHK: try required(.employeesInHK, { p.integer($0) })
                ),
                try required(.class) { p.word($0) }
            )
        case .documentsSubmitted:
            let documents = try required(.documents, { p.texts($0) })
            guard FieldFormat.documentCount.contains(documents.count) else {
                throw InputError(field: "documents", "must list 1 to 20 documents")
            }
            body = .documentsSubmitted(documents)
        case .recommendationReceived:
            body = .recommendationReceived(
                recommender: try required(.recommender) { p.company($0) }
            )
        case .membershipApproved:
            body = .membershipApproved(try required(.class) { p.word($0) })
        case .applicationRejected:
            body = .applicationRejected(reason: try required(.reason, { p.text($0) }))
        case .feeScheduleSet:
            body = .feeScheduleSet(
                full: try required(.full, { p.cents($0) }),
                affiliate: try required(.affiliate, { p.cents($0) })
            )
        case .feeRequested:
            body = .feeRequested(
                period: try required(.period, { p.period($0) }),
                amount: try optional(.amount, { p.cents($0) })
            )
        case .feePaid:
            body = .feePaid(
                amount: try required(.amount, { p.cents($0) }),
                reference: try required(.reference, { p.text($0) }),
                period: try optional(.period, { p.period($0) })
            )
        case .delayExcused:
            body = .delayExcused(
                period: try required(.period, { p.period($0) }),
                cause: try required(.cause) { p.word($0) },
                note: try optional(.note, { p.text($0) }),
                until: try optional(.until, { p.day($0) })
            )
        case .indexRoundRecorded:
            body = .indexRoundRecorded(
                round: try required(.round, { p.text($0) }),
                included: try required(.included, { p.companies($0) })
            )
        case .profileUpdated:
            let change = ProfileChange(
                name: try optional(.name, { p.text($0) }),
                brNumber: try optional(.brNumber) { p.text($0).flatMap { FieldFormat.isBRNumber($0) ? $0 : nil } },
                brExpiresOn: try optional(.brExpiresOn, { p.day($0) }),
                sector: try optional(.sector) { p.word($0) },
                employeesInHK: try optional(.employeesInHK, { p.integer($0) })
            )
            if change == ProfileChange() {
                throw InputError(
                    field: "name",
                    "ProfileUpdated needs at least one of name, brNumber, brExpiresOn, sector, employeesInHK"
                )
            }
            body = .profileUpdated(change)
        case .classChanged:
            body = .classChanged(try required(.class) { p.word($0) })
        case .memberResigned:
            body = .memberResigned
        case .eventReversed:
            body = .eventReversed(
                reverses: try required(.reverses) { p.integer($0).flatMap { $0 >= 1 ? $0 : nil } },
                reason: try required(.reason, { p.text($0) })
            )
        }
        return Event(on: on, company: company, body: body)
    }

    /// A UUID in lowercase, or nil when `text` is not `8-4-4-4-12` hexadecimal digits.
    public static func normalisedUUID(_ text: String) -> String? {
        EventID(stored: text.lowercased())?.description
    }
}
