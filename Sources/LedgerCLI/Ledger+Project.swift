import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog
import LedgerProjections

extension Ledger {
    struct Project: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "project",
            abstract: "Regenerate (rebuild) or catch up (update) the SQLite projections.",
            subcommands: [Rebuild.self, Update.self]
        )

        struct Rebuild: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "rebuild",
                abstract: "Build the projections from nothing beside the old database, then swap them in."
            )
            @OptionGroup var options: LedgerOptions
            @OptionGroup var database: ProjectionFileOptions

            @OptionGroup var range: RangeOptions

            func run() throws {
                let store = ProjectionStore(directory: try options.open(), path: database.out)
                let outcome = try ProgressBar.around("rebuild", unit: .rows) {
                    try store.rebuild(progress: $0, ranges: range.ranges)
                }
                print(outcome.note ?? "")
            }
        }

        struct Update: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "update",
                abstract: "Catch the projections up from their checkpoint (rebuilding them if they cannot be trusted)."
            )
            @OptionGroup var options: LedgerOptions
            @OptionGroup var database: ProjectionFileOptions

            func run() throws {
                let outcome = try ProjectionStore(directory: try options.open(), path: database.out).update()
                if case .upToDate(let seq) = outcome {
                    print("projections up to date at seq \(seq)")
                } else {
                    print(outcome.note ?? "")
                }
            }
        }
    }
}

/// Where the projections are: `--out FILE`, else `projections.sqlite` in the ledger directory.
struct ProjectionFileOptions: ParsableArguments {
    @Option(help: "The database file (default: projections.sqlite in the ledger directory).")
    var out: String?
}
