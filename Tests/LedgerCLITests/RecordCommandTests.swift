import Foundation
import LedgerTestSupport
import Testing

/// `ledger record <event>` (issue 7 item 1): typed commands store exactly what the JSON form does.
@Suite struct RecordCommandTests {
    /// Every event type once, as JSON and as the typed command, in an order the rules accept.
    static let steps: [(json: String, typed: [String])] = [
        (
            #"{"type":"FeeScheduleSet","on":"2020-01-01","full":"2000","affiliate":"1000.5"}"#,
            ["fee-schedule-set", "--on", "2020-01-01", "--full", "2000", "--affiliate", "1000.5"]
        ),
        (
            #"{"type":"IndexRoundRecorded","on":"2024-01-10","round":"2024-A","included":["C1","X9"]}"#,
            ["index-round-recorded", "--on", "2024-01-10", "--round", "2024-A", "--included", "C1", "--included", "X9"]
        ),
        (
            #"{"type":"ApplicationFiled","company":"C1","on":"2024-05-01","name":"Chan & Sons Ltd","brNumber":"12345678","brExpiresOn":"2099-12-31","sector":"manufacturing","employeesInHK":40,"class":"full"}"#,
            [
                "application-filed", "--company", "C1", "--on", "2024-05-01", "--name", "Chan & Sons Ltd",
                "--br-number", "12345678", "--br-expires-on", "2099-12-31", "--sector", "manufacturing",
                "--employees-in-hk", "40", "--class", "full",
            ]
        ),
        (
            #"{"type":"DocumentsSubmitted","company":"C1","on":"2024-05-02","documents":["br-certificate","accounts"]}"#,
            [
                "documents-submitted", "--company", "C1", "--on", "2024-05-02", "--documents", "br-certificate",
                "--documents", "accounts",
            ]
        ),
        (
            #"{"type":"MembershipApproved","company":"C1","on":"2024-05-03","class":"full"}"#,
            ["membership-approved", "--company", "C1", "--on", "2024-05-03", "--class", "full"]
        ),
        (
            #"{"type":"ApplicationFiled","company":"C2","on":"2024-05-04","name":"Wing Kee","brNumber":"87654321","brExpiresOn":"2030-01-01","sector":"non-manufacturing","employeesInHK":5,"class":"affiliate"}"#,
            [
                "application-filed", "--company", "C2", "--on", "2024-05-04", "--name", "Wing Kee", "--br-number",
                "87654321", "--br-expires-on", "2030-01-01", "--sector", "non-manufacturing", "--employees-in-hk", "5",
                "--class", "affiliate",
            ]
        ),
        (
            #"{"type":"RecommendationReceived","company":"C2","on":"2024-05-05","recommender":"C1"}"#,
            ["recommendation-received", "--company", "C2", "--on", "2024-05-05", "--recommender", "C1"]
        ),
        (
            #"{"type":"ApplicationRejected","company":"C2","on":"2024-05-06","reason":"incomplete"}"#,
            ["application-rejected", "--company", "C2", "--on", "2024-05-06", "--reason", "incomplete"]
        ),
        (
            #"{"type":"FeeRequested","company":"C1","on":"2024-05-07","period":"2024-25"}"#,
            ["fee-requested", "--company", "C1", "--on", "2024-05-07", "--period", "2024-25"]
        ),
        (
            #"{"type":"DelayExcused","company":"C1","on":"2024-05-08","period":"2024-25","cause":"absence-from-hk","note":"travel","until":"2024-07-31"}"#,
            [
                "delay-excused", "--company", "C1", "--on", "2024-05-08", "--period", "2024-25", "--cause",
                "absence-from-hk", "--note", "travel", "--until", "2024-07-31",
            ]
        ),
        (
            #"{"type":"FeePaid","company":"C1","on":"2024-05-09","amount":1500,"reference":"RC-1","period":"2024-25"}"#,
            [
                "fee-paid", "--company", "C1", "--on", "2024-05-09", "--amount", "1500", "--reference", "RC-1",
                "--period", "2024-25",
            ]
        ),
        (
            #"{"type":"ProfileUpdated","company":"C1","on":"2024-05-10","name":"Chan Holdings","employeesInHK":45}"#,
            [
                "profile-updated", "--company", "C1", "--on", "2024-05-10", "--name", "Chan Holdings",
                "--employees-in-hk", "45",
            ]
        ),
        (
            #"{"type":"ClassChanged","company":"C1","on":"2024-05-11","class":"affiliate"}"#,
            ["class-changed", "--company", "C1", "--on", "2024-05-11", "--class", "affiliate"]
        ),
        (
            #"{"type":"MemberResigned","company":"C1","on":"2024-05-12"}"#,
            ["member-resigned", "--company", "C1", "--on", "2024-05-12"]
        ),
        (
            #"{"type":"EventReversed","on":"2024-05-13","reverses":14,"reason":"entered in error"}"#,
            ["event-reversed", "--on", "2024-05-13", "--reverses", "14", "--reason", "entered in error"]
        ),
    ]

