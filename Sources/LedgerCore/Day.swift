/// A Hong Kong calendar date (R1), counted in days since 1970-01-01.
///
/// Hong Kong keeps UTC+08:00 all year, so a date never depends on a guessed time zone.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var ordinal: Int {
        get { Int(days) }
        set { days = Int32(clamping: newValue) }
    }
    /// Four bytes, not eight: every event, request and status change holds dates, and a replay
    /// of millions of events holds them all (years 1–9999 need ±3.7 million days).
    private var days: Int32

    /// The day `ordinal` days after 1970-01-01, clamped to what four bytes hold (past any real
    /// date either way: a fold's "after every date" is such a day).
    public init(ordinal: Int) { days = Int32(clamping: ordinal) }

    /// The date `year-month-day`, or nil when it is not a real calendar date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.init(ordinal: era * 146_097 + doe - 719_468)
    }

    /// Parses `YYYY-MM-DD`; nil unless it is exactly that shape and a real date (2025-02-29 is not).
    public init?(_ text: String) {
        var text = text
        guard let day = text.withUTF8({ Day(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = day
    }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes.
    public init?(utf8 b: UnsafeRawBufferPointer) {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let year = Day.digits(b, 0..<4), let month = Day.digits(b, 5..<7), let day = Day.digits(b, 8..<10)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The decimal value of the ASCII digits in `range`, nil if any byte is not a digit.
    @inline(__always)
    static func digits(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        var value = 0
        for i in range {
            let byte = bytes[i]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Whether `year` has 29 February.
    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// The number of days in `month` of `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The civil year, month and day.
    public var components: (year: Int, month: Int, day: Int) {
        let (year, doy) = Day.marchYear(ordinal)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (year + (month <= 2 ? 1 : 0), month, day)
    }

    /// The year whose 1 March begins the 365 or 366 days that hold the day `ordinal` (days since
    /// 1970-01-01), and the day's place in them (0 for 1 March): Howard Hinnant's civil_from_days,
    /// whose years begin in March so that 29 February is last.
    static func marchYear(_ ordinal: Int) -> (year: Int, dayOfYear: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        return (yoe + era * 400, doe - (365 * yoe + yoe / 4 - yoe / 100))
    }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        guard (0...9999).contains(y) else { return Day.pad(y, 4) + "-" + Day.pad(m, 2) + "-" + Day.pad(d, 2) }
        // Written digit by digit into the string's own storage: a rebuild formats millions of dates.
        return String(unsafeUninitializedCapacity: 10) { b in
            Day.writeDigits(y, width: 4, to: b, at: 0)
            b[4] = UInt8(ascii: "-")
            Day.writeDigits(m, width: 2, to: b, at: 5)
            b[7] = UInt8(ascii: "-")
            Day.writeDigits(d, width: 2, to: b, at: 8)
            return 10
        }
    }

    /// Writes `value` (≥ 0) as `width` decimal digits, zero-padded, from `start`.
    static func writeDigits(_ value: Int, width: Int, to b: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var rest = value
        for i in (start..<(start + width)).reversed() {
            b[i] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    /// `value` in decimal, zero-padded to `width` digits.
    public static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.days < rhs.days }
}
