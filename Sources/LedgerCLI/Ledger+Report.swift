import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog

extension Ledger {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write the Board's report as one self-contained HTML page.",
            discussion: """
                Members per class by month (a line chart), arrears by age (a bar chart), the voting \
                roll, who joined, became void (with the reason) or resigned since --since, and the \
                ledger's head digest. Inline CSS and SVG only: no scripts, nothing fetched.
                """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var view: ViewOptions
        @OptionGroup var range: RangeOptions

        @Option(help: "Movements after this date, YYYY-MM-DD (default: the start of the as-of date's membership year).")
        var since: String?

        @Option(help: "How many months the chart of members covers.")
        var months = 24

        @Option(help: "Where to write the page.")
        var out: String

        func run() throws {
            guard (1...240).contains(months) else { throw InputError(field: "--months", "must be 1 to 240") }
            let now = try options.now()
            let day = try view.asOfDay(now: now)
            let start =
                try since.map { text throws -> Day in
                    guard let day = Day(text) else {
                        throw InputError(field: "--since", "\"\(text)\" is not a real date YYYY-MM-DD")
                    }
                    return day
                } ?? Period(containing: day).firstDay.adding(days: -1)
            let directory = try options.open()
            var report = BoardReport(
                asOf: day,
                since: start,
                monthCount: months,
                digest: try LedgerLog.Digest.current(directory)
            )
            try ViewOptions.forEachFold(
                directory,
                head: (try? LogHead.quick(directory)) ?? nil,
                knownAt: try view.knownAtInstant(now: now),
                ranges: range.ranges
            ) { report.add($0) }
            guard FileManager.default.createFile(atPath: out, contents: Data(BoardReportPage.html(report).utf8)) else {
                throw InputError(field: "--out", "cannot write \(out)")
            }
            print(
                "wrote \(out): \(report.voting.count) voting members, \(report.joined.count) joined, \(report.voided.count) void, \(report.resigned.count) resigned since \(start)"
            )
        }
    }
}