    static func id(_ n: Int) -> String { "00000000-0000-4000-8000-" + String(format: "%012d", n) }

    @Test("a typed command and the JSON form store identical records, for every event type")
    func typedEqualsJSON() throws {
        #expect(Set(RecordCommandTests.steps.map { $0.typed[0] }).count == 14)
        try withTemporaryDirectory { path in
            let json = LedgerProcess(ledger: path + "/json", clock: "2024-06-01T02:00:00Z")
            let typed = LedgerProcess(ledger: path + "/typed", clock: "2024-06-01T02:00:00Z")
            try json.run(["init"])
            try typed.run(["init"])
            for (n, step) in RecordCommandTests.steps.enumerated() {
                let id = RecordCommandTests.id(n + 1)
                let object = "{\"id\":\"\(id)\"," + step.json.dropFirst()
                let a = try json.run(["append", object, "--actor", "clerk"])
                let b = try typed.run(["record"] + step.typed + ["--id", id, "--actor", "clerk"])
                #expect(a.status == 0 && b.status == 0, "\(step.typed[0]): \(a.stderr) \(b.stderr)")
                #expect(a.stdout == b.stdout, "\(step.typed[0]): the same acknowledgement")
            }
            let stored = try json.run(["log"]).stdout
            #expect(stored.split(separator: "\n").count == 15)
            #expect(try typed.run(["log"]).stdout == stored)
        }
    }

    @Test("--on defaults to today in Hong Kong; --dry-run stores nothing and shows the status before and after")
    func defaultsAndDryRun() throws {
        try withTemporaryDirectory { path in
            // 20:00 UTC on 31 May is 04:00 on 1 June in Hong Kong.
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-05-31T20:00:00Z")
            try ledger.run(["init"])
            for step in RecordCommandTests.steps[0..<4] { try ledger.run(["record"] + step.typed) }
            let log = try ledger.run(["log"]).stdout
            let dry = try ledger.run([
                "record", "membership-approved", "--company", "C1", "--class", "full", "--dry-run",
            ])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("would store: {\"seq\":5,\"type\":\"MembershipApproved\""))
            #expect(dry.stdout.contains("\"on\":\"2024-06-01\""), "today in Hong Kong")
            #expect(dry.stdout.contains("before: applied full since 2024-05-01"))
            #expect(dry.stdout.contains("after:  active full since 2024-06-01"))
            #expect(try ledger.run(["log"]).stdout == log, "a dry run appends nothing")
            let refused = try ledger.run([
                "record", "membership-approved", "--company", "C9", "--class", "full", "--dry-run",
            ])
            #expect(refused.status == 3, "a dry run checks the rules as an append does")
            let help = try ledger.run(["record", "fee-paid", "--help"])
            #expect(help.stdout.contains("Money received") && help.stdout.contains("R16"))
        }
    }
}
