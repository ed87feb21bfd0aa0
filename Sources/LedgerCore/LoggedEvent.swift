/// What replay needs of a stored record: its place, its recording instant, its id and its event.
public struct LoggedEvent: Hashable, Sendable {
    public var seq: Int
    public var recorded: Instant
    public var id: EventID
    public var event: Event

    public init(seq: Int, recorded: Instant, id: EventID, event: Event) {
        self.seq = seq
        self.recorded = recorded
        self.id = id
        self.event = event
    }

    /// The event with its seq, as the fold takes it.
    public var sequenced: SequencedEvent { SequencedEvent(seq: seq, event: event) }
}

/// A decoder of stored lines for the replay path: one pass over the bytes, no JSON tree, no
/// dictionary, and values read straight from the bytes. It reads lines as the ledger writes them
/// (flat objects; strings without escapes, integers, lists of strings) and answers nil for anything
/// else, leaving it to `StoredRecord.decode`, which checks every format. Property tests hold the
/// two to the same answers. The envelope and the payload keys are first read where the ledger
/// puts them (its order); a line with its fields in any other order is read key by key.
public enum StoredLineDecoder {
    /// The replay view of one stored line, nil when the line is not in the ledger's own form.
    public static func decode(_ line: UnsafeRawBufferPointer) -> LoggedEvent? {
        var prevOffset = 0
        return decode(line, prevOffset: &prevOffset)
    }

    /// The replay view of one stored line, nil when the line is not in the ledger's own form.
    /// - Parameter prevOffset: set to where the 64 digits of `prev` begin in the line.
    public static func decode(_ line: UnsafeRawBufferPointer, prevOffset: inout Int) -> LoggedEvent? {
        var recent = RecentValues()
        return decode(line, prevOffset: &prevOffset, recent: &recent)
    }

    /// `decode(_:prevOffset:)` of one of many lines.
    /// - Parameter prevOffset: set to where the 64 digits of `prev` begin in the line.
    /// - Parameter recent: the last `recorded` read, kept from line to line by a caller that
    ///   decodes many: the lines of a commit share one.
    public static func decode(
        _ line: UnsafeRawBufferPointer,
        prevOffset: inout Int,
        recent: inout RecentValues
    ) -> LoggedEvent? {
        var length: Int?
        return decode(line, prevOffset: &prevOffset, recent: &recent, length: &length)
    }

    /// `decode(_:prevOffset:recent:)` of the line that begins `lines` and ends at the first line
    /// end after it: the caller need not find the line's end first (a `memchr` a line was 1.4%
    /// of a one-core replay). Nil, as for one line, unless the line is in the ledger's own form
    /// and its `}` is followed by `\n`; no value that form accepts holds a line end (a control
    /// character), so the line is exactly the bytes read.
    /// - Parameter length: set to the line's length, without its line end.
    public static func decode(
        leading lines: UnsafeRawBufferPointer,
        length: inout Int,
        recent: inout RecentValues
    ) -> LoggedEvent? {
        var prevOffset = 0
        var read: Int? = 0
        defer { length = read ?? 0 }
        return decode(lines, prevOffset: &prevOffset, recent: &recent, length: &read)
    }

    /// The decoder behind both: a line alone when `length` is nil; else the line that begins
    /// `bytes`, whose length it sets.
    private static func decode(
        _ bytes: UnsafeRawBufferPointer,
        prevOffset: inout Int,
        recent: inout RecentValues,
        length: inout Int?
    ) -> LoggedEvent? {
        // The payload's slots live on the stack, outside `RawPayload`: an inline array inside it
        // was copied whole (552 bytes) at every field read.
        withUnsafeTemporaryAllocation(of: Value.self, capacity: FieldName.count) { slots in
            // Read through a pointer by the payload's fields, apart from the rest of `recent`.
            var dates = recent.dates
            defer { recent.dates = dates }
            return withUnsafeMutablePointer(to: &dates) { dates in
                decode(
                    bytes,
                    slots: slots.baseAddress!,
                    dates: dates,
                    prevOffset: &prevOffset,
                    recent: &recent,
                    length: &length
                )
            }
        }
    }

