import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@Suite struct StoredLineDecoderTests {
    /// Stored lines of several types, in the ledger's own form.
    static let storedLines = [
        #"{"seq":12,"type":"FeeRequested","v":1,"id":"e54c628c-6e8b-420e-9c92-159710f6b70f","recorded":"2024-03-31T04:00:00.000Z","by":"board","prev":"bc2e9172357d714d0ea5b48bbbb2ddc10bb697f23ecafd964820f6e8af6181d8","company":"HK1","on":"2024-04-01","period":"2024-25"}"#,
        #"{"seq":3,"type":"MemberResigned","v":1,"id":"98fd0c3b-efaf-4ab2-a004-ee01c56ff114","recorded":"2024-03-31T04:00:00.000Z","by":"a","prev":"9813874fa1663590a4f3a222cf42cc3bb18097c8f75ec3e156bc2f570775d33e","company":"HK2","on":"2024-04-01"}"#,
        // An optional field left out between two given (note), and one at the end (period).
        #"{"seq":7,"type":"DelayExcused","v":1,"id":"98fd0c3b-efaf-4ab2-a004-ee01c56ff114","recorded":"2024-03-31T04:00:00.000Z","by":"a","prev":"9813874fa1663590a4f3a222cf42cc3bb18097c8f75ec3e156bc2f570775d33e","company":"HK2","on":"2024-04-01","period":"2024-25","cause":"other","until":"2024-06-30"}"#,
        // Words of a vocabulary (sector, class) and a text of more than eight bytes (name).
        #"{"seq":9,"type":"ApplicationFiled","v":1,"id":"98fd0c3b-efaf-4ab2-a004-ee01c56ff114","recorded":"2024-03-31T04:00:00.000Z","by":"a","prev":"9813874fa1663590a4f3a222cf42cc3bb18097c8f75ec3e156bc2f570775d33e","company":"HK2","on":"2024-04-01","name":"HK2 Co Ltd","brNumber":"10002150","brExpiresOn":"2025-06-02","sector":"manufacturing","employeesInHK":65,"class":"affiliate"}"#,
        #"{"seq":8,"type":"FeePaid","v":1,"id":"98fd0c3b-efaf-4ab2-a004-ee01c56ff114","recorded":"2024-03-31T04:00:00.000Z","by":"a","prev":"9813874fa1663590a4f3a222cf42cc3bb18097c8f75ec3e156bc2f570775d33e","company":"HK2","on":"2024-04-01","amount":"12.50","reference":"R1"}"#,
    ]

    @Test("the replay decoder reads every stored line as the general decoder does", arguments: [2, 19, 31] as [UInt64])
    func agreesWithGeneralDecoder(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let generated = RandomHistory.generate(seed: seed, attempts: 250)
            for event in generated {
                try append([event.json], to: directory, at: event.recorded.description)
            }
            let later = Instant(milliseconds: generated.last!.recorded.milliseconds + 86_400_000)
            // A name with quotes and non-ASCII text, which the fast decoder leaves to the general one.
            try append(
                [EventJSON.filed("Q", on: "2023-01-01", name: "Q \"Quality\" 品質 Ltd")],
                to: directory,
                at: later.description
            )
            var fastCount = 0
            for record in try LedgerHistory.storedRecords(directory) {
                let general = LoggedEvent(
                    seq: record.seq,
                    recorded: record.recorded,
                    id: EventID(stored: record.id)!,
                    event: record.event
                )
                let fast = record.line.withUnsafeBytes { StoredLineDecoder.decode($0) }
                if let fast {
                    #expect(fast == general, "seed \(seed), seq \(record.seq)")
                    fastCount += 1
                }
                #expect(try record.line.withUnsafeBytes { try LedgerHistory.decode($0) } == general)
            }
            let records = try LedgerHistory.storedRecords(directory)
            #expect(fastCount == records.count - 1, "only the line with escapes takes the general path")
            // A load reads each line from where it begins, the one with escapes by the general decoder.
            let loaded = try LedgerHistory.load(directory)
            #expect(loaded.events.map(\.seq) == records.map(\.seq))
            #expect(loaded.events.map(\.event) == records.map(\.event))
        }
    }

    @Test(
        "a stored line changed at any byte is read as the general decoder reads it, or left to it; the same after the unchanged line (R2, R3, R4: its recorded instant, date and membership year read again, not taken from the line before)"
    )
    func changedAnywhere() throws {
        let lines = StoredLineDecoderTests.storedLines
        for line in lines.map({ Array($0.utf8) }) {
            #expect(line.withUnsafeBytes { StoredLineDecoder.decode($0) } != nil)
            // A decoder that has just read the unchanged line, as the lines of a commit are read.
            var afterLine = StoredLineDecoder.RecentValues()
            var prevOffset = 0
            _ = line.withUnsafeBytes { StoredLineDecoder.decode($0, prevOffset: &prevOffset, recent: &afterLine) }
            var fastCount = 0
            for bytes in byteMutations(of: line) {
                let alone = bytes.withUnsafeBytes { StoredLineDecoder.decode($0) }
                var recent = afterLine
                let next = bytes.withUnsafeBytes {
                    StoredLineDecoder.decode($0, prevOffset: &prevOffset, recent: &recent)
                }
                #expect(next == alone, "\(String(decoding: bytes, as: UTF8.self))")
                guard let fast = alone else { continue }
                fastCount += 1
                let general = try #require(
                    try? StoredRecord.decode(line: bytes),
                    "\(String(decoding: bytes, as: UTF8.self))"
                )
                #expect(
                    general.seq == fast.seq && general.recorded == fast.recorded
                        && general.id == fast.id.description && general.event == fast.event,
                    "\(String(decoding: bytes, as: UTF8.self))"
                )
            }
            // Digits changed in the id, prev, seq or dates still read (so the check above was reached).
            #expect(fastCount > 100)
        }
    }

    @Test(
        "a line read from where it begins, among others, is read as the line alone, and ends at its first line end; a line end anywhere or a byte after the last brace is found"
    )
    func readFromWhereItBegins() throws {
        for line in StoredLineDecoderTests.storedLines.map({ Array($0.utf8) }) {
            var inputs = [line, line + [0x20], line + [0x7D], Array(line.dropLast())]
            for position in line.indices {
                inputs.append(Array(line[..<position] + [0x0A] + line[(position + 1)...]))
                inputs.append(Array(line[..<position] + [0x0A] + line[position...]))
            }
            for input in inputs {
                let buffer = input + [0x0A] + line + [0x0A]
                let firstLine = Array(buffer[..<buffer.firstIndex(of: 0x0A)!])
                let alone = firstLine.withUnsafeBytes { StoredLineDecoder.decode($0) }
                var length = -1
                var recent = StoredLineDecoder.RecentValues()
                let leading = buffer.withUnsafeBytes {
                    StoredLineDecoder.decode(leading: $0, length: &length, recent: &recent)
                }
                #expect(leading == alone, "\(String(decoding: input, as: UTF8.self))")
                if leading != nil { #expect(length == firstLine.count) }
            }
            // The last line of a piece, with nothing after its line end, or no line end at all.
            var length = -1
            var recent = StoredLineDecoder.RecentValues()
            #expect(
                (line + [0x0A]).withUnsafeBytes {
                    StoredLineDecoder.decode(leading: $0, length: &length, recent: &recent)
                } != nil
            )
            #expect(length == line.count)
            #expect(
                line.withUnsafeBytes { StoredLineDecoder.decode(leading: $0, length: &length, recent: &recent) } == nil
            )
        }
    }

    @Test("a document list, a reversal's reason or an excusal's note equal to the one read before shares its storage")
    func repeatsShared() throws {
        let envelope =
            #""v":1,"id":"98fd0c3b-efaf-4ab2-a004-ee01c56ff114","recorded":"2024-03-31T04:00:00.000Z","by":"a","prev":"9813874fa1663590a4f3a222cf42cc3bb18097c8f75ec3e156bc2f570775d33e""#
        func documents(_ seq: Int, _ list: String) -> String {
            #"{"seq":\#(seq),"type":"DocumentsSubmitted",\#(envelope),"company":"HK\#(seq)","on":"2024-04-01","documents":\#(list)}"#
        }
        func reversal(_ seq: Int, _ reason: String) -> String {
            #"{"seq":\#(seq),"type":"EventReversed",\#(envelope),"on":"2024-04-01","reverses":1,"reason":"\#(reason)"}"#
        }
        func excusal(_ seq: Int, _ note: String) -> String {
            #"{"seq":\#(seq),"type":"DelayExcused",\#(envelope),"company":"HK1","on":"2024-04-01","period":"2024-25","cause":"other","note":"\#(note)"}"#
        }
        let lines = [
            documents(1, #"["br-certificate","csr-report"]"#), documents(2, #"["br-certificate","csr-report"]"#),
            documents(3, #"["br-certificate"]"#), documents(4, #"["br-certificate","csr-report"]"#),
            reversal(5, "amount entered wrongly"), reversal(6, "amount entered wrongly"),
            reversal(7, "typed twice, in error"),
            excusal(8, "director overseas on business"), excusal(9, "director overseas on business"),
        ]
        var recent = StoredLineDecoder.RecentValues()
        var prevOffset = 0
        var events: [Event] = []
        for line in lines {
            let bytes = Array(line.utf8)
            let fast = try #require(
                bytes.withUnsafeBytes { StoredLineDecoder.decode($0, prevOffset: &prevOffset, recent: &recent) },
                "\(line)"
            )
            #expect(fast.event == (try StoredRecord.decode(line: bytes)).event, "\(line)")
            events.append(fast.event)
        }
        // Where a list's elements, or a (long) text's bytes, lie.
        func storage(_ event: Event) -> UnsafeRawPointer? {
            switch event.body {
            case .documentsSubmitted(let list): return list.withUnsafeBytes { $0.baseAddress }
            case .eventReversed(_, let text), .delayExcused(_, _, let text?, _):
                return text.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
            default: return nil
            }
        }
        let places = events.map(storage)
        #expect(places.allSatisfy { $0 != nil })
        #expect(places[0] == places[1] && places[4] == places[5] && places[7] == places[8])
        // Another value in between: read again, not shared with the earlier one.
        #expect(places[2] != places[1] && places[3] != places[1] && places[6] != places[5])
    }

    @Test(
        "a seq from 1 to 4,294,967,295 is read, in either envelope form; 0 and one beyond are refused by both decoders"
    )
    func seqRange() throws {
        func line(_ seq: String, envelopeFirst: Bool = true) -> [UInt8] {
            let seq = #""seq":\#(seq)"#
            let envelope =
                #""type":"MemberResigned","v":1,"id":"98fd0c3b-efaf-4ab2-a004-ee01c56ff114","recorded":"2024-03-31T04:00:00.000Z","by":"a","prev":"9813874fa1663590a4f3a222cf42cc3bb18097c8f75ec3e156bc2f570775d33e""#
            let payload = #""company":"HK2","on":"2024-04-01""#
            // The ledger's own order (the fast path), or the seq last (the general loop).
            let fields = envelopeFirst ? [seq, envelope, payload] : [envelope, payload, seq]
            return Array(("{" + fields.joined(separator: ",") + "}").utf8)
        }
        #expect(SequencedEvent.maxSeq == 4_294_967_295)
        for envelopeFirst in [true, false] {
            let last = line("4294967295", envelopeFirst: envelopeFirst)
            let fast = try #require(last.withUnsafeBytes { StoredLineDecoder.decode($0) })
            #expect(fast.seq == SequencedEvent.maxSeq && fast.sequenced.seq == SequencedEvent.maxSeq)
            #expect(try StoredRecord.decode(line: last).sequenced.seq == SequencedEvent.maxSeq)
            for seq in ["4294967296", "9999999999", "0"] {
                let bytes = line(seq, envelopeFirst: envelopeFirst)
                #expect(bytes.withUnsafeBytes { StoredLineDecoder.decode($0) } == nil, "\(seq)")
                #expect(throws: InputError.self, "\(seq)") { try StoredRecord.decode(line: bytes) }
            }
        }
    }

    @Test(
        "lines not in the ledger's own form are left to the general decoder",
        arguments: [
            #"{"seq":1,"type":"MemberResigned","v":1,"id":"x","recorded":"2024-01-01T00:00:00.000Z","by":"a","prev":"0","company":"A","on":"2024-01-01","extra":"1"}"#,
            #"{"seq":1,"type":"MemberResigned","v":2,"id":"x","recorded":"2024-01-01T00:00:00.000Z","by":"a","prev":"0","company":"A","on":"2024-01-01"}"#,
            #"{"seq":1,"type":"MemberResigned","v":1,"id":"x","recorded":"2024-01-01T00:00:00.000Z","company":"A","on":"2025-02-29"}"#,
            #"{"seq":1,"type":"MemberResigned","v":1,"id":"x","recorded":"2024-01-01T00:00:00.000Z","company":"A","on":"2024-01-01"} "#,
            #"{"seq":1, "type":"MemberResigned"}"#,
        ]
    )
    func refusesOtherForms(line: String) {
        #expect(Array(line.utf8).withUnsafeBytes { StoredLineDecoder.decode($0) } == nil)
    }

    @Test(
        "the company read ahead of a line (a rebuild by ranges of companies) is the one the decoders read, whatever byte is changed, or none is read"
    )
    func companyReadAhead() throws {
        for text in StoredLineDecoderTests.storedLines {
            let line = Array(text.utf8)
            let read = try #require(line.withUnsafeBytes { StoredLineDecoder.companyBytes(leading: $0) })
            let decoded = try #require(line.withUnsafeBytes { StoredLineDecoder.decode($0) })
            #expect(String(decoding: line[read], as: UTF8.self) == decoded.event.company?.rawValue)
            // Read from where a line begins, with the lines after it.
            let lines = line + Array("\n".utf8) + line
            #expect(lines.withUnsafeBytes { StoredLineDecoder.companyBytes(leading: $0) } == read)
            for bytes in byteMutations(of: line) {
                guard let ahead = bytes.withUnsafeBytes({ StoredLineDecoder.companyBytes(leading: $0) }),
                    let record = try? StoredRecord.decode(line: bytes)
                else { continue }
                #expect(
                    String(decoding: bytes[ahead], as: UTF8.self) == record.event.company?.rawValue,
                    "\(String(decoding: bytes, as: UTF8.self))"
                )
            }
        }
        // Events of everyone's have no company to read ahead.
        let schedule =
            #"{"seq":1,"type":"FeeScheduleSet","v":1,"id":"98fd0c3b-efaf-4ab2-a004-ee01c56ff114","recorded":"2024-03-31T04:00:00.000Z","by":"a","prev":"0000000000000000000000000000000000000000000000000000000000000000","on":"2024-04-01","full":"2000.00","affiliate":"1000.00"}"#
        #expect(Array(schedule.utf8).withUnsafeBytes { StoredLineDecoder.companyBytes(leading: $0) } == nil)
    }
}
