import LedgerCore
import LedgerLog

/// The figures of the Board's report for a date, from the folds of every company: members per class by month,
/// arrears by age, the voting roll, who joined, became void or resigned since a date, and the
/// ledger's head. `BoardReportPage` renders it.
struct BoardReport {
    struct MonthCount: Equatable {
        /// The last day of the month counted (the as-of date for its own month).
        var day: Day
        var full: Int
        var affiliate: Int
    }

    struct AgingBucket: Equatable {
        var label: String
        var requests: Int
        var balance: Cents
    }

    struct Movement: Equatable {
        var on: Day
        var company: CompanyID
        var name: String
        var detail: String
    }

    var asOf: Day
    var since: Day
    var months: [MonthCount]
    var aging: [AgingBucket]
    var voting: [VotingRow]
    var joined: [Movement]
    var voided: [Movement]
    var resigned: [Movement]
    var digest: LedgerLog.Digest

    /// The report as of `asOf`, with movements after `since`, over `monthCount` months, of no
    /// company yet: `add` gives it the folds of every company, in one or in ranges.
    init(asOf: Day, since: Day, monthCount: Int = 24, digest: LedgerLog.Digest) {
        self.asOf = asOf
        self.since = since
        self.digest = digest
        // Month ends, oldest first, the last being the as-of date itself.
        var ends: [Day] = [asOf]
        var (year, month, _) = asOf.components
        for _ in 1..<monthCount {
            month -= 1
            if month == 0 { (year, month) = (year - 1, 12) }
            ends.append(Day(year: year, month: month, day: Day.daysIn(month: month, year: year))!)
        }
        months = ends.reversed().map { MonthCount(day: $0, full: 0, affiliate: 0) }
        // Arrears by days past the due date (as the arrears_aging query buckets them).
        aging = ["not yet due", "1–30 days", "31–90 days", "over 90 days"].map {
            AgingBucket(label: $0, requests: 0, balance: Cents(0))
        }
        (voting, joined, voided, resigned) = ([], [], [], [])
    }

    /// Counts in the companies of `fold`, none of which a fold added before held; folds of
    /// ranges of companies are added in company order, as the voting roll goes by company.
    mutating func add(_ fold: MembershipFold) {
        // Each history handed once for its months and movements: a pass over every history for
        // each month copied each history 24 times (its lists retained and released), a fifth of
        // the report's time at `hongkong`. The counts and the sorted movements need no order.
        fold.forEachHistory { history in
            for m in months.indices {
                guard let change = history.change(on: months[m].day), change.status == .active else { continue }
                if change.memberClass == .full { months[m].full += 1 } else { months[m].affiliate += 1 }
            }
            for change in history.timeline where change.on > since && change.on <= asOf {
                func movement(_ detail: String) -> Movement {
                    let name = history.profile(on: change.on)?.name ?? ""
                    return Movement(on: change.on, company: history.company, name: name, detail: detail)
                }
                switch (change.status, change.rule) {
                case (.active, "R11"): joined.append(movement(change.memberClass.rawValue))
                case (.void, _): voided.append(movement(change.reason ?? ""))
                case (.resigned, _): resigned.append(movement(""))
                default: break
                }
            }
        }
        for row in fold.arrearsRows(on: asOf) {
            let late = asOf.ordinal - row.dueOn.ordinal
            let i = late <= 0 ? 0 : late <= 30 ? 1 : late <= 90 ? 2 : 3
            aging[i].requests += 1
            aging[i].balance = aging[i].balance + row.balance
        }
        voting += fold.votingRows(on: asOf)
        func sorted(_ list: [Movement]) -> [Movement] {
            list.sorted { ($0.on, $0.company) < ($1.on, $1.company) }
        }
        (joined, voided, resigned) = (sorted(joined), sorted(voided), sorted(resigned))
    }
}
