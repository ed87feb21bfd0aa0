import Dispatch
import LedgerCore
import Testing

/// `CompanyID`'s eight-byte codes: what goes in comes out, in the same order as the texts.
@Suite struct CompanyIDTests {
    /// Ids of every length from 1 to 64 and every character, in a fixed pseudo-random mix.
    static func ids(count: Int, seed: UInt64) -> [String] {
        let characters = Array("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
        let first = characters.filter { $0.isLetter || $0.isNumber }
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in
            // Mostly around ten characters, where codes turn from short to long.
            let length = next(4) == 0 ? 1 + next(64) : 8 + next(5)
            // A small alphabet now and then, so that ids share long prefixes.
            let pool = next(3) == 0 ? Array(characters.prefix(3)) : characters
            return String(first[next(first.count)]) + String((1..<length).map { _ in pool[next(pool.count)] })
        }
    }

    @Test("an id reads back as its text at every length, from a string and from bytes alike")
    func roundTrip() throws {
        for text in CompanyIDTests.ids(count: 5_000, seed: 7) + ["0", "Z", "zzzzzzzzzz", "zzzzzzzzzzz", "A-", "a_._-9"]
        {
            let id = try #require(CompanyID(text), "\(text)")
            #expect(id.rawValue == text && id.description == text)
            let fromBytes = Array(text.utf8).withUnsafeBytes { CompanyID(utf8: $0) }
            #expect(fromBytes == id && fromBytes?.hashValue == id.hashValue && fromBytes?.hash64 == id.hash64)
        }
    }

    @Test("ids compare as their texts do, short with short, long with long and one with the other")
    func order() throws {
        let texts =
            CompanyIDTests.ids(count: 600, seed: 11) + ["A", "A-", "A0", "AA", "Aa", "a", "zzzzzzzzzz", "zzzzzzzzzz0"]
        let ids = try texts.map { try #require(CompanyID($0)) }
        for i in ids.indices {
            for j in ids.indices {
                #expect((ids[i] < ids[j]) == (texts[i] < texts[j]), "\(texts[i]) \(texts[j])")
                #expect((ids[i] == ids[j]) == (texts[i] == texts[j]), "\(texts[i]) \(texts[j])")
            }
        }
    }

    @Test(
        "bytes outside the pattern make no id: a bad first or later byte, none, or over 64",
        arguments: [
            "", "-A", ".A", "_A", "A B", "A/", "Aé", "AAAAAAAAA!", "AAAAAAAAAAA!", String(repeating: "A", count: 65),
        ]
    )
    func refused(text: String) {
        #expect(CompanyID(text) == nil)
        #expect(Array(text.utf8).withUnsafeBytes { CompanyID(utf8: $0) } == nil)
    }

    @Test("a long id met on many threads at once is one id, with one code")
    func longOnManyThreads() throws {
        let texts = (0..<64).map { "a-long-company-id-\($0 % 16)" }
        let codes = UnsafeMutableBufferPointer<CompanyID?>.allocate(capacity: texts.count)
        defer { codes.deallocate() }
        codes.initialize(repeating: nil)
        nonisolated(unsafe) let slots = codes
        DispatchQueue.concurrentPerform(iterations: texts.count) { i in slots[i] = CompanyID(texts[i]) }
        for i in texts.indices {
            #expect(codes[i]?.rawValue == texts[i])
            #expect(codes[i] == codes[i % 16])
        }
        #expect(Set(codes.compactMap { $0 }).count == 16)
    }

    @Test("an id takes eight bytes, an optional one too")
    func size() {
        #expect(MemoryLayout<CompanyID>.size == 8)
        #expect(MemoryLayout<CompanyID?>.size == 8)
    }
}