    /// What a decoder read last, kept from line to line by a caller that decodes many: the
    /// `recorded` instant, which the lines of a commit share, the head of the id, the date and
    /// the membership year, each read again only when its bytes change (`RecentField`); and the
    /// texts a log repeats from event to event (document lists, reversal reasons, excusal
    /// notes), each held once while it repeats.
    public struct RecentValues: Sendable {
        var recorded = RecentField<Instant>()
        /// The first eight bytes of the last id read, by its first 24 characters: a commit's ids
        /// are counted (EVENTS.md, version 7), so they repeat all but their last digits.
        var idHigh = RecentField<UInt64>()
        /// The `by` text of the last line read (of 4 to 24 bytes): a commit's lines share it.
        var by: ShortBytes?
        var documents: [String] = []
        var reason = ""
        var note = ""
        /// The last `on` and `period` read: a log's lines mostly repeat the line before's (all
        /// but 0.03% of the `on`s of a yearly commit of `hongkong`), and reading a date's digits
        /// and its calendar was 3% of a one-core replay.
        var dates = RecentDates()

        public init() {}

        /// `body` with a text or list equal to the one last read replaced by that one, which it
        /// then shares (the one just made is freed at once): a replay holds every event at once,
        /// and at `hongkong` 617,000 document lists, 251,000 reasons and 251,000 notes, most of them
        /// repeats, took some 80 MB.
        mutating func share(_ body: inout EventBody) {
            switch body {
            case .documentsSubmitted(let list):
                if list == documents { body = .documentsSubmitted(documents) } else { documents = list }
            case .eventReversed(let target, let text):
                if text == reason { body = .eventReversed(reverses: target, reason: reason) } else { reason = text }
            case .delayExcused(let period, let cause, let text?, let until):
                if text == note {
                    body = .delayExcused(period: period, cause: cause, note: note, until: until)
                } else {
                    note = text
                }
            default: break
            }
        }

