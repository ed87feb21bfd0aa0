import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog

extension Ledger {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print stored records as JSON lines.")

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
            let history = try LedgerHistory.load(try options.open())
            let out = FileHandle.standardOutput
            for record in history.records where record.seq >= fromSeq {
                if let type, record.event.type.rawValue != type { continue }
                if let wanted, !Log.names(record.event, wanted) { continue }
                out.write(Data(record.line + [UInt8(ascii: "\n")]))
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
