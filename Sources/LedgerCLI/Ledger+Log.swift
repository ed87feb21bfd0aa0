import ArgumentParser
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
            let out = FileHandle.standardOutput
            var seq = 0
            try LogReader(try options.open()).forEachLine { line in
                seq += 1
                guard seq >= fromSeq else { return }
                if type != nil || wanted != nil {
                    let event = try line.withUnsafeBytes { raw throws(InputError) in try LedgerHistory.decode(raw).event
                    }
                    if let type, event.type.rawValue != type { return }
                    if let wanted, !Log.names(event, wanted) { return }
                }
                out.write(Data(line + [UInt8(ascii: "\n")]))
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
