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
        /// The bytes read last; nil before any.
        private var bytes: ShortBytes?
        private var last: Value?

        /// `read(bytes)`, or the value read last when `bytes` are the same as then. Only a value
        /// read (not nil) is kept; bytes of other lengths than 4 to 24 are read every time.
        @inline(__always)
        mutating func value(
            of bytes: UnsafeRawBufferPointer,
            _ read: (UnsafeRawBufferPointer) -> Value?
        ) -> Value? {
            guard let key = ShortBytes(bytes) else { return read(bytes) }
            if key == self.bytes, let last { return last }
            guard let value = read(bytes) else { return nil }
            (self.bytes, last) = (key, value)
            return value
        }
    }
}
