import LedgerCore
import LedgerTestSupport
import Testing

typealias E = EventJSON

/// A fee schedule, a round including A and B, and A admitted as a full member on 2024-04-15.
let memberA = [
    E.schedule(), E.round("2022", on: "2022-12-01", included: ["A", "B"]),
    E.filed("A", on: "2024-04-02"), E.documents("A", on: "2024-04-03"), E.approved("A", on: "2024-04-15"),
]

@Suite struct ApplicationRuleTests {
    @Test(
        "R6: manufacturing needs fewer than 100 employees, others fewer than 50",
        arguments: [
            ("manufacturing", 99, true), ("manufacturing", 100, false),
            ("non-manufacturing", 49, true), ("non-manufacturing", 50, false),
        ]
    )
    func r6SMETest(sector: String, employees: Int, admitted: Bool) throws {
        let error = try refusal([
            E.filed("C", on: "2024-05-01", memberClass: "affiliate", employees: employees, sector: sector),
            E.documents("C", on: "2024-05-01"), E.approved("C", on: "2024-05-02", memberClass: "affiliate"),
        ])
        #expect((error == nil) == admitted)
        if !admitted { #expect(error?.rule == "R11" && error?.reason.contains("R6") == true) }
    }

    @Test("R6: the latest known headcount counts")
    func r6LatestProfile() throws {
        let f = try fold([
            E.filed("C", on: "2024-05-01", memberClass: "affiliate", employees: 60),
            #"{"type":"ProfileUpdated","company":"C","on":"2024-05-02","employeesInHK":40}"#,
            E.documents("C", on: "2024-05-02"), E.approved("C", on: "2024-05-03", memberClass: "affiliate"),
        ])
        #expect(f.status("C", "2024-05-03")?.status == .active)
        #expect(f.status("C", "2024-05-01")?.flags == ["not-sme"])
        #expect(f.status("C", "2024-05-02")?.flags == [])
    }

    @Test("R7: registration valid on its expiry date, not the day after")
    func r7Registration() throws {
        let base = [
            E.filed("C", on: "2024-05-01", memberClass: "affiliate", brExpiresOn: "2024-05-10"),
            E.documents("C", on: "2024-05-01"),
        ]
        #expect(try refusal(base + [E.approved("C", on: "2024-05-10", memberClass: "affiliate")]) == nil)
        let error = try refusal(base + [E.approved("C", on: "2024-05-11", memberClass: "affiliate")])
        #expect(error?.rule == "R11" && error?.reason.contains("R7") == true)
        let f = try fold(base)
        #expect(f.status("C", "2024-05-10")?.flags == [])
        #expect(f.status("C", "2024-05-11")?.flags == ["br-expired"])
    }

    @Test("R8: no second application while one is open or the company is active")
    func r8Filing() throws {
        #expect(try refusal([E.filed("C", on: "2024-05-01"), E.filed("C", on: "2024-05-02")])?.rule == "R8")
        #expect(try refusal(memberA + [E.filed("A", on: "2024-06-01")])?.rule == "R8")
        let f = try fold(memberA + [E.filed("C", on: "2024-05-01")])
        #expect(f.status("C", "2024-05-01")?.status == .applied)
        #expect(f.status("C", "2024-04-30") == nil)
    }

    @Test("R8: an event for a company that has filed nothing before it is refused")
    func r8NothingFiled() throws {
        #expect(try refusal([E.documents("Z", on: "2024-05-01")])?.rule == "R8")
        // Filing later does not make an earlier event valid: order is (on, seq).
        #expect(try refusal([E.filed("Z", on: "2024-05-02"), E.documents("Z", on: "2024-05-01")])?.rule == "R8")
    }

    @Test("R9: documents need an open application")
    func r9Documents() throws {
        #expect(try refusal(memberA + [E.documents("A", on: "2024-05-01")])?.rule == "R9")
    }

    @Test("R10: the recommender is another company, an active member on that date")
    func r10Recommendation() throws {
        let base = memberA + [E.filed("C", on: "2024-05-01", memberClass: "affiliate")]
        func recommend(_ by: String, on: String) -> String {
            #"{"type":"RecommendationReceived","company":"C","on":""# + on + #"","recommender":""# + by + #""}"#
        }
        #expect(try refusal(base + [recommend("A", on: "2024-05-02")]) == nil)
        #expect(try refusal(base + [recommend("C", on: "2024-05-02")])?.rule == "R10")
        #expect(try refusal(base + [recommend("Q", on: "2024-05-02")])?.rule == "R10")
        // A was not yet a member on 2024-04-10.
        let early =
            [E.schedule(), E.round("2022", on: "2022-12-01", included: ["A"])] + memberA.dropFirst(2)
            + [E.filed("C", on: "2024-04-05", memberClass: "affiliate"), recommend("A", on: "2024-04-10")]
        #expect(try refusal(early)?.rule == "R10")
    }

    @Test("R11: admission needs documents for this application")
    func r11Documents() throws {
        #expect(
            try refusal([
                E.filed("C", on: "2024-05-01", memberClass: "affiliate"),
                E.approved("C", on: "2024-05-02", memberClass: "affiliate"),
            ])?.rule == "R11"
        )
        let rejectedThenRefiled = [
            E.filed("C", on: "2024-05-01", memberClass: "affiliate"), E.documents("C", on: "2024-05-01"),
            #"{"type":"ApplicationRejected","company":"C","on":"2024-05-02","reason":"incomplete"}"#,
            E.filed("C", on: "2024-05-03", memberClass: "affiliate"),
        ]
        #expect(
            try refusal(rejectedThenRefiled + [E.approved("C", on: "2024-05-04", memberClass: "affiliate")])?.rule
                == "R11"
        )
        #expect(
            try refusal(
                rejectedThenRefiled + [
                    E.documents("C", on: "2024-05-04"), E.approved("C", on: "2024-05-04", memberClass: "affiliate"),
                ]
            ) == nil
        )
    }

    @Test("R11: class full needs an index inclusion on or before admission; affiliate does not")
    func r11FullNeedsInclusion() throws {
        let base = [E.filed("C", on: "2024-05-01"), E.documents("C", on: "2024-05-01")]
        #expect(try refusal(base + [E.approved("C", on: "2024-05-02")])?.rule == "R11")
        #expect(try refusal(base + [E.approved("C", on: "2024-05-02", memberClass: "affiliate")]) == nil)
        #expect(
            try refusal([E.round("R", on: "2024-05-02", included: ["C"])] + base + [E.approved("C", on: "2024-05-02")])
                == nil
        )
        #expect(
            try refusal([E.round("R", on: "2024-05-03", included: ["C"])] + base + [E.approved("C", on: "2024-05-02")])?
                .rule == "R11"
        )
    }

    @Test("R11: the Board may admit in another class than applied for")
    func r11OtherClass() throws {
        let f = try fold(memberA.dropLast() + [E.approved("A", on: "2024-04-15", memberClass: "affiliate")])
        #expect(f.status("A", "2024-04-14")?.memberClass == .full)
        #expect(f.status("A", "2024-04-15")?.memberClass == .affiliate)
        #expect(f.status("A", "2024-04-15")?.since.description == "2024-04-15")
    }

    @Test("R12: a rejection closes the application; the company may file again")
    func r12Rejection() throws {
        let f = try fold([
            E.filed("C", on: "2024-05-01", memberClass: "affiliate"),
            #"{"type":"ApplicationRejected","company":"C","on":"2024-05-02","reason":"incomplete"}"#,
            E.filed("C", on: "2024-06-01", memberClass: "affiliate"),
        ])
        #expect(f.status("C", "2024-05-02")?.status == .rejected)
        #expect(f.status("C", "2024-05-02")?.memberClass == .affiliate)
        #expect(f.status("C", "2024-06-01")?.status == .applied)
        #expect(
            try refusal([
                E.filed("C", on: "2024-05-01"), E.approved("C", on: "2024-05-01"),
                #"{"type":"ApplicationRejected","company":"C","on":"2024-05-02","reason":"x"}"#,
            ])?.rule == "R11"
        )
    }
}
