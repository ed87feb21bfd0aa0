import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct IndexRuleTests {
    let affiliateC = [
        E.filed("C", on: "2024-05-01", memberClass: "affiliate"), E.documents("C", on: "2024-05-01"),
        E.approved("C", on: "2024-05-02", memberClass: "affiliate"),
    ]

    @Test("R19: round labels are unique and no two rounds share a date")
    func r19Rounds() throws {
        #expect(
            try refusal([
                E.round("2024", on: "2024-01-01", included: []), E.round("2024", on: "2024-02-01", included: []),
            ])?.rule == "R19"
        )
        #expect(
            try refusal([
                E.round("2024", on: "2024-01-01", included: []), E.round("2025", on: "2024-01-01", included: []),
            ])?.rule == "R19"
        )
        #expect(try refusal([E.round("2024", on: "2024-01-01", included: ["NEVER-SEEN"])]) == nil)
        // Folded company by company, the rounds are checked once, before any company.
        let events = try sequenced(
            affiliateC + [
                E.round("2024", on: "2024-06-01", included: []), E.round("2024", on: "2024-07-01", included: []),
            ]
        )
        let reversed = try MembershipFold.reversedSeqs(events[...])
        #expect(throws: LedgerError.self) { try MembershipFold.fold(events[...], reversed: reversed, part: 0, of: 1) }
    }

    @Test("R20: three missed rounds after joining void the membership from the third's date")
    func r20ThreeMissed() throws {
        let f = try fold(
            affiliateC + [
                E.round("r1", on: "2024-06-01", included: []), E.round("r2", on: "2026-06-01", included: []),
                E.round("r3", on: "2028-06-01", included: []),
            ]
        )
        #expect(f.status("C", "2028-05-31")?.status == .active)
        let row = f.status("C", "2028-06-01")
        #expect(
            row?.status == .void && row?.reason == "index-non-participation:r3"
                && row?.since.description == "2028-06-01"
        )
    }

    @Test("R20: two misses and an inclusion reset the count")
    func r20Reset() throws {
        let f = try fold(
            affiliateC + [
                E.round("r1", on: "2024-06-01", included: []), E.round("r2", on: "2026-06-01", included: []),
                E.round("r3", on: "2028-06-01", included: ["C"]), E.round("r4", on: "2030-06-01", included: []),
            ]
        )
        #expect(f.status("C", "2030-06-01")?.status == .active)
    }

    @Test("R20: rounds before joining do not count")
    func r20BeforeJoining() throws {
        let f = try fold(
            [E.round("r0", on: "2024-04-01", included: []), E.round("r00", on: "2024-04-15", included: [])] + affiliateC
                + [
                    E.round("r1", on: "2024-06-01", included: []), E.round("r2", on: "2026-06-01", included: []),
                ]
        )
        #expect(f.status("C", "2026-06-01")?.status == .active)
    }

    @Test("R20: a membership already void stays void with its reason; the term ends, so no excusal restores it")
    func r20AlreadyVoid() throws {
        let base =
            affiliateC + [
                E.schedule(on: "2024-05-02"), E.requested("C", on: "2024-05-03", period: "2024-25"),
                E.round("r1", on: "2024-06-10", included: []), E.round("r2", on: "2024-07-10", included: []),
                E.round("r3", on: "2024-08-10", included: []),
            ]
        let f = try fold(base)
        let row = f.status("C", "2024-09-01")
        #expect(row?.status == .void && row?.reason == "non-payment:2024-25" && row?.since.description == "2024-06-03")
        #expect(try refusal(base + [E.excused("C", on: "2024-09-01", period: "2024-25")])?.rule == "R18")
    }

    @Test("R20/R8: after an index void the company may apply again, and a new term begins")
    func r20Reapplication() throws {
        let f = try fold(
            affiliateC + [
                E.round("r1", on: "2024-06-01", included: []), E.round("r2", on: "2025-06-01", included: []),
                E.round("r3", on: "2026-06-01", included: []),
                E.filed("C", on: "2026-07-01", memberClass: "affiliate"), E.documents("C", on: "2026-07-01"),
                E.approved("C", on: "2026-07-02", memberClass: "affiliate"),
                E.round("r4", on: "2026-08-01", included: []),
            ]
        )
        #expect(f.status("C", "2026-07-01")?.status == .applied)
        #expect(f.status("C", "2026-08-01")?.status == .active)
        #expect(f.status("C", "2026-08-01")?.since.description == "2026-07-02")
    }
}

