import ArgumentParser
import LedgerCore
import LedgerLog
import LedgerProjections

extension Ledger {
    /// `ledger record <event> --field value …`: every event type as a command with a flag per
    /// field, for people who would rather not write JSON. It builds the same input object the
    /// JSON form takes, so it stores exactly the same bytes.
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Record one event with flags instead of JSON (one subcommand per event type).",
            discussion: "`ledger record fee-paid --help` says what the event means and which rules check it.",
            subcommands: [
                RecordApplicationFiled.self, RecordDocumentsSubmitted.self, RecordRecommendationReceived.self,
                RecordMembershipApproved.self, RecordApplicationRejected.self, RecordFeeScheduleSet.self,
                RecordFeeRequested.self, RecordFeePaid.self, RecordDelayExcused.self, RecordIndexRoundRecorded.self,
                RecordProfileUpdated.self, RecordClassChanged.self, RecordMemberResigned.self,
                RecordEventReversed.self,
            ]
        )
    }
}

/// The flags every `record` subcommand shares.
struct RecordOptions: ParsableArguments {
    @OptionGroup var options: LedgerOptions

    @Option(help: "The date it happened, YYYY-MM-DD (default: today in Hong Kong).")
    var on: String?

    @Option(help: "Who records it (default: the login name).")
    var actor: String?

    @Option(help: "An idempotency key (a UUID): recording the same event again with it changes nothing.")
    var id: String?

    @Flag(help: "Show the record that would be stored and the company's status before and after; store nothing.")
    var dryRun = false
}

/// One `record` subcommand: its event type and its fields as JSON values.
protocol RecordCommand: ParsableCommand {
    static var eventType: EventType { get }
    var record: RecordOptions { get }
    /// The payload fields given (nil for an optional field left out), `on` and `type` apart.
    var fields: [(String, JSONValue?)] { get }
}

extension RecordCommand {
    static func recordConfiguration() -> CommandConfiguration {
        CommandConfiguration(
            commandName: EventHelp.commandName(eventType),
            abstract: EventHelp.abstract(eventType),
            discussion: "Records a \(eventType.rawValue) event. " + EventHelp.rules(eventType)
        )
    }

    /// The help of the flag for `field` of this event type.
    static func help(_ field: String) -> ArgumentHelp {
        ArgumentHelp(EventHelp.field(eventType.fields.first { $0.name == field }!))
    }

    func run() throws {
        let clock = try record.options.clock()
        let on = try record.on.map { text throws -> String in
            guard Day(text) != nil else { throw InputError(field: "--on", "\"\(text)\" is not a real date YYYY-MM-DD") }
            return text
        }
        var members: [(key: String, value: JSONValue)] = [("type", .string(Self.eventType.rawValue))]
        if let id = record.id { members.append(("id", .string(id))) }
        members.append(("on", .string(on ?? clock.read().hongKongDay.description)))
        for case let (name, value?) in fields { members.append((name, value)) }
        let input = try EventCodec.decodeInput(.object(members))
        let appender = try record.options.appender(actor: record.actor)
        if record.dryRun {
            let preview = try appender.preview([input], history: EventIndex.announcing())
            for line in preview.lines { print("would store: " + String(decoding: line, as: UTF8.self)) }
            if preview.lines.isEmpty { print("would store nothing: the id is already stored with this payload") }
            if let company = input.event.company {
                let today = clock.read().hongKongDay
                print("status of \(company) as of \(today):")
                for (label, fold) in [("before: ", preview.before), ("after:  ", preview.after)] {
                    print(
                        "  " + label
                            + (fold.history(of: company)?.statusRow(on: today)?.summary() ?? "no application on file")
                    )
                }
            }
            return
        }
        try appender.appendAcknowledging([input])
    }
}

