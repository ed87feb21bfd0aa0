import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct FeeRuleTests {
    func amount(_ f: MembershipFold, _ company: String) -> String? {
        f.history(of: CompanyID(company)!)?.requests.last?.amount.description
    }

    func joined(
        on date: String,
        memberClass: String = "affiliate",
        requestOn: String,
        period: String
    ) throws -> MembershipFold {
        try fold([
            E.schedule(full: "2000", affiliate: "1000.01"),
            E.filed("C", on: date, memberClass: memberClass), E.documents("C", on: date),
            E.approved("C", on: date, memberClass: memberClass), E.requested("C", on: requestOn, period: period),
        ])
    }

    @Test(
        "R14: joining 1 April to 30 September pays the annual fee; 1 October to 31 March half",
        arguments: [
            ("2024-04-01", "2024-25", "1000.01"), ("2024-09-30", "2024-25", "1000.01"),
            ("2024-10-01", "2024-25", "500.01"), ("2025-03-31", "2024-25", "500.01"),
            ("2024-02-29", "2023-24", "500.01"),
        ]
    )
    func r14Basis(joinedOn: String, period: String, expected: String) throws {
        let f = try joined(on: joinedOn, requestOn: joinedOn, period: period)
        #expect(amount(f, "C") == expected)
    }

    @Test("R14: every later year is annual")
    func r14LaterYears() throws {
        let f = try joined(on: "2024-10-01", requestOn: "2025-04-01", period: "2025-26")
        #expect(amount(f, "C") == "1000.01")
    }

    @Test("R13/R15: the schedule in force on the request date fills the amount")
    func r13ScheduleChanged() throws {
        let f = try fold([
            E.schedule(on: "2020-01-01"), E.filed("C", on: "2024-05-01", memberClass: "affiliate"),
            E.documents("C", on: "2024-05-01"), E.approved("C", on: "2024-05-01", memberClass: "affiliate"),
            E.schedule(on: "2024-05-02", full: "3000", affiliate: "1500"),
            E.requested("C", on: "2024-05-03", period: "2024-25"),
        ])
        #expect(amount(f, "C") == "1500.00")
        #expect(f.filledAmounts[6]?.description == "1500.00")
    }

    @Test("R13: without a schedule in force the amount must be given")
    func r13NoSchedule() throws {
        let base = [
            E.filed("C", on: "2024-05-01", memberClass: "affiliate"), E.documents("C", on: "2024-05-01"),
            E.approved("C", on: "2024-05-01", memberClass: "affiliate"),
        ]
        #expect(try refusal(base + [E.requested("C", on: "2024-05-02", period: "2024-25")])?.rule == "R13")
        #expect(try refusal(base + [E.requested("C", on: "2024-05-02", period: "2024-25", amount: "5")]) == nil)
    }

    @Test("R15: periods from the term's first year to the year after the request's; one request per period")
    func r15Periods() throws {
        #expect(try refusal(memberA + [E.requested("A", on: "2024-05-01", period: "2023-24")])?.rule == "R15")
        #expect(try refusal(memberA + [E.requested("A", on: "2024-05-01", period: "2025-26")]) == nil)
        #expect(try refusal(memberA + [E.requested("A", on: "2024-05-01", period: "2026-27")])?.rule == "R15")
        #expect(
            try refusal(
                memberA + [
                    E.requested("A", on: "2024-05-01", period: "2024-25"),
                    E.requested("A", on: "2024-05-02", period: "2024-25"),
                ]
            )?.rule == "R15"
        )
        #expect(
            try refusal([
                E.filed("C", on: "2024-05-01"), E.requested("C", on: "2024-05-02", period: "2024-25", amount: "1"),
            ])?.rule == "R15"
        )
    }

    @Test("R17: paid on the due date stays active; unpaid, void from the day after")
    func r17DueDate() throws {
        let request = memberA + [E.requested("A", on: "2024-04-16", period: "2024-25")]
        let onTime = try fold(request + [E.paid("A", on: "2024-05-16", amount: "2000", reference: "P1")])
        #expect(onTime.status("A", "2024-06-30")?.status == .active)
        let late = try fold(request + [E.paid("A", on: "2024-05-17", amount: "2000", reference: "P1")])
        #expect(late.status("A", "2024-05-16")?.status == .active)
        let row = late.status("A", "2024-05-17")
        #expect(row?.status == .void && row?.since.description == "2024-05-17" && row?.reason == "non-payment:2024-25")
        // A later payment alone does not undo it.
        #expect(late.status("A", "2024-12-01")?.status == .void)
        #expect(late.status("A", "2024-12-01")?.flags == [])
    }

    @Test("R16: a part payment does not settle; credit settles the next request on its date")
    func r16PartPaymentAndCredit() throws {
        let f = try fold(
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.paid("A", on: "2024-05-01", amount: "1500", reference: "P1"),
                E.paid("A", on: "2024-05-02", amount: "2600", reference: "P2"),
                E.requested("A", on: "2025-04-01", period: "2025-26"),
            ]
        )
        let history = f.history(of: CompanyID("A")!)!
        #expect(history.arrearsRows(on: Day("2024-05-01")!).first?.balance.description == "500.00")
        #expect(history.requests[0].settledOn?.description == "2024-05-02")
        #expect(history.requests[1].paid(asOf: Day("2025-04-01")!).description == "2000.00")
        #expect(history.requests[1].settledOn?.description == "2025-04-01")
        #expect(f.status("A", "2025-06-01")?.status == .active)
    }

    @Test("R16: a repeated reference is refused; a payment for an unrequested period is refused")
    func r16References() throws {
        let base =
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.paid("A", on: "2024-05-01", amount: "10", reference: "P1"),
            ]
        #expect(try refusal(base + [E.paid("A", on: "2024-05-02", amount: "10", reference: "P1")])?.rule == "R16")
        #expect(
            try refusal(base + [E.paid("A", on: "2024-05-02", amount: "10", reference: "P2", period: "2025-26")])?.rule
                == "R16"
        )
    }

    @Test("R16: a reference is refused when it repeats one of many, or one it equals canonically")
    func r16ManyReferences() throws {
        let many =
            memberA + [E.requested("A", on: "2024-04-16", period: "2024-25")]
            + (1...40).map { E.paid("A", on: "2024-05-01", amount: "1", reference: "K-\($0)") }
        for repeated in ["K-1", "K-32", "K-33", "K-40", "\u{212A}-1", "\u{212A}-40"] {
            #expect(
                try refusal(many + [E.paid("A", on: "2024-05-02", amount: "1", reference: repeated)])?.rule == "R16"
            )
        }
        #expect(try refusal(many + [E.paid("A", on: "2024-05-02", amount: "1", reference: "K-41")]) == nil)
        let few = Array(many.prefix(memberA.count + 3))
        #expect(try refusal(few + [E.paid("A", on: "2024-05-02", amount: "1", reference: "\u{212A}-2")])?.rule == "R16")
        #expect(try refusal(few + [E.paid("A", on: "2024-05-02", amount: "1", reference: "K-3")]) == nil)
        // Longer ones, the other character past the first eight bytes; and equal bytes at last.
        let long =
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.paid("A", on: "2024-05-01", amount: "1", reference: "BANK-2024-000K1"),
                E.paid("A", on: "2024-05-01", amount: "1", reference: "BANK-2024-000K2-and-some-more"),
            ]
        for repeated in ["BANK-2024-000\u{212A}1", "BANK-2024-000K2-and-some-more"] {
            #expect(
                try refusal(long + [E.paid("A", on: "2024-05-02", amount: "1", reference: repeated)])?.rule == "R16"
            )
        }
        for new in ["BANK-2024-000K3", "BANK-2024-000K2-and-some-mor", "BANK-2024-000\u{212A}3"] {
            #expect(try refusal(long + [E.paid("A", on: "2024-05-02", amount: "1", reference: new)]) == nil)
        }
    }

    @Test("R16: without a period, the oldest current request is paid first")
    func r16OldestFirst() throws {
        let f = try fold(
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.requested("A", on: "2024-04-17", period: "2025-26"),
                E.paid("A", on: "2024-05-01", amount: "2500", reference: "P1"),
            ]
        )
        let rows = f.arrearsRows(on: Day("2024-05-01")!)
        #expect(rows.map(\.period.description) == ["2025-26"])
        #expect(rows.first?.paid.description == "500.00")
    }

    @Test("R16/R17: a settled request is passed over, a part-paid one is not")
    func r16r17SettledPassedOver() throws {
        // 2024-25 settled; 2025-26 part paid; then 2026-27 asked: a payment without a period, and
        // the daily due-date checks, start from the oldest request that still has a balance.
        let asked =
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.paid("A", on: "2024-05-01", amount: "2000", reference: "P1"),
                E.requested("A", on: "2025-04-01", period: "2025-26"),
                E.paid("A", on: "2025-04-10", amount: "500", reference: "P2"),
                E.requested("A", on: "2025-04-02", period: "2026-27"),
            ]
        let f = try fold(asked + [E.paid("A", on: "2025-04-20", amount: "1600", reference: "P3")])
        let requests = f.history(of: CompanyID("A")!)!.requests
        #expect(requests.map(\.paid.description) == ["2000.00", "2000.00", "100.00"])
        #expect(f.status("A", "2025-05-02")?.status == .active)
        #expect(f.status("A", "2025-05-03")?.reason == "non-payment:2026-27")
        let short = try fold(asked + [E.paid("A", on: "2025-04-20", amount: "1000", reference: "P3")])
        #expect(short.history(of: CompanyID("A")!)!.requests.map(\.paid.description) == ["2000.00", "1500.00", "0.00"])
        #expect(short.status("A", "2025-05-01")?.status == .active)
        #expect(short.status("A", "2025-05-02")?.reason == "non-payment:2025-26")
    }

    @Test("R17: an old term's debt stays in the arrears and voids nothing")
    func r17OldTermDebt() throws {
        let f = try fold(
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                #"{"type":"MemberResigned","company":"A","on":"2024-04-20"}"#,
                E.filed("A", on: "2024-04-21"), E.documents("A", on: "2024-04-21"), E.approved("A", on: "2024-04-22"),
            ]
        )
        #expect(f.status("A", "2024-06-01")?.status == .active)
        #expect(f.status("A", "2024-06-01")?.flags == ["in-arrears"])
        #expect(f.arrearsRows(on: Day("2024-06-01")!).first?.state == .overdue)
        // Paid only by naming its period.
        let paid = try fold(
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                #"{"type":"MemberResigned","company":"A","on":"2024-04-20"}"#,
                E.filed("A", on: "2024-04-21"), E.documents("A", on: "2024-04-21"), E.approved("A", on: "2024-04-22"),
                E.paid("A", on: "2024-06-02", amount: "2000", reference: "P9"),
            ]
        )
        #expect(paid.arrearsRows(on: Day("2024-06-02")!).count == 1)
        let named = try fold(
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                #"{"type":"MemberResigned","company":"A","on":"2024-04-20"}"#,
                E.filed("A", on: "2024-04-21"), E.documents("A", on: "2024-04-21"), E.approved("A", on: "2024-04-22"),
                E.paid("A", on: "2024-06-02", amount: "2000", reference: "P9", period: "2024-25"),
            ]
        )
        #expect(named.arrearsRows(on: Day("2024-06-02")!).isEmpty)
    }

    @Test("R18: an excusal before the void prevents it; the request still owes")
    func r18BeforeVoid() throws {
        let f = try fold(
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.excused("A", on: "2024-05-10", period: "2024-25"),
            ]
        )
        #expect(f.status("A", "2024-12-01")?.status == .active)
        #expect(f.status("A", "2024-12-01")?.flags == ["in-arrears"])
        #expect(f.arrearsRows(on: Day("2024-12-01")!).first?.state == .excused)
        #expect(f.arrearsRows(on: Day("2024-05-16")!).first?.state == .due)
    }

    @Test("R18: an excusal after the void makes the member active again from its date, same term")
    func r18AfterVoid() throws {
        let f = try fold(
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.excused("A", on: "2024-06-01", period: "2024-25"),
            ]
        )
        #expect(f.status("A", "2024-05-31")?.status == .void)
        let row = f.status("A", "2024-06-01")
        #expect(row?.status == .active && row?.since.description == "2024-06-01")
        // Same term: a second request for the period is still refused.
        #expect(
            try refusal(
                memberA + [
                    E.requested("A", on: "2024-04-16", period: "2024-25"),
                    E.excused("A", on: "2024-06-01", period: "2024-25"),
                    E.requested("A", on: "2024-06-02", period: "2024-25"),
                ]
            )?.rule == "R15"
        )
    }

    @Test("R18: with until, an unsettled request voids the day after until")
    func r18Until() throws {
        let base =
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.excused("A", on: "2024-05-10", period: "2024-25", until: "2024-07-31"),
            ]
        let f = try fold(base)
        #expect(f.status("A", "2024-07-31")?.status == .active)
        #expect(f.status("A", "2024-08-01")?.status == .void)
        #expect(f.status("A", "2024-08-01")?.reason == "non-payment:2024-25")
        let paid = try fold(base + [E.paid("A", on: "2024-07-31", amount: "2000", reference: "P1")])
        #expect(paid.status("A", "2024-08-01")?.status == .active)
    }

    @Test("R18: until before the due date, or no such request in the current term, is refused")
    func r18Refusals() throws {
        let base = memberA + [E.requested("A", on: "2024-04-16", period: "2024-25")]
        #expect(
            try refusal(base + [E.excused("A", on: "2024-05-10", period: "2024-25", until: "2024-05-15")])?.rule
                == "R18"
        )
        #expect(try refusal(base + [E.excused("A", on: "2024-05-10", period: "2024-25", until: "2024-05-16")]) == nil)
        #expect(try refusal(base + [E.excused("A", on: "2024-05-10", period: "2025-26")])?.rule == "R18")
    }

    @Test("R18: a later excusal replaces the earlier one from its date")
    func r18Replacement() throws {
        let f = try fold(
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.excused("A", on: "2024-05-10", period: "2024-25"),
                E.excused("A", on: "2024-06-01", period: "2024-25", until: "2024-06-30"),
            ]
        )
        #expect(f.status("A", "2024-06-30")?.status == .active)
        #expect(f.status("A", "2024-07-01")?.status == .void)
    }
}