@Suite struct ChangeRuleTests {
    @Test("R21: a class change keeps `since`; the current class or full without inclusion is refused")
    func r21ClassChange() throws {
        let f = try fold(memberA + [#"{"type":"ClassChanged","company":"A","on":"2024-06-01","class":"affiliate"}"#])
        let row = f.status("A", "2024-06-01")
        #expect(row?.memberClass == .affiliate && row?.since.description == "2024-04-15")
        #expect(
            try refusal(memberA + [#"{"type":"ClassChanged","company":"A","on":"2024-06-01","class":"full"}"#])?.rule
                == "R21"
        )
        let affiliate = [
            E.filed("C", on: "2024-05-01", memberClass: "affiliate"), E.documents("C", on: "2024-05-01"),
            E.approved("C", on: "2024-05-02", memberClass: "affiliate"),
        ]
        #expect(
            try refusal(affiliate + [#"{"type":"ClassChanged","company":"C","on":"2024-06-01","class":"full"}"#])?.rule
                == "R21"
        )
        #expect(
            try refusal(
                affiliate + [
                    E.round("x", on: "2024-05-20", included: ["C"]),
                    #"{"type":"ClassChanged","company":"C","on":"2024-06-01","class":"full"}"#,
                ]
            ) == nil
        )
    }

    @Test("R22/R24: a profile change sets flags and never changes the status")
    func r22Profile() throws {
        let f = try fold(
            memberA + [
                #"{"type":"ProfileUpdated","company":"A","on":"2024-06-01","employeesInHK":500,"brExpiresOn":"2024-06-30","name":"Alpha Two"}"#
            ]
        )
        let row = f.status("A", "2024-07-01")
        #expect(row?.status == .active && row?.flags == ["br-expired", "not-sme"] && row?.name == "Alpha Two")
        #expect(f.status("A", "2024-05-31")?.name == "A Ltd")
    }

    @Test("R23: resignation from active or void; what is owed stays in the arrears")
    func r23Resignation() throws {
        let f = try fold(
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                #"{"type":"MemberResigned","company":"A","on":"2024-06-01"}"#,
            ]
        )
        #expect(f.status("A", "2024-06-01")?.status == .resigned)
        #expect(f.status("A", "2024-06-01")?.flags == ["in-arrears"])
        #expect(f.arrearsRows(on: Day("2024-06-01")!).count == 1)
        #expect(
            try refusal([E.filed("C", on: "2024-05-01"), #"{"type":"MemberResigned","company":"C","on":"2024-06-01"}"#]
            )?.rule == "R23"
        )
    }

    @Test("R25: only active full members vote")
    func r25Voting() throws {
        let f = try fold(
            memberA + [
                E.filed("C", on: "2024-05-01", memberClass: "affiliate"), E.documents("C", on: "2024-05-01"),
                E.approved("C", on: "2024-05-02", memberClass: "affiliate"),
                E.requested("A", on: "2024-05-01", period: "2024-25"),
            ]
        )
        #expect(f.votingRows(on: Day("2024-05-31")!).map(\.company.rawValue) == ["A"])
        #expect(f.votingRows(on: Day("2024-06-01")!).isEmpty)
        #expect(f.votingRows(on: Day("2024-04-14")!).isEmpty)
    }

    @Test("R26: a reversed payment counts as never made")
    func r26ReversePayment() throws {
        let base =
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.paid("A", on: "2024-05-01", amount: "2000", reference: "P1"),
            ]
        #expect(try fold(base).status("A", "2024-06-01")?.status == .active)
        let reversed = try fold(base + [E.reversal(of: 7, on: "2024-07-01")])
        #expect(reversed.status("A", "2024-06-01")?.status == .void)
        // The reference is free again once the payment is reversed.
        #expect(
            try refusal(
                base + [
                    E.reversal(of: 7, on: "2024-07-01"), E.paid("A", on: "2024-07-02", amount: "2000", reference: "P1"),
                ]
            ) == nil
        )
    }

