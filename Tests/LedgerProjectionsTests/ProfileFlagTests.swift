import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

/// The status query reads the name from `identity_timeline` and the flags from `profile_timeline`,
/// two tables cut where their own columns change.
@Suite struct ProfileFlagTests {
    @Test(
        "R6/R7/R22: the name and the not-sme and br-expired flags from SQL equal the fold's every day across renames, headcounts, a sector change and a BR renewal"
    )
    func flagsOnEveryDay() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            func update(_ on: String, _ fields: String) -> String {
                #"{"type":"ProfileUpdated","company":"A","on":"\#(on)",\#(fields)}"#
            }
            try append(
                [
                    EventJSON.schedule(),
                    EventJSON.filed("A", on: "2024-01-02", memberClass: "affiliate", brExpiresOn: "2024-06-30"),
                    EventJSON.documents("A", on: "2024-01-02"),
                    EventJSON.approved("A", on: "2024-01-10", memberClass: "affiliate"),
                    update("2024-03-01", #""employeesInHK":60"#),
                    update("2024-04-01", #""name":"A Holdings Ltd""#),
                    update("2024-05-01", #""employeesInHK":30,"name":"A Group Ltd""#),
                    update("2024-08-01", #""brExpiresOn":"2025-06-30""#),
                    update("2024-09-01", #""sector":"manufacturing","employeesInHK":60"#),
                ],
                to: directory
            )
            let store = ProjectionStore(directory: directory)
            try store.rebuild()
            let fold = try LedgerHistory.load(directory).fold()
            var day = Day("2024-01-01")!
            var names: Set<String> = []
            while day < Day("2024-10-15")! {
                let rows = fold.statusRows(on: day)
                names.formUnion(rows.map(\.name))
                #expect(try store.statusRows(on: day) == rows, "\(day)")
                #expect(try store.statusRows(on: day, companies: [CompanyID("A")!]) == rows, "\(day)")
                day = day.adding(days: 1)
            }
            #expect(names == ["A Ltd", "A Holdings Ltd", "A Group Ltd"])
        }
    }
}
