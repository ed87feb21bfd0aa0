import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// The batch path's input decoder against the general one (`JSONParser` then
/// `EventCodec.decodeInput`): whatever it reads, the general decoder reads the same; whatever
/// the general one refuses, it leaves to it (so the refusal, and its message, is the general one's).
@Suite struct InputLineDecoderTests {
    /// The general decoder's reading, nil when it refuses the line.
    func general(_ bytes: [UInt8]) -> EventInput? {
        try? EventCodec.decodeInput(JSONParser.parse(bytes[...]))
    }

    func fast(_ bytes: [UInt8]) -> EventInput? { bytes.withUnsafeBytes { InputLineDecoder.decode($0) } }

    /// An input in the compact form a program writes: its stored payload, with its id when it has one.
    func compact(_ input: EventInput) -> String {
        var members = input.payload.members.map { (key: $0.key, value: $0.value) }
        if let id = input.id { members.insert((key: "id", value: .string(id)), at: 1) }
        return JSONWriter.string(.object(members))
    }

    @Test(
        "every event of random histories (R1-R26), in the compact form, is read as the general decoder reads it",
        arguments: [3, 23, 41] as [UInt64]
    )
    func randomHistories(seed: UInt64) throws {
        let generated = RandomHistory.generate(seed: seed, attempts: 300, validOnly: false)
        var read = 0
        for (k, event) in generated.enumerated() {
            let written = Array(event.json.utf8)
            // As the tests write it (amounts as "2000", some with escapes): read the same, or left.
            if let fast = fast(written) {
                #expect(fast == general(written), "\(event.json)")
            }
            let input = try #require(general(written), "\(event.json)")
            var stored = input
            // Every other line with an id, as a program that retries would send.
            if k % 2 == 0 { stored.id = EventID.random().description }
            let line = compact(stored)
            let bytes = Array(line.utf8)
            let reading = try #require(fast(bytes), "\(line)")
            #expect(reading == general(bytes), "\(line)")
            #expect(reading == stored, "\(line)")
            read += 1
        }
        #expect(read > 100)
    }

    @Test("an input line changed at any byte is read as the general decoder reads it, or left to it")
    func changedAnywhere() throws {
        let lines = [
            #"{"type":"FeePaid","id":"98fd0c3b-efaf-4ab2-a004-ee01c56ff114","company":"HK2","on":"2024-04-01","amount":"12.50","reference":"R1","period":"2024-25"}"#,
            #"{"type":"ApplicationFiled","v":1,"company":"HK0002150","on":"2006-04-01","name":"HK0002150 Company Limited","brNumber":"10002150","brExpiresOn":"2007-06-02","sector":"manufacturing","employeesInHK":65,"class":"affiliate"}"#,
            #"{"on":"2024-04-01","type":"DocumentsSubmitted","company":"A-1","documents":["BR copy","SME form"]}"#,
            #"{"type":"IndexRoundRecorded","on":"2024-04-01","round":"2024 H1","included":["A","B.2"]}"#,
            #"{"type":"EventReversed","on":"2024-04-01","reverses":12,"reason":"typed twice"}"#,
            #"{"type":"FeeRequested","company":"HK1","on":"2024-04-01","period":"2024-25"}"#,
            #"{"type":"DelayExcused","company":"HK2","on":"2024-04-01","period":"2024-25","cause":"other","note":"fire","until":"2024-06-30"}"#,
        ]
        for line in lines.map({ Array($0.utf8) }) {
            #expect(fast(line) != nil && fast(line) == general(line), "\(String(decoding: line, as: UTF8.self))")
            var read = 0
            for bytes in byteMutations(of: line) {
                guard let fast = fast(bytes) else { continue }
                read += 1
                #expect(fast == general(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            }
            // Digits and letters changed in values still read (so the check above was reached).
            #expect(read > 20, "\(String(decoding: line, as: UTF8.self))")
        }
    }

    @Test("the hostile input corpus: every line the general decoder refuses is left to it")
    func hostileCorpus() throws {
        let corpus = packageRoot + "/Tests/HostileInput"
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".jsonl") }
        #expect(files.count >= 100)
        for file in files {
            let data = try #require(FileManager.default.contents(atPath: corpus + "/" + file))
            for line in Array(data).split(separator: 0x0A) {
                let bytes = Array(line)
                #expect(fast(bytes) == nil || fast(bytes) == general(bytes), "\(file)")
            }
        }
    }

    @Test(
        "lines not in the compact form are left to the general decoder, which reads them",
        arguments: [
            #"{"type": "MemberResigned","company":"A","on":"2024-01-01"}"#,
            #"{"type":"MemberResigned","company":"A","on":"2024-01-01"} "#,
            #"{"type":"MemberResigned","id":"98FD0C3B-EFAF-4AB2-A004-EE01C56FF114","company":"A","on":"2024-01-01"}"#,
            #"{"type":"FeePaid","company":"A","on":"2024-01-01","amount":"12.5","reference":"R"}"#,
            #"{"type":"FeePaid","company":"A","on":"2024-01-01","amount":12,"reference":"R"}"#,
            #"{"type":"FeePaid","company":"A","on":"2024-01-01","amount":"12.50","reference":"caf\u00e9"}"#,
            #"{"type":"EventReversed","on":"2024-01-01","reverses":1234567890123456789,"reason":"r"}"#,
        ]
    )
    func leavesOtherForms(line: String) throws {
        let bytes = Array(line.utf8)
        #expect(fast(bytes) == nil)
        #expect(general(bytes) != nil)
    }
}