    @Test("R26: a reversal cannot be reversed, nor a seq reversed twice, nor a later or missing seq")
    func r26Refusals() throws {
        let base =
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.paid("A", on: "2024-05-01", amount: "2000", reference: "P1"),
            ]
        #expect(
            try refusal(base + [E.reversal(of: 7, on: "2024-07-01"), E.reversal(of: 8, on: "2024-07-01")])?.rule
                == "R26"
        )
        #expect(
            try refusal(base + [E.reversal(of: 7, on: "2024-07-01"), E.reversal(of: 7, on: "2024-07-01")])?.rule
                == "R26"
        )
        #expect(try refusal(base + [E.reversal(of: 99, on: "2024-07-01")])?.rule == "R26")
    }

    @Test("R26: a reversal is judged among the events at hand, whatever their seqs (an append folds one company's)")
    func r26SparseSeqs() throws {
        // The company's events as an index gives them, at the far end of the longest log: nothing
        // may be sized by the seq (a table by seq cost every append on 20 million events 20 ms).
        let offset = SequencedEvent.maxSeq - 9
        let lines =
            memberA + [
                E.requested("A", on: "2024-04-16", period: "2024-25"),
                E.paid("A", on: "2024-05-01", amount: "2000", reference: "P1"),
            ]
        var events = try sequenced(lines).map { SequencedEvent(seq: $0.seq + offset, event: $0.event) }
        let reversal = try sequenced([E.reversal(of: offset + 7, on: "2024-07-01")])[0].event
        events.append(SequencedEvent(seq: offset + 9, event: reversal))
        #expect(try MembershipFold.fold(events).status("A", "2024-06-01")?.status == .void)
        let missing = try sequenced([E.reversal(of: offset + 8, on: "2024-07-01")])[0].event
        events[events.count - 1] = SequencedEvent(seq: offset + 9, event: missing)
        #expect(throws: LedgerError.self) { try MembershipFold.fold(events) }
    }

    @Test("R26/R5: reversing an event others depend on is refused, naming the first that no longer holds")
    func r26Dependants() throws {
        let error = try refusal(memberA + [E.reversal(of: 4, on: "2024-07-01")])
        #expect(error?.rule == "R11")
        #expect(error?.seq == 5)
        // Reversing the later events first makes it possible.
        #expect(
            try refusal(memberA + [E.reversal(of: 5, on: "2024-07-01"), E.reversal(of: 4, on: "2024-07-01")]) == nil
        )
    }

    @Test("R5: a backdated event that breaks a later one is refused, naming the later one")
    func r5Backdated() throws {
        let recommended =
            memberA + [
                E.filed("C", on: "2024-06-01", memberClass: "affiliate"),
                #"{"type":"RecommendationReceived","company":"C","on":"2024-06-10","recommender":"A"}"#,
            ]
        let error = try refusal(recommended + [#"{"type":"MemberResigned","company":"A","on":"2024-06-05"}"#])
        #expect(error?.rule == "R10")
        #expect(error?.seq == 7)
        #expect(try refusal(recommended + [#"{"type":"MemberResigned","company":"A","on":"2024-06-11"}"#]) == nil)
    }
}