        /// The stored id in `range` of `bytes`, nil unless it is one.
        mutating func id(at range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> EventID? {
            guard range.count == 36,
                let high = idHigh.value(of: bytes.slice(range.prefix(24)), EventID.high(stored:)),
                let low = EventID.low(stored: bytes.slice(range))
            else { return nil }
            return EventID(high: high, low: low)
        }

        /// The stored instant in `range` of `bytes`, nil unless it is one.
        mutating func instant(at range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Instant? {
            guard range.count == 24 else { return nil }
            return recorded.value(of: bytes.slice(range)) { isStoredInstant($0) ? Instant(utf8: $0) : nil }
        }
    }

    private static func decode(
        _ line: UnsafeRawBufferPointer,
        slots: UnsafeMutablePointer<Value>,
        dates: UnsafeMutablePointer<RecentDates>,
        prevOffset: inout Int,
        recent: inout RecentValues,
        length: inout Int?
    ) -> LoggedEvent? {
        var scanner = Scanner(bytes: line)
        var payload = RawPayload(bytes: line, slots: slots, dates: dates)
        var seq: Int?
        var recorded: Instant?
        var id: EventID?
        var type: EventType?
        // The envelope fields seen: each exactly once, as the general decoder requires.
        var seen: UInt8 = 0
        func once(_ bit: UInt8) -> Bool {
            defer { seen |= bit }
            return seen & bit == 0
        }
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        var fields = true
        if let envelope = scanner.envelope(recent: &recent) {
            (seq, type, id, recorded, prevOffset) = (
                envelope.seq, envelope.type, envelope.id, envelope.recorded, envelope.prevOffset
            )
            seen = 127
            fields = scanner.take(UInt8(ascii: ","))
            // The payload as the ledger writes it, in the type's stored order: each key compared
            // where it is expected; an optional one left out is passed over. Whatever is left (a
            // field out of order, an unknown one) goes through the general loop below.
            for key in StoredKey.byType[envelope.type.ordinal] where fields {
                guard key.isAt(scanner.index, in: line) else { continue }
                scanner.index += key.count
                let value =
                    key.valueBytes > 0
                    ? scanner.fixedString(key.valueBytes).map { Value(range: $0, kind: .string) } : scanner.value()
                guard let value else { return nil }
                payload.present |= key.field.bit
                (payload.slots + key.field.rawValue).initialize(to: value)
                fields = scanner.take(UInt8(ascii: ","))
            }
        }
        if fields {
            repeat {
                guard let key = scanner.plainString(), scanner.take(UInt8(ascii: ":")), let value = scanner.value()
                else {
                    return nil
                }
                switch line.count(key) {
                case 3 where line.matches(key, "seq"):
                    guard once(1), value.kind == .number, value.range.count <= 18 else { return nil }
                    seq = Day.digits(line, value.range)
                case 4 where line.matches(key, "type"):
                    guard once(2), value.kind == .string else { return nil }
                    type = EventType(utf8: line.slice(value.range))
                    if type == nil { return nil }
                case 1 where line.matches(key, "v"):
                    guard once(4), value.kind == .number, line.matches(value.range, "1") else { return nil }
                case 2 where line.matches(key, "id"):
                    guard once(8), value.kind == .string, let parsed = EventID(stored: line.slice(value.range)) else {
                        return nil
                    }
                    id = parsed
                case 8 where line.matches(key, "recorded"):
                    guard once(16), value.kind == .string, isStoredInstant(line.slice(value.range)),
                        let instant = Instant(utf8: line.slice(value.range))
                    else { return nil }
                    recorded = instant
                case 2 where line.matches(key, "by"):
                    guard once(32), value.kind == .string, isText(line.slice(value.range)) else { return nil }
                case 4 where line.matches(key, "prev"):
                    guard once(64), value.kind == .string, isLowercaseHex64(line.slice(value.range)) else { return nil }
                    prevOffset = value.range.lowerBound
                default:
                    // A payload field: one of the type's, each once (checked below, once the type is known).
                    guard let field = FieldName.named(line.slice(key)), payload.present & field.bit == 0 else {
                        return nil
                    }
                    payload.present |= field.bit
                    (payload.slots + field.rawValue).initialize(to: value)
                }
            } while scanner.take(UInt8(ascii: ","))
        }
        guard scanner.take(UInt8(ascii: "}")), length == nil ? scanner.isAtEnd : scanner.isAtLineEnd, seen == 127,
            let seq,
            (1...SequencedEvent.maxSeq).contains(seq),
            let recorded, let id, let type
        else {
            return nil
        }
        guard payload.present & ~type.fieldSet == 0 else { return nil }
        guard var event = try? EventCodec.makeEvent(type: type, from: payload) else { return nil }
        recent.share(&event.body)
        if length != nil { length = scanner.index }
        return LoggedEvent(seq: seq, recorded: recorded, id: id, event: event)
    }

    /// Where the company of the line that begins `lines` lies in it, read where the ledger writes
    /// it without decoding the line (`Scanner.leadingCompany`): for a pass over a log that
    /// decodes only some companies' lines. Nil for a line without a company there (an event of
    /// everyone's, or a line in another form), which only decoding can tell.
    ///
    /// What comes before it is the object's envelope, so the key is the object's own: a line
    /// whose decoded company is another is refused by the decoders (a key twice, or a value not
    /// of its form), whichever company's pass decodes it.
    public static func companyBytes(leading lines: UnsafeRawBufferPointer) -> Range<Int>? {
        var scanner = Scanner(bytes: lines)
        return scanner.leadingCompany()
    }

    /// Whether `b` is 64 lowercase hex digits, the stored form of a SHA-256.
    static func isLowercaseHex64(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count == 64 else { return false }
        var bad: UInt64 = 0
        for offset in stride(from: 0, to: 64, by: 8) { bad |= HexWord.notDigits(HexWord.load(b, offset)) }
        return bad == 0
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the one form the ledger records instants in.
    static func isStoredInstant(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count == 24 && b[10] == UInt8(ascii: "T") && b[19] == UInt8(ascii: ".") && b[23] == UInt8(ascii: "Z")
    }

    /// A text field's format (FieldFormat.checkText), with a fast path for printable ASCII.
    static func isText(_ b: UnsafeRawBufferPointer) -> Bool {
        if !b.isEmpty && b.count <= FieldFormat.maximumTextLength && PrintableASCII.contains(only: b) {
            return true
        }
        guard let text = String(validating: b, as: UTF8.self) else { return false }
        return (try? FieldFormat.checkText(text, field: "")) != nil
    }

    /// The envelope's fields, as `Scanner.envelope()` reads them.
    struct Envelope {
        var seq: Int
        var type: EventType
        var id: EventID
        var recorded: Instant
        /// Where the 64 digits of `prev` begin in the line.
        var prevOffset: Int
    }

    /// A scanned value: where its content lies (inside the quotes for strings) and what it is.
    struct Value {
        enum Kind { case string, number, strings }
        var range: Range<Int>
        var kind: Kind
    }

    /// Payload fields as byte ranges of the line, filed by name and read on demand.
    struct RawPayload: PayloadSource {
        let bytes: UnsafeRawBufferPointer
        /// The fields present, as `FieldName.bit`s.
        var present: UInt32 = 0
        /// By `FieldName.rawValue`; initialised where `present` has the bit, read nowhere else.
        let slots: UnsafeMutablePointer<Value>
        /// The `on` and `period` of the lines read before, when many are (nil: none kept).
        let dates: UnsafeMutablePointer<RecentDates>?

        init(
            bytes: UnsafeRawBufferPointer,
            slots: UnsafeMutablePointer<Value>,
            dates: UnsafeMutablePointer<RecentDates>? = nil
        ) {
            self.bytes = bytes
            self.slots = slots
            self.dates = dates
        }

        func has(_ key: FieldName) -> Bool { present & key.bit != 0 }

        @inline(__always)
        func value(_ key: FieldName, _ kind: Value.Kind) -> Range<Int>? {
            guard has(key), slots[key.rawValue].kind == kind else { return nil }
            return slots[key.rawValue].range
        }
        func text(_ key: FieldName) -> String? {
            guard let range = value(key, .string), isText(bytes.slice(range)) else { return nil }
            return String(decoding: bytes.slice(range), as: UTF8.self)
        }
        func company(_ key: FieldName) -> CompanyID? {
            value(key, .string).flatMap { CompanyID(utf8: bytes.slice($0)) }
        }
        func day(_ key: FieldName) -> Day? {
            guard let range = value(key, .string) else { return nil }
            guard key == .on, let dates else { return Day(utf8: bytes.slice(range)) }
            return dates.pointee.on.value(of: bytes.slice(range), Day.init(utf8:))
        }
        func period(_ key: FieldName) -> Period? {
            guard let range = value(key, .string) else { return nil }
            guard let dates else { return Period(utf8: bytes.slice(range)) }
            return dates.pointee.period.value(of: bytes.slice(range), Period.init(utf8:))
        }
        /// Amounts in stored form only: above 0, exactly two decimals.
        func cents(_ key: FieldName) -> Cents? {
            guard let range = value(key, .string), range.count >= 4, bytes[range.upperBound - 3] == UInt8(ascii: "."),
                let cents = Cents.parse(utf8: bytes.slice(range)), cents > Cents(0)
            else { return nil }
            return cents
        }
        func integer(_ key: FieldName) -> Int? {
            value(key, .number).flatMap { $0.count <= 18 ? Day.digits(bytes, $0) : nil }
        }
        func texts(_ key: FieldName) -> [String]? {
            items(key) { isText($0) ? String(decoding: $0, as: UTF8.self) : nil }
        }
        func companies(_ key: FieldName) -> [CompanyID]? { items(key) { CompanyID(utf8: $0) } }
        /// Compared where the bytes lie: a string made of them, only to be matched against a
        /// handful of words, was 3% of decoding.
        func word<Word: CaseIterable & RawRepresentable<String>>(_ key: FieldName) -> Word? {
            guard let range = value(key, .string) else { return nil }
            let field = bytes.slice(range)
            return Word.allCases.first { word in
                var raw = word.rawValue
                return raw.withUTF8 { $0.count == field.count && $0.elementsEqual(field) }
            }
        }

        /// A list's items, each read from its bytes by `read`; nil if any is nil.
        func items<Item>(_ key: FieldName, _ read: (UnsafeRawBufferPointer) -> Item?) -> [Item]? {
            guard let range = value(key, .strings) else { return nil }
            // The list was checked by the scanner: quoted strings without escapes, comma-separated.
            var result: [Item] = []
            var i = range.lowerBound
            while i < range.upperBound {
                guard bytes[i] == UInt8(ascii: "\"") else {
                    i += 1
                    continue
                }
                var end = i + 1
                while bytes[end] != UInt8(ascii: "\"") { end += 1 }
                guard let item = read(bytes.slice((i + 1)..<end)) else { return nil }
                result.append(item)
                i = end + 1
            }
            return result
        }
    }

    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        var isAtEnd: Bool { index == bytes.count }

        /// Whether a line end (not taken) follows.
        var isAtLineEnd: Bool { index < bytes.count && bytes[index] == UInt8(ascii: "\n") }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// The range inside the quotes of a string with no escapes or control characters.
        mutating func plainString() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            // Eight bytes at a time: the lowest byte flagged in a word is exactly the first quote,
            // backslash or control character (a flag above it may be false), so the string ends
            // there if it is a quote, and is not plain otherwise.
            while index + 8 <= bytes.count {
                let flags = Scanner.stringEnds(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if flags == 0 {
                    index += 8
                    continue
                }
                index += flags.trailingZeroBitCount / 8
                guard bytes[index] == UInt8(ascii: "\"") else { return nil }
                index += 1
                return start..<(index - 1)
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return start..<(index - 1)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        /// The high bits of eight bytes (loaded from memory) that may be a quote, a backslash or a
        /// control character (SWAR): none is set unless one of the eight is one, and the lowest
        /// in memory order is set exactly at the first (a borrow only carries upward).
        static func stringEnds(_ word: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            func zeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
            // In memory order, lowest byte first, whatever the machine's.
            let word = UInt64(littleEndian: word)
            let quote = zeroByte(word ^ (ones &* 0x22))
            let backslash = zeroByte(word ^ (ones &* 0x5C))
            let control = (word &- ones &* 0x20) & ~word & highs
            return quote | backslash | control
        }

        /// The envelope fields as the ledger writes them: `"seq":N,"type":"T","v":1,"id":"…",
        /// "recorded":"…","by":"…","prev":"…"` in that order, each checked as the general loop checks
        /// it, read without looking up a key or scanning a fixed-length string for its quote.
        /// Nil, with nothing taken, when the line is in any other form: the general loop reads it.
        mutating func envelope(recent: inout RecentValues) -> Envelope? {
            let start = index
            if let envelope = fixedEnvelope(recent: &recent) { return envelope }
            index = start
            return nil
        }

        private mutating func fixedEnvelope(recent: inout RecentValues) -> Envelope? {
            guard take(#""seq":"#), let seq = value(), seq.kind == .number, seq.range.count <= 18,
                let seqValue = Day.digits(bytes, seq.range), take(#","type":""#), let eventType = typeName(),
                take(#","v":1,"id":"#), let id = fixedString(36).flatMap({ recent.id(at: $0, in: bytes) }),
                take(#","recorded":"#), let recorded = fixedString(24),
                let instant = recent.instant(at: recorded, in: bytes), take(#","by":"#), byText(recent: &recent),
                take(#","prev":"#), let prev = fixedString(64), isLowercaseHex64(bytes.slice(prev))
            else { return nil }
            return Envelope(seq: seqValue, type: eventType, id: id, recorded: instant, prevOffset: prev.lowerBound)
        }

        /// The company of a line in the ledger's own form, where the ledger writes it: after the
        /// envelope, which `fixedEnvelope` reads, as the payload's first field. Each envelope
        /// field is found where it must be, its value's form unchecked but for its quotes (the
        /// bytes of the id, the instant and the digest are not even looked at): a line whose
        /// values are not of their form is refused by the decoders. Nil, with the index anywhere, for a line
        /// in any other form, or without a company there.
        mutating func leadingCompany() -> Range<Int>? {
            guard take(UInt8(ascii: "{")), take(#""seq":"#), skip(while: { $0 &- 0x30 < 10 }) > 0,
                take(#","type":""#), skip(while: { ($0 | 0x20) &- 0x61 < 26 }) > 0, take(#"","v":1,"id":""#),
                skip(36), take(#"","recorded":""#), skip(24), take(#"","by":"#), plainString() != nil,
                take(#","prev":"#), fixedString(64) != nil, take(#","company":"#)
            else { return nil }
            return plainString()
        }

        /// Takes the bytes that `inside` holds for: how many.
        @inline(__always)
        private mutating func skip(while inside: (UInt8) -> Bool) -> Int {
            let start = index
            while index < bytes.count, inside(bytes[index]) { index += 1 }
            return index - start
        }

        /// Takes `count` bytes, whatever they are: false when fewer are left.
        @inline(__always)
        private mutating func skip(_ count: Int) -> Bool {
            guard index + count <= bytes.count else { return false }
            index += count
            return true
        }

        /// The event type whose name and closing quote are next (the opening quote taken).
        private mutating func typeName() -> EventType? {
            guard let (type, length) = EventType.named(at: index, in: bytes, followedBy: UInt8(ascii: "\""))
            else { return nil }
            index += length + 1
            return type
        }

        /// Takes the `by` string, quotes and all, as `plainString` does: the same bytes as the
        /// line before's, compared a word at a time, or a text (`isText`), then kept.
        private mutating func byText(recent: inout RecentValues) -> Bool {
            let quote = UInt8(ascii: "\"")
            if let last = recent.by, index < bytes.count, bytes[index] == quote,
                last.isAt(index + 1, in: bytes, followedBy: quote)
            {
                index += last.count + 2
                return true
            }
            guard let by = plainString(), isText(bytes.slice(by)) else { return false }
            recent.by = ShortBytes(bytes.slice(by))
            return true
        }

        /// The `count` bytes inside quotes, unchecked: the caller's check of their form excludes a
        /// quote, a backslash or a control character among them.
        mutating func fixedString(_ count: Int) -> Range<Int>? {
            guard index + count + 1 < bytes.count, bytes[index] == UInt8(ascii: "\""),
                bytes[index + count + 1] == UInt8(ascii: "\"")
            else { return nil }
            index += count + 2
            return (index - count - 1)..<(index - 1)
        }

        /// Takes `text` if the bytes at the index are exactly it.
        @inline(__always)
        private mutating func take(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let here = bytes.baseAddress! + index
            let literal = UnsafeRawPointer(text.utf8Start)
            if count >= 8 && count <= 16 {
                // Two words, overlapping when shorter than 16 bytes.
                func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
                    p.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                }
                guard word(here, 0) == word(literal, 0), word(here, count - 8) == word(literal, count - 8) else {
                    return false
                }
            } else {
                for i in 0..<count
                where here.load(fromByteOffset: i, as: UInt8.self) != literal.load(fromByteOffset: i, as: UInt8.self) {
                    return false
                }
            }
            index += count
            return true
        }

        mutating func value() -> Value? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return plainString().map { Value(range: $0, kind: .string) }
            case UInt8(ascii: "["):
                let start = index
                index += 1
                if take(UInt8(ascii: "]")) { return Value(range: start..<index, kind: .strings) }
                repeat {
                    guard plainString() != nil else { return nil }
                } while take(UInt8(ascii: ","))
                return take(UInt8(ascii: "]")) ? Value(range: start..<index, kind: .strings) : nil
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    index += 1
                }
                // No leading zeros, as JSON has none.
                if index - start > 1 && bytes[start] == UInt8(ascii: "0") { return nil }
                return Value(range: start..<index, kind: .number)
            default:
                return nil
            }
        }
    }
}

/// The line decoders' reads of a line's bytes (the stored lines' and the input lines').
extension UnsafeRawBufferPointer {
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[range])
    }
    fileprivate func count(_ range: Range<Int>) -> Int { range.count }
    /// Whether the bytes in `range` are exactly `text`.
    func matches(_ range: Range<Int>, _ text: StaticString) -> Bool {
        range.count == text.utf8CodeUnitCount
            && UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount).elementsEqual(slice(range))
    }
}
