import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog
import LedgerProjections

extension Ledger {
    struct Append: ParsableCommand {
        static let configuration = CommandConfiguration(
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

        func run() throws {
            let lines: [(number: Int, text: String)]
            switch (event, file) {
            case (let event?, nil):
                lines = [(1, event)]
            case (nil, let file?):
                lines = try Append.readLines(file)
            default:
                throw InputError("give one event as an argument or --file F, not both or neither")
            }
            var inputs: [EventInput] = []
            for (number, text) in lines {
                do {
                    inputs.append(try EventCodec.decodeInput(try JSONParser.parse(text)))
                } catch let error as InputError {
                    throw error.at(line: number)
                } catch let error as JSONParser.SyntaxError {
                    throw InputError(line: number, error.description)
                }
            }
            guard !inputs.isEmpty else { throw InputError("the batch holds no events") }
            let actorName = actor ?? Append.loginName()
            try FieldFormat.checkText(actorName, field: "--actor")
            var appender = EventAppender(directory: try options.open(), now: try options.now(), actor: actorName)
            appender.lockTimeout = try options.lockTimeout()
            try appender.append(inputs, history: EventIndex()) { acks in
                for ack in acks {
                    print(
                        JSONWriter.string(
                            .object([
                                ("seq", .number(String(ack.seq))), ("id", .string(ack.id)), ("hash", .string(ack.hash)),
                            ])
                        )
                    )
                }
                fflush(nil)
            }
        }

        /// The non-blank lines of a JSON-lines file, numbered from 1.
        static func readLines(_ file: String) throws -> [(number: Int, text: String)] {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw InputError(field: "--file", "cannot read \(file)")
                }
                data = contents
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw InputError(field: "--file", "\(file) is not UTF-8 text")
            }
            return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { i, line in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                return trimmed.isEmpty || trimmed == "\r" ? nil : (i + 1, String(line))
            }
        }

        /// The login name: `getlogin`, else the password entry of the effective user, else `$USER`.
        static func loginName() -> String {
            if let name = getlogin().map({ String(cString: $0) }), !name.isEmpty { return name }
            if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name.map({ String(cString: $0) }),
                !name.isEmpty
            {
                return name
            }
            let environment = ProcessInfo.processInfo.environment
            return environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
        }
    }
}
