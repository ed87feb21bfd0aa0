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
}
