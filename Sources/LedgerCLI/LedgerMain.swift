import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog
import LedgerProjections

/// The `ledger` executable: parses, runs one command, and maps every failure to CLI.md's exit
/// codes with a single `error:` line on standard error.
@main
enum LedgerMain {
    static func main() {
        HeapSettings.reuseLargeBlocks()
        do {
            if let (event, ledger) = Ledger.Append.quick(CommandLine.arguments.dropFirst()) {
                try Ledger.Append.run(event: event, file: nil, actor: nil, ledger: ledger)
            } else {
                var command = try Ledger.parseAsRoot()
                try command.run()
            }
        } catch {
            exit(report(error))
        }
    }

    /// Writes the error and returns its exit code (CLI.md "Exit codes").
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let problem as LogVerifier.Problem:
            print(Console.oneLine(problem.description))
            return 1
        case let error as InputError:
            Console.error(error.description)
            return 2
        case let error as LedgerError:
            Console.error(RefusalAdvice.line(error))
            return 3
        case let error as LogError:
            Console.error(error.description)
            return 4
        case let error as ProjectionError:
            Console.error(error.description)
            return 4
        case let exit as ExitCode:
            return exit.rawValue
        default:
            let code = Ledger.exitCode(for: error)
            if code == .success {
                // --help and --version.
                print(Ledger.fullMessage(for: error))
                return 0
            }
            let message = Ledger.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            Console.error(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message)
            return 2
        }
    }
}

/// Standard error, one line per message.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("error: " + oneLine(message) + "\n").utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data(("note: " + oneLine(message) + "\n").utf8))
    }

    /// The longest message written, in characters: messages quote input, which may be huge.
    static let maximumLength = 1_000

    /// `message` as one safe line: control characters (a newline in a quoted value, a terminal
    /// escape) shown as `\u{…}`, and cut at `maximumLength` characters.
    static func oneLine(_ message: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in message.unicodeScalars {
            if out.count >= maximumLength {
                out.append("…")
                break
            }
            if scalar.properties.generalCategory == .control {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
