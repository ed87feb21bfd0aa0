import Testing

@testable import LedgerCore

@Suite struct CompanyNumberingTests {
    @Test(
        "companies are numbered by first appearance, through the table's growth, with the same number each time after"
    )
    func numbersByFirstAppearance() throws {
        var numbering = CompanyNumbering()
        let companies = try (0..<5_000).map { try #require(CompanyID("HK\($0)")) }
        for (i, company) in companies.enumerated() {
            #expect(numbering.number(of: company, hash: company.hash64) == Int32(i))
        }
        for (i, company) in companies.enumerated().reversed() {
            #expect(numbering.number(of: company, hash: company.hash64) == Int32(i))
        }
        #expect(numbering.companies == companies)
    }

    @Test("R19: a round's companies read as this numbering's, in order, repeats kept and companies it lacks left out")
    func roundNumbers() throws {
        var numbering = CompanyNumbering()
        var rng = SystemRandomNumberGenerator()
        let companies = try (0..<2_000).map { try #require(CompanyID("HK\($0)")) }
        for company in companies.shuffled(using: &rng) { _ = numbering.number(of: company, hash: company.hash64) }
        let unknown = try (0..<50).map { try #require(CompanyID("XX\($0)")) }
        for size in [0, 1, 7, 1_000, 5_000] {
            let list = (0..<size).map { _ in
                Bool.random(using: &rng) ? companies.randomElement(using: &rng)! : unknown.randomElement(using: &rng)!
            }
            let numbers = MembershipFold.numbers(
                ofRound: .indexRoundRecorded(round: "2025", included: list),
                in: numbering
            )
            #expect(
                numbers == list.compactMap { numbering.existingNumber(of: $0, hash: $0.hash64) }.sorted(),
                "size \(size)"
            )
        }
        #expect(MembershipFold.numbers(ofRound: .memberResigned, in: numbering) == nil)
    }

    @Test("companies whose hashes collide keep numbers of their own")
    func collidingHashes() throws {
        var numbering = CompanyNumbering()
        let companies = try (0..<100).map { try #require(CompanyID("C\($0)")) }
        // Every company with one hash, then with hashes that fill the same slots: ids decide.
        for round in 0..<2 {
            for (i, company) in companies.enumerated() {
                #expect(numbering.number(of: company, hash: 42) == Int32(i), "round \(round)")
            }
        }
        let other = try #require(CompanyID("D0"))
        #expect(numbering.number(of: other, hash: 43) == 100)
        #expect(numbering.number(of: other, hash: 43) == 100)
    }

    @Test("a company's hash is the same in every process: of its code when short, of FNV-1a over its bytes when long")
    func hash64() throws {
        // Values from an independent SplitMix64 finalizer (Python) over the base-66 code of a
        // short id, and over the 32-bit FNV-1a of a long id's UTF-8.
        #expect(try #require(CompanyID("HK0002150")).hash64 == 0xF347_9457_11E2_C2F1)
        #expect(try #require(CompanyID("a-much-longer-company.id_0123456789")).hash64 == 0x230E_481E_BA62_6A5F)
    }
}
