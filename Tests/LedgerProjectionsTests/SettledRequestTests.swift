import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

/// The reporting queries skip a request settled by the date instead of summing its payments
/// (`settled_on`); these histories put settlements before, on and after many dates.
@Suite struct SettledRequestTests {
    @Test(
        "R16/R17: arrears, aging and status flags from SQL equal the fold's on every day around payments, partial and late"
    )
    func settledRequestsOnEveryDay() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            var lines = [EventJSON.schedule()]
            for (i, c) in ["A", "B", "C", "D"].enumerated() {
                lines += [
                    EventJSON.filed(c, on: "2024-01-02", memberClass: "affiliate"),
                    EventJSON.documents(c, on: "2024-01-02"),
                    EventJSON.approved(c, on: "2024-01-10", memberClass: "affiliate"),
                    EventJSON.requested(c, on: "2024-04-0\(i + 1)", period: "2024-25"),
                ]
            }
            lines += [
                // A: two halves, settled within the 30 days.
                EventJSON.paid("A", on: "2024-04-20", amount: "500", reference: "A1"),
                EventJSON.paid("A", on: "2024-04-30", amount: "500", reference: "A2"),
                // B: in full on the day it is requested.
                EventJSON.paid("B", on: "2024-04-02", amount: "1000", reference: "B1"),
                // C: a part, then an excused delay, then the rest after the due date.
                EventJSON.paid("C", on: "2024-04-10", amount: "300", reference: "C1"),
                EventJSON.excused("C", on: "2024-04-25", period: "2024-25", until: "2024-06-30"),
                EventJSON.paid("C", on: "2024-06-01", amount: "700", reference: "C2"),
                // D: never paid.
            ]
            try append(lines, to: directory, at: "2024-12-31T02:00:00Z")
            let store = ProjectionStore(directory: directory)
            try store.rebuild()
            let fold = try LedgerHistory.load(directory).fold()
            var day = Day("2024-03-25")!
            var owing = 0
            while day < Day("2024-07-15")! {
                let arrears = fold.arrearsRows(on: day)
                owing += arrears.count
                #expect(try store.arrearsRows(on: day) == arrears, "\(day)")
                #expect(try store.statusRows(on: day) == fold.statusRows(on: day), "\(day)")
                let some: Set<CompanyID> = [CompanyID("A")!, CompanyID("C")!]
                #expect(try store.statusRows(on: day, companies: some) == fold.statusRows(on: day, companies: some))
                let aged = try store.query("arrears_aging", [":as_of": day.description]) { s in Int(s.integer(1)) }
                #expect(aged.reduce(0, +) == arrears.count, "\(day)")
                day = day.adding(days: 1)
            }
            // Requests were owed on some of those days and settled on others.
            #expect(owing > 100)
        }
    }
}
