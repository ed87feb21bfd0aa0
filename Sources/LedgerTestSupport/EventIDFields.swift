import LedgerCore

/// A UUID's fields as RFC 9562 lays out a version 7: what tests of new ids read.
public struct EventIDFields: Equatable {
    public var version: UInt64
    public var variant: UInt64
    /// The first 48 bits: Unix milliseconds in a version 7.
    public var milliseconds: UInt64
    /// The 74 bits after the version and variant: 12 above, 62 below.
    public var counter: Counter

    public struct Counter: Equatable {
        public var upper: UInt64
        public var lower: UInt64

        public init(upper: UInt64, lower: UInt64) {
            self.upper = upper
            self.lower = lower
        }

        /// The counter plus one.
        public var next: Counter {
            lower == 1 << 62 - 1 ? Counter(upper: upper + 1, lower: 0) : Counter(upper: upper, lower: lower + 1)
        }
    }

    public init(_ id: EventID) {
        version = id.high >> 12 & 0xF
        variant = id.low >> 62
        milliseconds = id.high >> 16
        counter = Counter(upper: id.high & 0xFFF, lower: id.low & (1 << 62 - 1))
    }
}
