/// A decoder of administrators' input lines for a batch: one pass over the bytes, no JSON tree,
/// as `StoredLineDecoder` reads stored lines (its scanner and payload slots). It reads lines in
/// the compact form a program writes and the ledger stores (no whitespace, strings without
/// escapes, amounts with two decimals, ids in lowercase) and answers nil for anything else,
/// which `EventCodec.decodeInput` reads and, when it is wrong, says why. Property tests and the
/// fuzzer hold the two to the same answers: whatever this reads, the general decoder reads the
/// same.
public enum InputLineDecoder {
    /// The input `line` holds, exactly as `EventCodec.decodeInput(JSONParser.parse(line))` reads
    /// it; nil when the line is not in the compact form, or is wrong in any way.
    public static func decode(_ line: UnsafeRawBufferPointer) -> EventInput? {
        withUnsafeTemporaryAllocation(of: StoredLineDecoder.Value.self, capacity: FieldName.count) { slots in
            decode(line, slots: slots.baseAddress!)
        }
    }

    private static func decode(
        _ line: UnsafeRawBufferPointer,
        slots: UnsafeMutablePointer<StoredLineDecoder.Value>
    ) -> EventInput? {
        var scanner = StoredLineDecoder.Scanner(bytes: line)
        var payload = StoredLineDecoder.RawPayload(bytes: line, slots: slots)
        var type: EventType?
        var id: EventID?
        var versioned = false
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = scanner.plainString(), scanner.take(UInt8(ascii: ":")), let value = scanner.value() else {
                return nil
            }
            let bytes = line.slice(value.range)
            if line.matches(key, "type") {
                guard type == nil, value.kind == .string, let named = EventType(utf8: bytes) else { return nil }
                type = named
            } else if line.matches(key, "id") {
                // Only the lowercase form: the general decoder lowercases any other.
                guard id == nil, value.kind == .string, let stored = EventID(stored: bytes) else { return nil }
                id = stored
            } else if line.matches(key, "v") {
                guard !versioned, value.kind == .number, line.matches(value.range, "1") else { return nil }
                versioned = true
            } else {
                guard let field = FieldName.named(line.slice(key)), !payload.has(field) else { return nil }
                payload.present |= field.bit
                (slots + field.rawValue).initialize(to: value)
            }
        } while scanner.take(UInt8(ascii: ","))
        guard scanner.take(UInt8(ascii: "}")), scanner.isAtEnd, let type, payload.present & ~type.fieldSet == 0 else {
            return nil
        }
        var stored = EventPayload(type: type)
        for spec in type.fields {
            guard payload.has(spec.field) else {
                if spec.isRequired { return nil }
                continue
            }
            guard let value = storedValue(of: spec, in: payload) else { return nil }
            stored.append(spec.name, value)
        }
        guard let event = try? EventCodec.makeEvent(type: type, from: payload) else { return nil }
        return EventInput(event: event, id: id?.description, version: EventType.currentVersion, payload: stored)
    }

    /// The field's value as `FieldFormat.normalise` stores it, when its bytes are already in that
    /// form; nil for any other form (an amount as a number or without two decimals, an integer
    /// of 19 digits), left to the general decoder.
    private static func storedValue(of spec: FieldSpec, in payload: StoredLineDecoder.RawPayload) -> JSONValue? {
        let value = payload.slots[spec.field.rawValue]
        let bytes = payload.bytes.slice(value.range)
        func text(_ valid: Bool) -> JSONValue? { valid ? .string(String(decoding: bytes, as: UTF8.self)) : nil }
        func named<Name: RawRepresentable<String>>(_: Name.Type) -> JSONValue? {
            let name = String(decoding: bytes, as: UTF8.self)
            return Name(rawValue: name) == nil ? nil : .string(name)
        }
        func list(_ valid: (UnsafeRawBufferPointer) -> Bool) -> JSONValue? {
            payload.items(spec.field) { valid($0) ? JSONValue.string(String(decoding: $0, as: UTF8.self)) : nil }
                .map { .array($0) }
        }
        switch (spec.kind, value.kind) {
        case (.company, .string): return text(CompanyID(utf8: bytes) != nil)
        case (.date, .string): return text(Day(utf8: bytes) != nil)
        case (.period, .string): return text(Period(utf8: bytes) != nil)
        // The stored form (the payload's reader checks it), which `Cents.description` gives back.
        case (.amount, .string): return text(payload.cents(spec.field) != nil)
        case (.text, .string): return text(StoredLineDecoder.isText(bytes))
        case (.brNumber, .string):
            let number = String(decoding: bytes, as: UTF8.self)
            return FieldFormat.isBRNumber(number) ? .string(number) : nil
        case (.memberClass, .string): return named(MemberClass.self)
        case (.sector, .string): return named(Sector.self)
        case (.cause, .string): return named(ExcusalCause.self)
        // The scanner reads digits without leading zeros: "0" is the only one below 1.
        case (.count, .number): return bytes.count <= 18 ? .number(String(decoding: bytes, as: UTF8.self)) : nil
        case (.seq, .number):
            return bytes.count <= 18 && bytes[0] != UInt8(ascii: "0")
                ? .number(String(decoding: bytes, as: UTF8.self)) : nil
        case (.documents, .strings):
            let documents = list(StoredLineDecoder.isText)
            guard case .array(let items)? = documents, FieldFormat.documentCount.contains(items.count) else {
                return nil
            }
            return documents
        case (.companies, .strings): return list { CompanyID(utf8: $0) != nil }
        default: return nil
        }
    }
}
