import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog

extension Ledger {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check frames, checksums, sequence, schemas, the hash chain and the rules.",
            discussion: "Exit 1 when something is wrong; the first line says where (seq, segment, byte offset)."
        )

        @OptionGroup var options: LedgerOptions

        @Option(help: "A file holding an earlier `ledger digest`: also check that the ledger extends it.")
        var digest: String?

        func run() throws {
            let earlier = try digest.map { path throws -> LedgerLog.Digest in
                guard let data = FileManager.default.contents(atPath: path),
                    let text = String(data: data, encoding: .utf8)
                else { throw InputError(field: "--digest", "cannot read \(path)") }
                return try LedgerLog.Digest(json: text)
            }
            let summary = try LogVerifier(try options.open()).verify(extending: earlier)
            if let torn = summary.tornTail {
                Console.note("an interrupted append left a torn tail at \(torn); the next append sets it aside")
            }
            var line = "ok: \(summary.events) events in \(summary.segments) segment(s), head \(summary.headHash)"
            if let earlier { line += "; extends the digest at seq \(earlier.seq)" }
            print(line)
        }
    }

    struct DigestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "digest",
            abstract: "Print the head as {\"seq\":N,\"hash\":\"…\",\"recorded\":\"…\"}."
        )

        @OptionGroup var options: LedgerOptions

        func run() throws {
            print(try LedgerLog.Digest.current(try options.open()).json)
        }
    }
}
