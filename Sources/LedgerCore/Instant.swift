/// A UTC instant with millisecond precision: the `recorded` stamp (R2) and `--known-at` (R4).
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    private static let millisecondsPerDay: Int64 = 86_400_000
    private static let hongKongOffset: Int64 = 8 * 3_600_000

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; fractions beyond milliseconds
    /// are truncated. Nil for anything else, including impossible dates and times.
    public init?(_ text: String) {
        var text = text
        guard let instant = text.withUTF8({ Instant(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = instant
    }

    /// Parses RFC 3339 from UTF-8 bytes.
    public init?(utf8 b: UnsafeRawBufferPointer) {
        guard b.count >= 20, let day = Day(utf8: UnsafeRawBufferPointer(rebasing: b[0..<10])),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), b[13] == UInt8(ascii: ":"),
            b[16] == UInt8(ascii: ":"), let hour = Day.digits(b, 11..<13), let minute = Day.digits(b, 14..<16),
            let second = Day.digits(b, 17..<19), hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var millis = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, let d = Day.digits(b, i..<(i + 1)) {
                if digits < 3 { millis = millis * 10 + d }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        guard i < b.count else { return nil }
        var offsetMinutes = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.count else { return nil }
        } else {
            guard i + 6 == b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"),
                b[i + 3] == UInt8(ascii: ":"), let oh = Day.digits(b, (i + 1)..<(i + 3)),
                let om = Day.digits(b, (i + 4)..<(i + 6)), oh < 24, om < 60
            else { return nil }
            offsetMinutes = (oh * 60 + om) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        let seconds = Int64(day.ordinal) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
        milliseconds = seconds * 1000 + Int64(millis)
    }

    /// The Hong Kong calendar date at this instant (R1, R2).
    public var hongKongDay: Day {
        let local = milliseconds + Instant.hongKongOffset
        let days = local >= 0 ? local / Instant.millisecondsPerDay : (local + 1) / Instant.millisecondsPerDay - 1
        return Day(ordinal: Int(days))
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the stored form.
    public var description: String {
        let ms = milliseconds
        let days = ms >= 0 ? ms / Instant.millisecondsPerDay : (ms + 1) / Instant.millisecondsPerDay - 1
        let rest = Int(ms - days * Instant.millisecondsPerDay)
        let day = Day(ordinal: Int(days))
        return day.description + "T" + Day.pad(rest / 3_600_000, 2) + ":" + Day.pad(rest / 60_000 % 60, 2) + ":"
            + Day.pad(rest / 1000 % 60, 2) + "." + Day.pad(rest % 1000, 3) + "Z"
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
