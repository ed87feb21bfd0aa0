import LedgerCore
import Testing

@Suite struct JSONTests {
    @Test("JSON round-trips with key order, numbers as written and escapes")
    func roundTrip() throws {
        let text = #"{"b":1,"a":[true,false,null,-0.5e3,"x\"\\\n\u0001é"],"c":{}}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == #"{"b":1,"a":[true,false,null,-0.5e3,"x\"\\\n\u0001é"],"c":{}}"#)
    }

    @Test(
        "malformed JSON is refused with a byte offset",
        arguments: [
            "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "01", "\"\\x\"", "{\"a\":1} x", "nul", "\"\u{01}\"", "\"\\ud800\"",
        ]
    )
    func malformed(text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test("surrogate pairs decode to one scalar")
    func surrogates() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }
}
