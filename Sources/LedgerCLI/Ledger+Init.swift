import ArgumentParser
import LedgerLog

extension Ledger {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty ledger.")

        @OptionGroup var options: LedgerOptions

        @Option(help: "Decompressed bytes after which a segment is sealed (default 64 MiB).")
        var segmentLimit: Int = LedgerDirectory.defaultSegmentLimit

        func run() throws {
            guard segmentLimit > 0 else { throw ValidationError("--segment-limit must be positive") }
            try LedgerDirectory.create(at: options.path, segmentLimit: segmentLimit)
            print("initialised an empty ledger in \(options.path)")
        }
    }
}
