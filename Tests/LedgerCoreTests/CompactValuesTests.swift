import Testing

@testable import LedgerCore

/// The values a replay holds millions of are laid out small, and still say what they said.
@Suite struct CompactValuesTests {
    /// The profile the changes below are applied to.
    let profile = Profile(
        name: "A Ltd",
        brNumber: "12345678",
        brExpiresOn: Day("2030-01-01")!,
        sector: .manufacturing,
        employeesInHK: 40
    )

    @Test("R17: a request is due 30 days after its date, across month, year and leap-day ends; its term reads back")
    func dueDateAndTerm() {
        for (requested, due) in [
            ("2024-05-01", "2024-05-31"), ("2024-12-15", "2025-01-14"), ("2024-02-01", "2024-03-02"),
            ("2023-02-01", "2023-03-03"),
        ] {
            let request = FeeRequestRecord(
                seq: 7,
                term: 3,
                period: Period(startYear: 2024),
                requestedOn: Day(requested)!,
                amount: Cents(100_000)
            )
            #expect(request.dueOn == Day(due)!, "\(requested)")
            #expect(request.term == 3 && request.balance == Cents(100_000))
        }
    }

    @Test("R16: a request's allocations read back in order, the first held in place, and paid is their sum")
    func allocationsReadBack() {
        var request = FeeRequestRecord(
            seq: 7,
            term: 0,
            period: Period(startYear: 2024),
            requestedOn: Day("2024-05-01")!,
            amount: Cents(100_000)
        )
        #expect(request.allocations.isEmpty && request.paid == .zero && request.settledOn == nil)
        let parts: [(Day, Int64, Int)] = [
            (Day("2024-05-03")!, 30_000, 9), (Day("2024-05-09")!, 0, 12), (Day("2024-05-20")!, 70_000, 15),
        ]
        for (on, amount, seq) in parts { request.allocate(Allocation(on: on, amount: Cents(amount), seq: seq)) }
        #expect(request.allocations.map(\.seq) == [9, 12, 15] && request.allocations.count == 3)
        #expect(request.paid == Cents(100_000) && request.balance == .zero)
        #expect(request.paid(asOf: Day("2024-05-10")!) == Cents(30_000))
        #expect(request.settledOn == Day("2024-05-20")!)
    }

    @Test("a fee request takes 56 bytes and an allocation 16, with the first allocation in place")
    func sizes() {
        // A fold of a whole ledger holds millions of requests: each byte is megabytes.
        #expect(MemoryLayout<Allocation>.size == 16)
        #expect(MemoryLayout<Allocations>.size == 24)
        #expect(MemoryLayout<Excusal>.stride == 16)
        #expect(MemoryLayout<FeeRequestRecord>.stride == 56)
    }

    @Test("an event takes 40 bytes in a replay's array: the large cases are boxed, a renewal is not")
    func eventSize() {
        #expect(MemoryLayout<Profile>.size == 44)
        #expect(MemoryLayout<ProfileChange>.size <= 24)
        #expect(MemoryLayout<Period?>.size == 3)
        #expect(MemoryLayout<Payment>.size == 24)
        #expect(MemoryLayout<EventBody>.size == 25)
        #expect(MemoryLayout<Event>.size == 36)
        #expect(MemoryLayout<SequencedEvent>.stride == 40)
    }

