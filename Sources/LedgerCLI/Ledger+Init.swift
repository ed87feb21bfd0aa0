import ArgumentParser
import LedgerLog

extension Ledger {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init", abstract: "Create an empty ledger.")

        @OptionGroup var options: LedgerOptions

        @Option(help: "Decompressed bytes after which a segment is sealed (default 64 MiB).")
        var segmentLimit: Int = LedgerDirectory.defaultSegmentLimit

        @Flag(
            help:
                "Let the owner's group read the ledger (directories 0750, files 0640) instead of the owner alone (0700, 0600)."
        )
        var groupReadable = false

        func run() throws {
            guard segmentLimit > 0 else { throw ValidationError("--segment-limit must be positive") }
            try LedgerDirectory.create(
                at: options.path,
                segmentLimit: segmentLimit,
                access: groupReadable ? .group : .owner
            )
            print("initialised an empty ledger in \(options.path)")
        }
    }
}
