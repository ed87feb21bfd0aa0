import LedgerCore
import Testing

@Suite struct CalendarTests {
    @Test(
        "R1: dates are real calendar dates, leap years included",
        arguments: [
            ("2024-02-29", true), ("2025-02-29", false), ("2000-02-29", true), ("1900-02-29", false),
            ("2025-04-31", false), ("2025-12-31", true), ("2025-13-01", false), ("2025-1-01", false),
            ("20250101", false),
        ]
    )
    func r1RealDates(text: String, valid: Bool) {
        #expect((Day(text) != nil) == valid)
        if valid { #expect(Day(text)!.description == text) }
    }

    @Test("R1: day arithmetic crosses months, years and leap days")
    func r1Arithmetic() {
        #expect(Day("2024-05-10")!.adding(days: 30).description == "2024-06-09")
        #expect(Day("2024-02-28")!.adding(days: 1).description == "2024-02-29")
        #expect(Day("2023-02-28")!.adding(days: 1).description == "2023-03-01")
        #expect(Day("2024-12-31")!.adding(days: 1).description == "2025-01-01")
        for ordinal in stride(from: -800_000, to: 800_000, by: 997) {
            let day = Day(ordinal: ordinal)
            #expect(Day(day.description)?.ordinal == ordinal || day.components.year < 1)
        }
    }

    @Test("R1: every real date round-trips through its ordinal; an ordinal past four bytes stays past them all")
    func r1OrdinalRange() throws {
        for text in ["0001-01-01", "1970-01-01", "2026-12-03", "9999-12-31"] {
            let day = try #require(Day(text))
            #expect(Day(ordinal: day.ordinal) == day)
            #expect(Day(ordinal: day.ordinal).description == text)
        }
        let last = try #require(Day("9999-12-31"))
        #expect(Day(ordinal: Int.max / 2) > last)
        #expect(Day(ordinal: Int.max / 2).adding(days: 1) > last)
        #expect(Day(ordinal: Int.min / 2) < Day("0001-01-01")!)
    }

    @Test("R1/R2: 01:00 in Hong Kong is the previous day in UTC, and the Hong Kong date counts")
    func r1HongKongDate() {
        let instant = Instant("2024-03-31T17:00:00Z")!
        #expect(instant.hongKongDay.description == "2024-04-01")
        #expect(Instant("2024-03-31T15:59:59.999Z")!.hongKongDay.description == "2024-03-31")
        #expect(Instant("2024-04-01T01:00:00+08:00") == instant)
        #expect(instant.description == "2024-03-31T17:00:00.000Z")
        #expect(Instant("2024-03-31T17:00:00.5Z")!.description == "2024-03-31T17:00:00.500Z")
        #expect(Instant("2024-03-31 17:00:00Z") == nil)
        #expect(Instant("2025-02-29T00:00:00Z") == nil)
    }

    @Test(
        "R3: membership years run 1 April to 31 March",
        arguments: [
            ("2025-04-01", "2025-26"), ("2026-03-31", "2025-26"), ("2025-03-31", "2024-25"), ("1999-12-31", "1999-00"),
        ]
    )
    func r3MembershipYear(date: String, label: String) {
        #expect(Period(containing: Day(date)!).description == label)
        #expect(Period(label)?.description == label)
    }

    @Test("R3: every day from 0001-04-01 to 9999-03-31 is in the membership year its month says")
    func r3EveryDay() {
        let first = Day("0001-04-01")!.ordinal
        let last = Day("9999-03-31")!.ordinal
        var wrong = 0
        for ordinal in first...last {
            let day = Day(ordinal: ordinal)
            let (year, month, _) = day.components
            let period = Period(containing: day)
            if period.startYear != (month >= 4 ? year : year - 1) || !(period.firstDay...period.lastDay).contains(day) {
                wrong += 1
            }
        }
        #expect(wrong == 0)
    }

    @Test("R3: a period's second part is the next year's last two digits")
    func r3PeriodFormat() {
        #expect(Period("2025-26") != nil)
        #expect(Period("2099-00") != nil)
        #expect(Period("2025-27") == nil)
        #expect(Period("2025-2026") == nil)
        #expect(Period("25-26") == nil)
    }

    @Test("R13: money is integer cents; half is rounded half up to the cent")
    func r13Money() {
        #expect(Cents.parse("2000")?.value == 200_000)
        #expect(Cents.parse("1000.5")?.value == 100_050)
        #expect(Cents.parse("0.01")?.value == 1)
        #expect(Cents.parse("1.234") == nil)
        #expect(Cents.parse("01") == nil)
        #expect(Cents.parse("-5") == nil)
        #expect(Cents.parse("1000000000") == nil)
        #expect(Cents.parse("999999999.99")?.value == 99_999_999_999)
        #expect(Cents.parse("0")?.value == 0 && Cents.parse("0.5")?.value == 50)
        // Nothing outside the pattern: no digits, no units, no decimals, a stray byte or dot.
        for bad in ["", ".", ".5", "5.", "1a", "1 ", "1.2.", "1..2", "00.5", "1.a", "1e3", "9999999999999999999999"] {
            #expect(Cents.parse(bad) == nil, "\(bad)")
        }
        #expect(Cents(json: .number("2000"))?.description == "2000.00")
        #expect(Cents(json: .number("2000.5")) == nil)
        #expect(Cents(json: .string("0")) == nil)
        #expect(Cents(100_001).halved.description == "500.01")
        #expect(Cents(99_999).halved.description == "500.00")
        #expect(Cents(200_000).halved.description == "1000.00")
    }
}
