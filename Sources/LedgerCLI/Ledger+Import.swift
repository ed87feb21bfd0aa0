import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog
import LedgerProjections

extension Ledger {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import the association's member list (CSV) as a backfilled history, all or nothing.",
            discussion: """
                Columns by header name (case and spacing do not matter): company, name, BR number, \
                BR expiry, sector, employees, class, joined; and per membership year, \
                "requested 2024-25", "paid 2024-25" and optionally "paid on 2024-25". Dates are \
                YYYY-MM-DD or DD/MM/YYYY. Each row becomes the company's application, documents and \
                admission on its joining date, then each year's request (on 1 April, or the joining \
                date in its first year) and payment. Full members need an index round including \
                them recorded first (R11). Every row is checked; if any is refused, each is \
                reported and nothing is appended. Ids come from the rows, so a second run of the \
                same file adds nothing.
                """
        )

        @OptionGroup var options: LedgerOptions

        @Option(help: "Who imports (default: the login name).")
        var actor: String?

        @Flag(help: "Check every row and report, but append nothing.")
        var dryRun = false

        @Argument(help: "The member list, a CSV file with a header row.")
        var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputError(field: "FILE", "cannot read \(file)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw InputError(field: "FILE", "\(file) is not UTF-8 text (save it as CSV UTF-8)")
            }
            let table: CSVTable
            do {
                table = try CSVTable(text)
            } catch {
                throw InputError(line: error.line, error.reason)
            }
            let (rows, unreadable, unused) = MemberList.read(table)
            if !unused.isEmpty { Console.note("columns not used: " + unused.joined(separator: ", ")) }
            let appender = try options.appender(actor: actor)
            // Each row on its own against the ledger, so that every refused row is reported.
            let verdicts = try ProgressBar.around("import: checking rows", unit: .rows) {
                try appender.check(rows.map(\.inputs), history: EventIndex.announcing(), progress: $0)
            }
            var refused: [(line: Int, text: String, isRule: Bool)] = unreadable.map { ($0.line, $0.description, false) }
            for (row, verdict) in zip(rows, verdicts) {
                guard let verdict else { continue }
                let reason =
                    (verdict as? LedgerError).map { error in
                        // The batch line counts the row's events, not the file's lines.
                        var error = error
                        if let line = error.line {
                            error.line = nil
                            error.reason = "the row's event \(line): " + error.reason
                        }
                        return RefusalAdvice.line(error)
                    } ?? "\(verdict)"
                refused.append(
                    (row.line, "row at line \(row.line) (\(row.company)): " + reason, verdict is LedgerError)
                )
            }
            if !refused.isEmpty {
                for problem in refused.sorted(by: { $0.line < $1.line }) { Console.note("refused " + problem.text) }
                let message =
                    "\(refused.count) of \(table.rows.count) rows refused (each reported above); nothing was imported"
                if refused.contains(where: { !$0.isRule }) { throw InputError(message) }
                throw LedgerError("R5", message)
            }
            let inputs = rows.flatMap(\.inputs)
            guard !inputs.isEmpty else { throw InputError("the file holds no member rows") }
            if dryRun {
                let count = try appender.newEventCount(inputs, history: EventIndex.announcing())
                print("would import \(rows.count) rows: \(count) new events; nothing was appended")
                return
            }
            var new: [Int] = []
            let notes = try appender.append(inputs, history: EventIndex.announcing()) { acks in
                new = acks.filter(\.isNew).map(\.seq)
            }
            notes.forEach(Console.note)
            if let first = new.min(), let last = new.max() {
                print(
                    "imported \(rows.count) rows: \(new.count) new events (seq \(first)–\(last)), \(inputs.count - new.count) already there"
                )
            } else {
                print("nothing new: all \(rows.count) rows were already imported")
            }
        }
    }
}