private func text(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }
private func integer(_ value: Int?) -> JSONValue? { value.map { .number(String($0)) } }
private func texts(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

struct RecordApplicationFiled: RecordCommand {
    static let eventType = EventType.applicationFiled
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(help: help("name")) var name: String
    @Option(help: help("brNumber")) var brNumber: String
    @Option(help: help("brExpiresOn")) var brExpiresOn: String
    @Option(help: help("sector")) var sector: String
    @Option(help: help("employeesInHK")) var employeesInHK: Int
    @Option(name: .customLong("class"), help: help("class")) var memberClass: String
    var fields: [(String, JSONValue?)] {
        [
            ("company", text(company)), ("name", text(name)), ("brNumber", text(brNumber)),
            ("brExpiresOn", text(brExpiresOn)), ("sector", text(sector)), ("employeesInHK", integer(employeesInHK)),
            ("class", text(memberClass)),
        ]
    }
}

struct RecordDocumentsSubmitted: RecordCommand {
    static let eventType = EventType.documentsSubmitted
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(help: help("documents")) var documents: [String] = []
    var fields: [(String, JSONValue?)] { [("company", text(company)), ("documents", texts(documents))] }
}

struct RecordRecommendationReceived: RecordCommand {
    static let eventType = EventType.recommendationReceived
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(help: help("recommender")) var recommender: String
    var fields: [(String, JSONValue?)] { [("company", text(company)), ("recommender", text(recommender))] }
}

struct RecordMembershipApproved: RecordCommand {
    static let eventType = EventType.membershipApproved
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(name: .customLong("class"), help: help("class")) var memberClass: String
    var fields: [(String, JSONValue?)] { [("company", text(company)), ("class", text(memberClass))] }
}

struct RecordApplicationRejected: RecordCommand {
    static let eventType = EventType.applicationRejected
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(help: help("reason")) var reason: String
    var fields: [(String, JSONValue?)] { [("company", text(company)), ("reason", text(reason))] }
}

struct RecordFeeScheduleSet: RecordCommand {
    static let eventType = EventType.feeScheduleSet
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("full")) var full: String
    @Option(help: help("affiliate")) var affiliate: String
    var fields: [(String, JSONValue?)] { [("full", text(full)), ("affiliate", text(affiliate))] }
}

struct RecordFeeRequested: RecordCommand {
    static let eventType = EventType.feeRequested
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(help: help("period")) var period: String
    @Option(help: help("amount")) var amount: String?
    var fields: [(String, JSONValue?)] {
        [("company", text(company)), ("period", text(period)), ("amount", text(amount))]
    }
}

struct RecordFeePaid: RecordCommand {
    static let eventType = EventType.feePaid
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(help: help("amount")) var amount: String
    @Option(help: help("reference")) var reference: String
    @Option(help: help("period")) var period: String?
    var fields: [(String, JSONValue?)] {
        [
            ("company", text(company)), ("amount", text(amount)), ("reference", text(reference)),
            ("period", text(period)),
        ]
    }
}

struct RecordDelayExcused: RecordCommand {
    static let eventType = EventType.delayExcused
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(help: help("period")) var period: String
    @Option(help: help("cause")) var cause: String
    @Option(help: help("note")) var note: String?
    @Option(help: help("until")) var until: String?
    var fields: [(String, JSONValue?)] {
        [
            ("company", text(company)), ("period", text(period)), ("cause", text(cause)), ("note", text(note)),
            ("until", text(until)),
        ]
    }
}

struct RecordIndexRoundRecorded: RecordCommand {
    static let eventType = EventType.indexRoundRecorded
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("round")) var round: String
    @Option(help: help("included")) var included: [String] = []
    var fields: [(String, JSONValue?)] { [("round", text(round)), ("included", texts(included))] }
}

struct RecordProfileUpdated: RecordCommand {
    static let eventType = EventType.profileUpdated
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(help: help("name")) var name: String?
    @Option(help: help("brNumber")) var brNumber: String?
    @Option(help: help("brExpiresOn")) var brExpiresOn: String?
    @Option(help: help("sector")) var sector: String?
    @Option(help: help("employeesInHK")) var employeesInHK: Int?
    var fields: [(String, JSONValue?)] {
        [
            ("company", text(company)), ("name", text(name)), ("brNumber", text(brNumber)),
            ("brExpiresOn", text(brExpiresOn)), ("sector", text(sector)), ("employeesInHK", integer(employeesInHK)),
        ]
    }
}

struct RecordClassChanged: RecordCommand {
    static let eventType = EventType.classChanged
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    @Option(name: .customLong("class"), help: help("class")) var memberClass: String
    var fields: [(String, JSONValue?)] { [("company", text(company)), ("class", text(memberClass))] }
}

struct RecordMemberResigned: RecordCommand {
    static let eventType = EventType.memberResigned
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("company")) var company: String
    var fields: [(String, JSONValue?)] { [("company", text(company))] }
}

struct RecordEventReversed: RecordCommand {
    static let eventType = EventType.eventReversed
    static let configuration = recordConfiguration()
    @OptionGroup var record: RecordOptions
    @Option(help: help("reverses")) var reverses: Int
    @Option(help: help("reason")) var reason: String
    var fields: [(String, JSONValue?)] { [("reverses", integer(reverses)), ("reason", text(reason))] }
}
