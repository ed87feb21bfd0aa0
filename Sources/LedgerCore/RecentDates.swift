extension StoredLineDecoder {
    /// The `on` and `period` a decoder of many lines read last (`RecentValues.dates`).
    struct RecentDates: Sendable {
        var on = RecentField<Day>()
        var period = RecentField<Period>()
    }

    /// A field's value as read last, with its bytes: read again only when they differ.
    struct RecentField<Value: Sendable>: Sendable {
        /// The bytes read last, as two words that cover them (overlapping when fewer than
        /// sixteen), and how many there were; -1 before any.
        private var words: (UInt64, UInt64) = (0, 0)
        private var count = -1
        private var last: Value?

        /// `read(bytes)`, or the value read last when `bytes` are the same as then. Only a value
        /// read (not nil) is kept; bytes of other lengths than 4 to 16 are read every time.
        mutating func value(
            of bytes: UnsafeRawBufferPointer,
            _ read: (UnsafeRawBufferPointer) -> Value?
        ) -> Value? {
            let n = bytes.count
            let key: (UInt64, UInt64)
            switch n {
            case 8...16:
                key = (
                    bytes.loadUnaligned(as: UInt64.self), bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                )
            case 4..<8:
                key = (
                    UInt64(bytes.loadUnaligned(as: UInt32.self)),
                    UInt64(bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
                )
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