    @Test("R16: a payment's amount, reference and period read back, at the largest amount and every kind of year")
    func paymentFacts() {
        let largest = Cents.parse("999999999.99")!
        for amount in [Cents(1), Cents(110_000), largest] {
            for period in [
                nil, Period(startYear: 1), Period(startYear: 2024), Period(startYear: 9998),
                Period(startYear: Int(Int16.min)), Period(startYear: Int(Int16.max)),
            ] as [Period?] {
                let body = EventBody.feePaid(amount: amount, reference: "HK0026461-3", period: period)
                guard case .feePaid(let payment) = body else {
                    Issue.record("not a payment: \(body)")
                    continue
                }
                #expect(payment.amount == amount && payment.period == period && payment.reference == "HK0026461-3")
                #expect(body.type == .feePaid)
            }
        }
        #expect(
            Payment(amount: Cents(5), reference: "a", period: nil)
                != Payment(amount: Cents(5), reference: "a", period: Period(startYear: 2024))
        )
    }

    @Test("R1: an event's date reads back in its three bytes, from the first calendar day to the last")
    func eventDate() {
        for text in ["0001-01-01", "1969-12-31", "1970-01-01", "2024-02-29", "9999-12-31"] {
            var event = Event(on: Day(text)!, company: CompanyID("C1"), body: .memberResigned)
            #expect(event.on == Day(text)! && event.type == .memberResigned && event.company == CompanyID("C1"))
            event.on = Day("2030-06-30")!
            #expect(event.on == Day("2030-06-30")!)
            #expect(event == Event(on: Day("2030-06-30")!, company: CompanyID("C1"), body: .memberResigned))
        }
    }

    @Test("a status change takes 48 bytes, and its rule, seqs and note read back (R11, R18: two seqs)")
    func statusChange() {
        // 1.7 million of them at `hongkong`: no array of seqs or note string of their own.
        #expect(MemoryLayout<StatusChange>.stride == 48)
        let day = Day("2024-05-01")!
        let voided = StatusChange(
            on: day,
            status: .void,
            memberClass: .full,
            since: day,
            reason: "non-payment:2024-25",
            rule: "R17",
            seqs: (12, nil),
            note: ""
        )
        var one = voided
        #expect(one.rule == "R17" && one.seqs == [12] && one.note.isEmpty && one.reason == "non-payment:2024-25")
        let two = StatusChange(
            on: day,
            status: .active,
            memberClass: .full,
            since: day,
            reason: nil,
            rule: "R11",
            seqs: (30, 7),
            note: "admitted"
        )
        #expect(two.rule == "R11" && two.seqs == [30, 7] && two.note == "admitted")
        #expect(two.seqs(separatedBy: ",") == "30,7" && one.seqs(separatedBy: ", ") == "12")
        one.note = "void"
        #expect(one.note == "void" && one != two && one != voided)
        // A note taken away leaves the value a change made without one.
        one.note = ""
        #expect(one == voided)
    }

    @Test("R22: a change of name or registration number reads back, alone or with the other fields")
    func profileChangeTexts() {
        var change = ProfileChange(name: "B Ltd", brExpiresOn: Day("2031-01-01")!)
        #expect(change.name == "B Ltd" && change.brNumber == nil)
        #expect(change.applied(to: profile).name == "B Ltd" && change.applied(to: profile).brNumber == "12345678")
        change.brNumber = "87654321"
        #expect(change == ProfileChange(name: "B Ltd", brNumber: "87654321", brExpiresOn: Day("2031-01-01")!))
        change.name = nil
        change.brNumber = nil
        // Both texts taken away: the same value as a change that never had them.
        #expect(change == ProfileChange(brExpiresOn: Day("2031-01-01")!))
        #expect(change.hashValue == ProfileChange(brExpiresOn: Day("2031-01-01")!).hashValue)
    }

    @Test("R6, R7: a profile's expiry and sector share a word and read back at every date; a version is 48 bytes")
    func profileExpiryAndSector() {
        #expect(MemoryLayout<ProfileVersion>.stride == 48)
        for text in ["0001-01-01", "1969-12-31", "1970-01-01", "2030-06-30", "9999-12-31"] {
            let day = Day(text)!
            for sector in Sector.allCases {
                var packed = Profile(name: "A Ltd", brNumber: "1", brExpiresOn: day, sector: sector, employeesInHK: 9)
                #expect(packed.brExpiresOn == day && packed.sector == sector)
                // Setting one leaves the other as it was.
                let other: Sector = sector == .manufacturing ? .nonManufacturing : .manufacturing
                packed.sector = other
                #expect(packed.brExpiresOn == day && packed.sector == other)
                packed.brExpiresOn = Day("2030-01-01")!
                #expect(packed.brExpiresOn == Day("2030-01-01")! && packed.sector == other)
                #expect(packed.isSME == (other == .manufacturing ? 9 < 100 : 9 < 50))
            }
        }
        let version = ProfileVersion(on: Day("2024-05-01")!, profile: profile)
        #expect(version.on == Day("2024-05-01")! && version.profile == profile)
    }

    @Test("R3: a membership year reads back its start year, and a year out of range is clamped, not wrapped")
    func periodYear() {
        #expect(Period(startYear: 2024).startYear == 2024 && Period(startYear: 2024).description == "2024-25")
        #expect(Period(startYear: Int.max).startYear == Int(Int16.max))
        #expect(Period(startYear: Int.min).startYear == Int(Int16.min))
        var period = Period(startYear: 1999)
        period.startYear += 1
        #expect(period == Period("2000-01"))
    }

    @Test("R22: a change of profile without a count keeps the count; with one, even 0 or a large one, sets it")
    func profileChangeCount() {
        #expect(ProfileChange(name: "B Ltd").applied(to: profile).employeesInHK == 40)
        #expect(ProfileChange(name: "B Ltd").employeesInHK == nil)
        for count in [0, 99, 5_000_000_000] {
            var change = ProfileChange(employeesInHK: count)
            #expect(change.employeesInHK == count && change.applied(to: profile).employeesInHK == count)
            #expect(change != ProfileChange())
            change.employeesInHK = nil
            #expect(change == ProfileChange())
        }
    }
}
