import LedgerTestSupport
import Testing

@testable import LedgerCore

/// The pieces the replay decoder is built from, each against the plain way of doing the same.
@Suite struct ReplayDecoderPartsTests {
    @Test("every payload field is found by its name, and no other name finds one")
    func fieldNames() {
        // RawPayload keeps a slot per field: its capacity must cover them all.
        #expect(FieldName.allCases.count <= 22)
        #expect(FieldName.count == FieldName.allCases.count)
        #expect(FieldName.allCases.last == .reverses)
        for field in FieldName.allCases {
            let found = Array(field.key.utf8).withUnsafeBytes { FieldName.named($0) }
            #expect(found == field)
        }
        // Envelope keys, near misses of every length a field has, and other lengths.
        let others = [
            "", "v", "id", "by", "seq", "type", "prev", "recorded", "Company", "companyX", "onn", "employeesInHk",
            "ox", "fool", "nome", "clasp", "untie", "rounds", "sectors", "brNumbeR", "included.", "documentz",
            "brExpiresOx", "recommendex", "employeesInHX", "xxxxxx", "xxxxxxxx", "xxxxxxxxx",
            String(repeating: "a", count: 40),
        ]
        for other in others {
            #expect(Array(other.utf8).withUnsafeBytes { FieldName.named($0) } == nil)
        }
        #expect(Set(FieldName.allCases.map(\.bit)).count == FieldName.allCases.count)
    }

    @Test("runs of 4 to 24 bytes are equal as words exactly when their bytes are: every length, any byte changed")
    func shortBytes() {
        var rng = SystemRandomNumberGenerator()
        for length in 0...30 {
            let run = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let words = run.withUnsafeBytes { ShortBytes($0) }
            #expect((words == nil) == !(4...24).contains(length), "length \(length)")
            guard let words else { continue }
            #expect(run.withUnsafeBytes { ShortBytes($0) } == words)
            for i in run.indices {
                var changed = run
                changed[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                #expect(changed.withUnsafeBytes { ShortBytes($0) } != words, "length \(length), byte \(i)")
            }
            // Found where they lie only when the byte after them is the one asked for.
            let line = [0x7B] + run + [0x22, 0x2C]
            line.withUnsafeBytes { line in
                #expect(words.isAt(1, in: line, followedBy: 0x22))
                #expect(!words.isAt(1, in: line, followedBy: 0x2C))
                #expect(!words.isAt(0, in: line, followedBy: 0x22))
                #expect(!words.isAt(1, in: UnsafeRawBufferPointer(rebasing: line[..<(length + 1)]), followedBy: 0x22))
            }
        }
    }

    @Test("every type is found by its name, and no other bytes find one: a byte changed, left out or added")
    func typeNames() {
        for type in EventType.allCases {
            let name = Array(type.rawValue.utf8)
            #expect(name.withUnsafeBytes { EventType(utf8: $0) } == type)
            var others = [Array(name.dropLast()), Array(name.dropFirst()), name + [0x64], [0x46] + name]
            for i in name.indices {
                var changed = name
                changed[i] ^= 0x20
                others.append(changed)
                others.append(Array(name[..<i] + name[(i + 1)...]))
            }
            for other in others where other != name {
                #expect(
                    other.withUnsafeBytes { EventType(utf8: $0) } == nil,
                    "\(String(decoding: other, as: UTF8.self))"
                )
            }
        }
        for other in ["", "Fee", "FeeP", "FeePai", "FeePaidFeePaid", "feepaid"] {
            #expect(Array(other.utf8).withUnsafeBytes { EventType(utf8: $0) } == nil)
        }
    }

    @Test("a type's place, which its field tables are read by, is its place in allCases")
    func typeOrdinals() {
        #expect(EventType.allCases.map(\.ordinal) == Array(EventType.allCases.indices))
    }

    @Test("eight hex digits at a time are checked and read as one digit at a time reads them")
    func hexWords() {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        let near = Array("/:`g@AFG\u{7F}".utf8) + [0x00, 0x80, 0xB0, 0xE1, 0xFF]
        for _ in 0..<20_000 {
            var bytes = (0..<8).map { _ in digits.randomElement(using: &generator)! }
            // None, one or several bytes that are not lowercase digits, near the ranges or anywhere.
            for _ in 0..<Int.random(in: 0...2, using: &generator) {
                let any = UInt8.random(in: 0...255, using: &generator)
                bytes[Int.random(in: 0..<8, using: &generator)] =
                    Bool.random(using: &generator) ? any : near.randomElement(using: &generator)!
            }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let plain = bytes.allSatisfy { digits.contains($0) }
            #expect((HexWord.notDigits(word) == 0) == plain, "\(bytes)")
            if plain {
                let value = bytes.reduce(UInt32(0)) { $0 << 4 | UInt32(digits.firstIndex(of: $1)!) }
                #expect(HexWord.value(word) == value, "\(bytes)")
            }
        }
    }

