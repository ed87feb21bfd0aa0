/// A storage failure (exit 4): what went wrong and where, down to the segment and byte offset.
public struct LogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of storage failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The directory is not a ledger.
        public static let notALedger = Code(name: "not a ledger")
        /// `init` on a directory that already holds a ledger.
        public static let alreadyALedger = Code(name: "already a ledger")
        /// Another writer held the lock too long.
        public static let locked = Code(name: "locked")
        /// Stored bytes fail their checks with good commits after them.
        public static let corrupt = Code(name: "corrupt")
        /// An append would number an event past the most a ledger holds (`SequencedEvent.maxSeq`).
        public static let full = Code(name: "full")
        /// A system call failed (write, fsync, rename, disk full, …).
        public static let io = Code(name: "I/O error")
    }

    public var code: Code
    public var reason: String
    /// The file concerned, relative to the ledger directory when inside it.
    public var file: String?
    /// The byte offset in `file`.
    public var offset: Int?
    /// The seq concerned.
    public var seq: Int?
    /// The system error number, for `.io`.
    public var errno: Int32?

    public init(
        _ code: Code,
        _ reason: String,
        file: String? = nil,
        offset: Int? = nil,
        seq: Int? = nil,
        errno: Int32? = nil
    ) {
        self.code = code
        self.reason = reason
        self.file = file
        self.offset = offset
        self.seq = seq
        self.errno = errno
    }

    public var description: String {
        var place: [String] = []
        if let seq { place.append("seq \(seq)") }
        if let file { place.append(file) }
        if let offset { place.append("byte offset \(offset)") }
        return (place.isEmpty ? "" : place.joined(separator: ", ") + ": ") + reason
    }
}
