import Foundation
import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

@Suite struct ReportingQueryTests {
    static let queries = [
        "status_as_of", "company_status_as_of", "agm_roll", "arrears_as_of", "arrears_aging",
        "members_per_class_per_year",
    ]

    @Test("Projections/README.md gives each reporting query exactly as the code runs it", arguments: queries)
    func readmeHoldsTheQueries(name: String) throws {
        let readme = try String(contentsOfFile: packageRoot + "/Projections/README.md", encoding: .utf8)
        let query = try String(contentsOfFile: packageRoot + "/Projections/queries/\(name).sql", encoding: .utf8)
        #expect(readme.contains(query), "README lacks queries/\(name).sql")
    }

    func ledger(_ path: String) throws -> (ProjectionStore, MembershipFold) {
        let directory = try LedgerDirectory.create(at: path + "/l")
        try write(RandomHistory.generate(seed: 99, companies: 12, attempts: 400)[...], to: directory)
        let store = ProjectionStore(directory: directory)
        try store.rebuild()
        return (store, try LedgerHistory.load(directory).fold())
    }

    @Test("arrears aging buckets 0-30 / 31-90 / 90+ days past due match the fold's arrears")
    func arrearsAging() throws {
        try withTemporaryDirectory { path in
            let (store, fold) = try ledger(path)
            for date in ["2023-06-30", "2024-01-31", "2024-09-30", "2025-03-31"] {
                let day = Day(date)!
                var expected: [String: (Int, Int64)] = [:]
                for row in fold.arrearsRows(on: day) {
                    let late = day.ordinal - row.dueOn.ordinal
                    let bucket = late <= 0 ? "not-due" : late <= 30 ? "0-30" : late <= 90 ? "31-90" : "90+"
                    expected[bucket, default: (0, 0)].0 += 1
                    expected[bucket, default: (0, 0)].1 += row.balance.value
                }
                let got = try store.query("arrears_aging", [":as_of": date]) { s in
                    (s.text(0)!, Int(s.integer(1)), s.integer(3))
                }
                #expect(got.count == expected.count, "\(date)")
                for (bucket, requests, balance) in got {
                    #expect(expected[bucket]?.0 == requests && expected[bucket]?.1 == balance, "\(date) \(bucket)")
                }
            }
        }
    }

    @Test("members per class per membership year count the active members on each 31 March")
    func membersPerClass() throws {
        try withTemporaryDirectory { path in
            let (store, fold) = try ledger(path)
            let got = try store.query("members_per_class_per_year", [":from_year": "2022-23", ":to_year": "2025-26"]) {
                s in
                "\(s.text(0)!) \(s.text(1)!) \(s.integer(2))"
            }
            var expected: [String] = []
            for start in 2022...2025 {
                let day = Period(startYear: start).lastDay
                let active = fold.statusRows(on: day).filter { $0.status == .active }
                for memberClass in [MemberClass.affiliate, .full] {
                    let count = active.filter { $0.memberClass == memberClass }.count
                    if count > 0 { expected.append("\(Period(startYear: start)) \(memberClass.rawValue) \(count)") }
                }
            }
            #expect(got == expected)
        }
    }
}