    @Test(
        "the eight-bytes-at-a-time test flags a word exactly when a byte is a quote, a backslash or a control character, lowest at the first"
    )
    func stringScanWords() {
        var generator = SystemRandomNumberGenerator()
        let special: [UInt8] = [0x22, 0x5C, 0x00, 0x0A, 0x1F]
        let plain: [UInt8] = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xA0, 0xC3, 0xFF, 0x41]
        for _ in 0..<20_000 {
            var bytes = (0..<8).map { _ in plain.randomElement(using: &generator)! }
            // None, one or several special bytes, and sometimes any byte at all.
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                bytes[Int.random(in: 0..<8, using: &generator)] = special.randomElement(using: &generator)!
            }
            if Int.random(in: 0..<4, using: &generator) == 0 {
                bytes[Int.random(in: 0..<8, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let first = bytes.firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }
            let flags = StoredLineDecoder.Scanner.stringEnds(word)
            #expect((flags != 0) == (first != nil), "\(bytes)")
            if let first { #expect(flags.trailingZeroBitCount / 8 == first, "\(bytes)") }
        }
    }

    @Test("texts are printable ASCII, eight bytes at a time, exactly when every byte is 0x20 to 0x7E, at any length")
    func printableWords() {
        var generator = SystemRandomNumberGenerator()
        // Either side of both ends of the range, and any byte.
        let near: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x7D, 0x7E, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...40, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }
            for _ in 0..<Int.random(in: 0...2, using: &generator) where count > 0 {
                bytes[Int.random(in: 0..<count, using: &generator)] =
                    Bool.random(using: &generator)
                    ? near.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
            }
            let plain = bytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
            #expect(bytes.withUnsafeBytes { PrintableASCII.contains(only: $0) } == plain, "\(bytes)")
        }
    }
}

/// Company ids as EVENTS.md's pattern has them.
@Suite struct CompanyIDPatternTests {
    @Test("a company id matches EVENTS.md's pattern, byte by byte, first or later, 1 to 64 bytes long")
    func pattern() throws {
        let regex = try Regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
        for byte in UInt8.min...UInt8.max {
            for bytes in [[byte], [UInt8(ascii: "a"), byte], [UInt8(ascii: "Z"), byte, UInt8(ascii: "9")]] {
                let text = String(decoding: bytes, as: UTF8.self)
                // Bytes that are not UTF-8 by themselves match nothing; as text they are U+FFFD.
                let expected = byte < 128 && text.wholeMatch(of: regex) != nil
                let read = bytes.withUnsafeBytes { CompanyID(utf8: $0) }
                #expect((read != nil) == expected, "\(bytes)")
                #expect(read.map(\.rawValue) == (expected ? text : nil))
                #expect((CompanyID(text) != nil) == expected, "\(bytes)")
            }
        }
        for length in [0, 1, 63, 64, 65] {
            let text = String(repeating: "x", count: length)
            #expect((CompanyID(text) != nil) == (1...64).contains(length))
        }
    }
}

/// Ids the ledger gives events that came without one (version 7), and random ones as clients
/// bring (version 4, made by the tests' support).
@Suite struct EventIDTests {
    @Test("new ids are version 7: the recorded millisecond, then a counter up by one, carried into the upper bits")
    func timeOrderedLayout() throws {
        let recorded = Instant("2024-12-31T02:00:00.123Z")!
        let ids = EventID.timeOrdered(count: 4, recorded: recorded, start: (0x5, 1 << 62 - 2))
        let fields = ids.map(EventIDFields.init)
        #expect(fields.allSatisfy { $0.version == 7 && $0.variant == 2 })
        #expect(fields.allSatisfy { $0.milliseconds == UInt64(recorded.milliseconds) })
        #expect(fields.map(\.counter.upper) == [5, 5, 6, 6])
        #expect(fields.map(\.counter.lower) == [1 << 62 - 2, 1 << 62 - 1, 0, 1])
        // The stored form says the same, and reads back.
        #expect(ids[0].description.hasPrefix("01941a70-fd7b-7005-bfff-ffff"))
        #expect(ids.map { EventID(stored: $0.description) } == ids)
        // A counter's top bit starts clear; instants out of the 48 bits' range are clamped.
        let highest = EventID.timeOrdered(count: 1, recorded: recorded, start: (.max, 0))[0]
        #expect(EventIDFields(highest).counter.upper == 0x7FF)
        #expect(EventIDFields(EventID.timeOrdered(count: 1, recorded: Instant(milliseconds: -5))[0]).milliseconds == 0)
    }

    @Test("random ids are version-4 UUIDs in the stored form, and do not repeat")
    func randomIDs() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = EventID.random().description
            #expect(EventCodec.normalisedUUID(id) == id)
            let bytes = Array(id.utf8)
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]))
            #expect(EventID(stored: id)?.description == id)
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
        for bad in [
            "", "C57C669A-E44F-4167-B520-AB33AD5BCB65", "c57c669a-e44f-4167-b520-ab33ad5bcb6",
            "c57c669ae44f-4167-b520-ab33ad5bcb65-",
            "g57c669a-e44f-4167-b520-ab33ad5bcb65",
        ] {
            #expect(EventID(stored: bad) == nil, "\(bad)")
        }
        #expect(EventID(stored: "00000000-0000-0000-0000-000000000001") == EventID(high: 0, low: 1))
    }
}
