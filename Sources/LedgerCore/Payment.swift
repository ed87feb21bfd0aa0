/// What a `FeePaid` states (R16): the money, the payer's reference, and the membership year it
/// names, if any.
///
/// 24 bytes, so that a payment's event fits in a replay's 40 (`SequencedEvent`): an amount is
/// below HK$1,000,000,000 (EVENTS.md), under 2³⁷ cents, so the amount and the period share one
/// word.
public struct Payment: Hashable, Sendable {
    // The cents from bit 17 up; bit 16 set when there is a period, whose year is bits 0–15.
    private var amountAndPeriod: UInt64
    public var reference: String

    /// - Precondition: `amount` is from 0 to 2⁴⁶ - 1 cents (EVENTS.md allows under 10¹¹).
    public init(amount: Cents, reference: String, period: Period?) {
        precondition((0..<(1 << 46)).contains(amount.value), "a payment's amount fits in 46 bits of cents")
        amountAndPeriod = UInt64(amount.value) << 17 | Payment.bits(of: period)
        self.reference = reference
    }

    public var amount: Cents { Cents(Int64(amountAndPeriod >> 17)) }

    /// The membership year it is for; nil when the payer named none.
    public var period: Period? {
        guard amountAndPeriod & 1 << 16 != 0 else { return nil }
        return Period(startYear: Int(Int16(truncatingIfNeeded: amountAndPeriod)))
    }

    private static func bits(of period: Period?) -> UInt64 {
        guard let period else { return 0 }
        return 1 << 16 | UInt64(UInt16(truncatingIfNeeded: period.startYear))
    }
}
