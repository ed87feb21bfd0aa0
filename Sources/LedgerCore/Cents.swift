/// An amount of Hong Kong dollars in integer cents; money is never a floating-point number.
public struct Cents: Hashable, Comparable, Sendable, CustomStringConvertible, AdditiveArithmetic {
    /// The amount in cents.
    public var value: Int64

    public init(_ value: Int64) { self.value = value }

    public static let zero = Cents(0)

    /// Parses the input forms of EVENTS.md: a string `^(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?$` or a
    /// positive integer literal, greater than zero and below 1,000,000,000. Nil otherwise.
    public init?(json: JSONValue) {
        let text: String
        switch json {
        case .string(let s): text = s
        case .number(let n):
            // Only a plain integer literal is an amount; 1000.5 must be written "1000.5".
            guard !n.contains("."), !n.contains("e"), !n.contains("E") else { return nil }
            text = n
        default: return nil
        }
        guard let cents = Cents.parse(text), cents.value > 0 else { return nil }
        self = cents
    }

    /// Parses `digits[.d[d]]` exactly as the amount pattern allows (zero included).
    public static func parse(_ text: String) -> Cents? {
        var text = text
        return text.withUTF8 { parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Parses `digits[.d[d]]` from UTF-8 bytes.
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) -> Cents? {
        // One pass, the units read up to the dot: finding the dot first (a generic search) and
        // then reading the digits was 1.5% of a one-core replay, a payment's amount a line.
        var units = 0
        var dot = 0
        while dot < bytes.count && bytes[dot] != UInt8(ascii: ".") {
            let digit = bytes[dot] &- UInt8(ascii: "0")
            guard digit < 10, dot < 9 else { return nil }
            units = units * 10 + Int(digit)
            dot += 1
        }
        guard dot >= 1, dot == 1 || bytes[0] != UInt8(ascii: "0") else { return nil }
        var cents = units * 100
        if dot < bytes.count {
            let length = bytes.count - dot - 1
            guard (1...2).contains(length), let f = Day.digits(bytes, (dot + 1)..<bytes.count) else { return nil }
            cents += length == 1 ? f * 10 : f
        }
        return Cents(Int64(cents))
    }

    /// Half of this amount, rounded half up to the cent (R13).
    public var halved: Cents { Cents((value + 1) / 2) }

    /// The stored form: exactly two decimals, e.g. `2000.00`.
    public var description: String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        return sign + String(magnitude / 100) + "." + Day.pad(Int(magnitude % 100), 2)
    }

    public static func < (lhs: Cents, rhs: Cents) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Cents, rhs: Cents) -> Cents { Cents(lhs.value + rhs.value) }
    public static func - (lhs: Cents, rhs: Cents) -> Cents { Cents(lhs.value - rhs.value) }
}
