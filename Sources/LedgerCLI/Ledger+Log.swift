import ArgumentParser
import CGlibc
import Foundation
import LedgerCore
import LedgerLog

extension Ledger {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Print stored records as JSON lines."
        )

        @OptionGroup var options: LedgerOptions

        @Option(help: "Only events that name this company (as the company or the recommender, or included in a round).")
        var company: String?

        @Option(help: "Only events of this type.")
        var type: String?

        @Option(help: "Only events from this seq on.")
        var fromSeq: Int = 1

        func run() throws {
            if let type, EventType(rawValue: type) == nil {
                throw InputError(field: "--type", "unknown event type \"\(type)\"")
            }
            let wanted = try company.map { text throws -> CompanyID in
                guard let id = CompanyID(text) else {
                    throw InputError(field: "--company", "\"\(text)\" is not a company id")
                }
                return id
            }
            // What a line must hold to be printed, as JSON strings: most lines of a large ledger
            // are passed over without being decoded.
            let needles = [type, wanted?.rawValue].compactMap { $0.map { Array("\"\($0)\"".utf8) } }
            var out: [UInt8] = []
            out.reserveCapacity(Log.outputChunk + 4096)
            try LogReader(try options.open()).forEachLine(from: fromSeq) { _, line in
                if !needles.isEmpty {
                    guard needles.allSatisfy({ Log.mayHold(line, $0) }) else { return }
                    let event = try line.withUnsafeBytes { raw throws(InputError) in try LedgerHistory.decode(raw).event
                    }
                    if let type, event.type.rawValue != type { return }
                    if let wanted, !Log.names(event, wanted) { return }
                }
                out += line
                out.append(UInt8(ascii: "\n"))
                // Written a chunk at a time: a write per line was a system call per event.
                if out.count >= Log.outputChunk {
                    FileHandle.standardOutput.write(Data(out))
                    out.removeAll(keepingCapacity: true)
                }
            }
            FileHandle.standardOutput.write(Data(out))
        }

        /// How many bytes of lines are written at a time.
        static let outputChunk = 1 << 20

        /// Whether a stored line may hold the JSON string `needle` (its bytes, quotes included) as
        /// a value: not when it holds neither those bytes nor a backslash, since only an escape
        /// could spell them otherwise.
        static func mayHold(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
            line.withUnsafeBytes { raw in
                guard let start = raw.baseAddress else { return false }
                return needle.withUnsafeBytes { wanted in
                    ledger_memmem(start, raw.count, wanted.baseAddress, wanted.count) != nil
                        || memchr(start, Int32(UInt8(ascii: "\\")), raw.count) != nil
                }
            }
        }

        static func names(_ event: Event, _ company: CompanyID) -> Bool {
            if event.company == company { return true }
            switch event.body {
            case .recommendationReceived(let recommender): return recommender == company
            case .indexRoundRecorded(_, let included): return included.contains(company)
            default: return false
            }
        }
    }
}
