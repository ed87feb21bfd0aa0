import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog
import LedgerProjections

extension Ledger {
    struct Append: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "append",
            abstract: "Append one event (a JSON argument) or a JSON-lines batch (--file F, - for standard input).",
            discussion:
                "A batch is one commit: all of it or none. Prints {\"seq\":N,\"id\":\"…\",\"hash\":\"…\"} per event."
        )

        @OptionGroup var options: LedgerOptions

        @Option(help: "Who appends (default: the login name).")
        var actor: String?

        @Option(name: .long, help: "A file of JSON lines, one event each; - reads standard input.")
        var file: String?

        @Argument(help: "One event as a JSON object.")
        var event: String?

        func run() throws { try Append.run(event: event, file: file, actor: actor, ledger: options) }

        /// Appends `event` (one JSON object) or the JSON lines of `file`, acknowledging each.
        static func run(event: String?, file: String?, actor: String?, ledger: some LedgerAccess) throws {
            let lines: [(number: Int, bytes: ArraySlice<UInt8>)]
            switch (event, file) {
            case (let event?, nil):
                lines = [(1, Array(event.utf8)[...])]
                guard event.utf8.count <= InputLines.maximumLineBytes else {
                    throw InputError(line: 1, "the event is longer than the longest accepted")
                }
            case (nil, let file?):
                lines = try InputLines.read(file)
            default:
                throw InputError("give one event as an argument or --file F, not both or neither")
            }
            // Lines are independent to check: a batch's are read on every core, and the first bad
            // line in order is reported, as reading them one by one would.
            let inputs = try ParallelMap.tryMap(lines.count, chunk: 256) { i throws(InputError) -> EventInput in
                let (number, bytes) = lines[i]
                // A line in the compact form is read in one pass; any other, or a wrong one, by
                // the general decoder, which says what is wrong.
                if let input = bytes.withUnsafeBytes({ InputLineDecoder.decode($0) }) { return input }
                do {
                    return try EventCodec.decodeInput(try JSONParser.parse(bytes))
                } catch let error as InputError {
                    throw error.at(line: number)
                } catch let error as JSONParser.SyntaxError {
                    throw InputError(line: number, error.description)
                } catch {
                    throw InputError(line: number, "\(error)")
                }
            }
            guard !inputs.isEmpty else { throw InputError("the batch holds no events") }
            try ledger.appender(actor: actor).appendAcknowledging(consume inputs)
        }
    }
}

extension Ledger.Append {
    /// `ledger append JSON` (with at most `--ledger DIR` beside it), the administrators' one-event
    /// append, read without ArgumentParser: building its parser (reflection and conformance scans
    /// across the static binary) costs about 4 ms of a 12 ms process. Any other shape (another
    /// option, `--help`, `--ledger=DIR`, a second event) gives nil and goes through ArgumentParser
    /// as usual; an argument that starts with `{` is never an option there.
    static func quick(_ arguments: ArraySlice<String>) -> (event: String, ledger: LedgerLocation)? {
        guard arguments.first == "append" else { return nil }
        var event: String?
        var ledger: String?
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            if argument == "--ledger", ledger == nil, let value = rest.popFirst(), !value.hasPrefix("-") {
                ledger = value
            } else if argument.hasPrefix("{"), event == nil {
                event = argument
            } else {
                return nil
            }
        }
        return event.map { ($0, LedgerLocation(ledger: ledger)) }
    }
}
