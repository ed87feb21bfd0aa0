/// A membership year (R3): 1 April to 31 March, labelled `YYYY-YY`.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The calendar year in which the membership year begins.
    public var startYear: Int {
        get { Int(year) }
        set { year = Int16(clamping: newValue) }
    }
    /// Two bytes (a period's year is 1–9998, as it is written): an optional period takes three,
    /// and a payment keeps one in the word it shares with its amount (`Payment`).
    private var year: Int16

    public init(startYear: Int) { year = Int16(clamping: startYear) }

    /// Parses `YYYY-YY` where `YY` is the next year's last two digits (`2025-26`); nil otherwise.
    public init?(_ text: String) {
        var text = text
        guard let period = text.withUTF8({ Period(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = period
    }

    /// Parses `YYYY-YY` from UTF-8 bytes.
    public init?(utf8 b: UnsafeRawBufferPointer) {
        guard b.count == 7, b[4] == UInt8(ascii: "-"), let year = Day.digits(b, 0..<4),
            let next = Day.digits(b, 5..<7), (year + 1) % 100 == next, year >= 1, year < 9999
        else { return nil }
        self.year = Int16(year)
    }

    /// The membership year containing `day`.
    public init(containing day: Day) {
        // 31 days before 1 April is 1 March, so a membership year, moved back 31 days, is the
        // March-year of its start year: no month to work out (a fold asks this of every request).
        self.year = Int16(clamping: Day.marchYear(day.ordinal - 31).year)
    }

    /// 1 April of the start year.
    public var firstDay: Day { Day(year: startYear, month: 4, day: 1)! }
    /// 31 March of the following year.
    public var lastDay: Day { Day(year: startYear + 1, month: 3, day: 31)! }
    /// The next membership year.
    public var next: Period { Period(startYear: startYear + 1) }

    public var description: String {
        guard (0...9999).contains(startYear) else {
            return Day.pad(startYear, 4) + "-" + Day.pad((startYear + 1) % 100, 2)
        }
        return String(unsafeUninitializedCapacity: 7) { b in
            Day.writeDigits(startYear, width: 4, to: b, at: 0)
            b[4] = UInt8(ascii: "-")
            Day.writeDigits((startYear + 1) % 100, width: 2, to: b, at: 5)
            return 7
        }
    }

    public static func < (lhs: Period, rhs: Period) -> Bool { lhs.startYear < rhs.startYear }
}
