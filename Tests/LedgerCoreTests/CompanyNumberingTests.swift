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
            #expect(numbering.number(of: company, hash: company.fnv1a) == Int32(i))
        }
        for (i, company) in companies.enumerated().reversed() {
            #expect(numbering.number(of: company, hash: company.fnv1a) == Int32(i))
        }
        #expect(numbering.companies == companies)
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

    @Test("a company's hash is FNV-1a over its bytes, the same in every process, for short and long ids")
    func fnv1a() throws {
        // Values from an independent FNV-1a (Python) over the ids' UTF-8.
        #expect(try #require(CompanyID("HK0002150")).fnv1a == 0x83EC_7842_D37B_8794)
        #expect(try #require(CompanyID("a-much-longer-company.id_0123456789")).fnv1a == 0xF054_E16F_1F80_99DD)
    }
}
