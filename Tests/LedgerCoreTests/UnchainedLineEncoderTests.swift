import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct UnchainedLineEncoderTests {
    @Test(
        "a batch's encoder writes each line byte for byte as JSONWriter writes the stored record as one object (the hash chain depends on the bytes)",
        arguments: ["generator", "Chan \"Tai Man\" 陳大文", "a\\b/c"]
    )
    func sameBytesAsOneObject(by: String) throws {
        let recorded = "2024-12-31T02:00:00.000Z"
        let encoder = UnchainedLineEncoder(recorded: recorded, by: by)
        // Texts that JSON escapes, and every type of event.
        let escaped =
            #"{"type":"FeePaid","company":"A","on":"2024-01-01","amount":"1.00","reference":"a \"quote\" \\ 參考"}"#
        let generated = [escaped] + RandomHistory.generate(seed: 7, attempts: 200).map(\.json)
        #expect(generated.count > 50)
        for (k, json) in generated.enumerated() {
            let input = try EventCodec.decodeInput(JSONParser.parse(json))
            let id = EventID.random().description
            let line = encoder.line(seq: k + 1, id: id, version: 1, payload: input.payload)
            let members = input.payload.members
            let whole: [(key: String, value: JSONValue)] =
                [
                    ("seq", .number(String(k + 1))), (members[0].key, members[0].value), ("v", .number("1")),
                    ("id", .string(id)), ("recorded", .string(recorded)), ("by", .string(by)),
                    ("prev", .string(String(repeating: "0", count: 64))),
                ]
                + members.dropFirst().map { ($0.key, $0.value) }
            #expect(line.bytes == Array(JSONWriter.string(.object(whole)).utf8), "\(json)")
            let prev = Array(String(repeating: "ab", count: 32).utf8)
            var chained = line
            chained.chain(after: prev)
            let record = try StoredRecord.decode(line: chained.bytes)
            #expect(record.prev == String(repeating: "ab", count: 32) && record.by == by && record.seq == k + 1)
        }
    }
}
