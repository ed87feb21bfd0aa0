import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct EventInputTests {
    func decode(_ text: String) throws -> EventInput { try EventCodec.decodeInput(try JSONParser.parse(text)) }

    func inputError(_ text: String) -> InputError? {
        do {
            _ = try decode(text)
            return nil
        } catch let error as InputError {
            return error
        } catch {
            return nil
        }
    }

    static let paid = #""type":"FeePaid","company":"A","on":"2024-05-01","reference":"R1""#

    @Test(
        "bad input names the field at fault",
        arguments: [
            (#"{"type":"Nope","on":"2024-01-01"}"#, "type"),
            (#"{"on":"2024-01-01"}"#, "type"),
            (#"{"type":"MemberResigned","company":"A","on":"2024-01-01","extra":1}"#, "extra"),
            (#"{"type":"MemberResigned","company":"A"}"#, "on"),
            (#"{"type":"MemberResigned","company":"A","on":null}"#, "on"),
            (#"{"type":"MemberResigned","company":"A","on":20240101}"#, "on"),
            (#"{"type":"MemberResigned","company":"A","on":"2025-02-29"}"#, "on"),
            (#"{"type":"MemberResigned","company":"-A","on":"2024-01-01"}"#, "company"),
            (#"{"type":"MemberResigned","company":"A b","on":"2024-01-01"}"#, "company"),
            ("{" + paid + #","amount":"-5"}"#, "amount"),
            ("{" + paid + #","amount":-5}"#, "amount"),
            ("{" + paid + #","amount":"10.555"}"#, "amount"),
            ("{" + paid + #","amount":10.5}"#, "amount"),
            ("{" + paid + #","amount":"0"}"#, "amount"),
            ("{" + paid + #","amount":"1000000000"}"#, "amount"),
            ("{" + paid + #","amount":"100","period":"2024-2025"}"#, "period"),
            ("{" + paid + #","amount":"100","period":"2024-26"}"#, "period"),
            (#"{"type":"ProfileUpdated","company":"A","on":"2024-01-01"}"#, "name"),
            (#"{"type":"ProfileUpdated","company":"A","on":"2024-01-01","employeesInHK":-1}"#, "employeesInHK"),
            (#"{"type":"ProfileUpdated","company":"A","on":"2024-01-01","employeesInHK":"5"}"#, "employeesInHK"),
            (#"{"type":"ProfileUpdated","company":"A","on":"2024-01-01","brNumber":"1234567"}"#, "brNumber"),
            (#"{"type":"ProfileUpdated","company":"A","on":"2024-01-01","name":""}"#, "name"),
            (#"{"type":"ProfileUpdated","company":"A","on":"2024-01-01","name":"a\u0007b"}"#, "name"),
            (#"{"type":"DocumentsSubmitted","company":"A","on":"2024-01-01","documents":[]}"#, "documents"),
            (#"{"type":"EventReversed","on":"2024-01-01","reverses":0,"reason":"x"}"#, "reverses"),
            (#"{"type":"MemberResigned","company":"A","on":"2024-01-01","id":"not-a-uuid"}"#, "id"),
            (#"{"type":"MemberResigned","company":"A","on":"2024-01-01","v":2}"#, "v"),
            (#"{"type":"MemberResigned","company":"A","on":"2024-01-01","seq":5}"#, "seq"),
            (#"{"type":"MemberResigned","company":"A","on":"2024-01-01","on":"2024-01-02"}"#, "on"),
            // The first unknown field by name, not by place.
            (#"{"type":"MemberResigned","company":"A","on":"2024-01-01","zeta":1,"alpha":2}"#, "alpha"),
            // Past sixteen members, repeats are found by hashing instead of pairwise.
            (
                #"{"type":"MemberResigned","company":"A","on":"2024-01-01","#
                    + (1...16).map { #""x\#($0)":1,"# }.joined() + #""company":"B"}"#, "company"
            ),
        ]
    )
    func badInput(text: String, field: String) {
        let error = inputError(text)
        #expect(error != nil, "accepted: \(text)")
        #expect(error?.field == field, "\(String(describing: error))")
    }

    @Test("amounts are stored with exactly two decimals, from strings or integers")
    func amountsNormalised() throws {
        let fromString = try decode("{" + Self.paid + #","amount":"1000.5"}"#)
        #expect(fromString.payload["amount"] == .string("1000.50"))
        let fromInteger = try decode("{" + Self.paid + #","amount":2000}"#)
        #expect(fromInteger.payload["amount"] == .string("2000.00"))
    }

    @Test("a text may hold 500 code points, not 501")
    func textLength() {
        let ok = String(repeating: "é", count: 500)
        #expect(inputError(#"{"type":"ProfileUpdated","company":"A","on":"2024-01-01","name":""# + ok + "\"}") == nil)
        #expect(inputError(#"{"type":"ProfileUpdated","company":"A","on":"2024-01-01","name":""# + ok + "x\"}") != nil)
    }

    @Test("an id is a UUID, kept in lowercase")
    func idNormalised() throws {
        let input = try decode(
            #"{"type":"MemberResigned","company":"A","on":"2024-01-01","id":"ABCDEF00-1234-5678-9ABC-DEF012345678"}"#
        )
        #expect(input.id == "abcdef00-1234-5678-9abc-def012345678")
    }

    @Test("stored records decode back to the same event and payload")
    func storedRoundTrip() throws {
        let input = try decode("{" + Self.paid + #","amount":"12.3","period":"2024-25"}"#)
        let line = StoredRecord.encode(
            seq: 7,
            id: "abcdef00-1234-5678-9abc-def012345678",
            version: 1,
            recorded: Instant("2024-05-01T02:00:00Z")!,
            by: "clerk \"one\"",
            prev: String(repeating: "a", count: 64),
            payload: input.payload
        )
        let record = try StoredRecord.decode(line: line)
        #expect(record.event == input.event)
        #expect(record.payload == input.payload)
        #expect(record.seq == 7)
        #expect(record.by == "clerk \"one\"")
        // `prev` is written after the line is encoded, past a `by` that took escapes.
        #expect(record.prev == String(repeating: "a", count: 64))
    }
}
