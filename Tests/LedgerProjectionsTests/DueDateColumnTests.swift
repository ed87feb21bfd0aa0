import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerProjections

@Suite struct DueDateColumnTests {
    @Test(
        "R17: fee_requests.due_on, computed by SQLite, is the fold's due date (30 days on) across month, year and leap-day ends"
    )
    func dueOnIsThirtyDaysOn() throws {
        try withTemporaryDirectory { path in
            let db = try ProjectionStore.create(path + "/p.sqlite", mode: 0o600)
            let rows = try ProjectionRows(db)
            var day = Day("2023-01-01")!
            var seq = 0
            // Every day of two years, one of them leap.
            while day < Day("2025-01-01")! {
                seq += 1
                let requested = day
                try rows.insertRequest.insert { row in
                    row.integer(Int64(seq))
                    row.text("C")
                    row.integer(1)
                    row.text("2023-24")
                    row.integer(100)
                    row.text(requested.description)
                    row.text(nil)
                }
                day = day.adding(days: 1)
            }
            try rows.flush()
            let read = try db.prepare("SELECT requested_on, due_on FROM fee_requests ORDER BY seq")
            var checked = 0
            while try read.step() {
                let requested = try #require(read.text(0).flatMap(Day.init))
                #expect(read.text(1) == requested.adding(days: 30).description, "\(requested)")
                checked += 1
            }
            #expect(checked == seq && seq == 731)
        }
    }
}
