extension StoredLineDecoder {
    /// The `on` and `period` a decoder of many lines read last (`RecentValues.dates`).
    struct RecentDates: Sendable {
        var on = RecentField<Day>()
        var period = RecentField<Period>()
    }

    /// A field's value as read last, with its bytes: read again only when they differ (the
    /// recorded instant, the date, the membership year and the head of the id of a commit's
    /// lines mostly repeat).
    struct RecentField<Value: Sendable>: Sendable {
        /// The bytes read last, as three words that cover them (overlapping when fewer than 24),
        /// and how many there were; -1 before any.
        private var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        private var count = -1
        private var last: Value?

        /// `read(bytes)`, or the value read last when `bytes` are the same as then. Only a value
        /// read (not nil) is kept; bytes of other lengths than 4 to 24 are read every time.
        @inline(__always)
        mutating func value(
            of bytes: UnsafeRawBufferPointer,
            _ read: (UnsafeRawBufferPointer) -> Value?
        ) -> Value? {
            let n = bytes.count
            let key: (UInt64, UInt64, UInt64)
            switch n {
            case 8...24:
                // The first eight bytes, the last eight, and eight between that reach both.
                func word(_ offset: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
                key = (word(0), word((n - 8) / 2), word(n - 8))
            case 4..<8:
                func word(_ offset: Int) -> UInt64 {
                    UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                }
                key = (word(0), word(n - 4), 0)
            default:
                return read(bytes)
            }
            if n == count, key == words, let last { return last }
            guard let value = read(bytes) else { return nil }
            (words, count, last) = (key, n, value)
            return value
        }
    }
}
