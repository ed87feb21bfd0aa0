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
            let lines: [(number: Int, bytes: ArraySlice<UInt8>)]
            switch (event, file) {
            case (let event?, nil):
                lines = [(1, Array(event.utf8)[...])]
            case (nil, let file?):
                lines = try Append.readLines(file)
            default:
                throw InputError("give one event as an argument or --file F, not both or neither")
            }
            var inputs: [EventInput] = []
            for (number, bytes) in lines {
                do {
                    inputs.append(try EventCodec.decodeInput(try JSONParser.parse(Array(bytes))))
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
            let notes = try appender.append(inputs, history: EventIndex()) { acks in
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
            notes.forEach(Console.note)
        }

        /// The non-blank lines of a JSON-lines file, numbered from 1, as bytes (the JSON parser
        /// reads bytes, and checks their UTF-8).
        static func readLines(_ file: String) throws -> [(number: Int, bytes: ArraySlice<UInt8>)] {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw InputError(field: "--file", "cannot read \(file)")
                }
                data = contents
            }
            let bytes = [UInt8](data)
            let blank: Set<UInt8> = [0x20, 0x09, 0x0D]
            return bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated().compactMap { i, line in
                line.allSatisfy { blank.contains($0) } ? nil : (i + 1, line)
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
