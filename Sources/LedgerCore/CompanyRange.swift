/// A range of companies in id order (`CompanyID.<`, the order of the projections' keys): what a
/// rebuild of a long log folds and writes at a time, so that it holds a part of the log's events
/// and of their fold at once, and writes each table's rows in its key's order all the same.
public struct CompanyRange: Hashable, Sendable {
    /// The first company in the range; nil: from the first of all.
    public let from: CompanyID?
    /// The first company after the range; nil: to the last of all.
    public let upTo: CompanyID?
    /// `from` and `upTo` as text, for `contains(utf8:)`.
    private let fromText: [UInt8]?
    private let upToText: [UInt8]?

    public init(from: CompanyID?, upTo: CompanyID?) {
        self.from = from
        self.upTo = upTo
        fromText = from?.withUTF8 { Array($0) }
        upToText = upTo?.withUTF8 { Array($0) }
    }

    /// Every company.
    public static let all = CompanyRange(from: nil, upTo: nil)

    /// How much log one range covers, about, when no count of ranges is asked for (a rebuild, a
    /// whole replay): `hongkong` (1.5 GB of log, 20 million events) is folded in six ranges, each
    /// holding some 3.4 million events (134 MB of them) and their fold at a time. Its log read
    /// once, its events set aside (`EventSpill`), a fold in six ranges took no longer than in four
    /// (15.6 s against 15.5 for every company's status) and peaked at 370 MiB against 485: the
    /// blocks the events hold (profiles, long names) stay in memory for every range until it is
    /// folded.
    public static let logBytesPerRange = 256 << 20

    /// How many ranges to read `logBytes` of log in: one for each `logBytesPerRange`, at least one.
    public static func count(forLogBytes logBytes: Int) -> Int {
        max(1, (logBytes + logBytesPerRange - 1) / logBytesPerRange)
    }

    /// Which of `ranges` (in order, each starting where the one before ends, the last to the end)
    /// holds `company`: the first that ends after it, by bisection. Inlinable: a spill asks it
    /// for every event it sets aside.
    @inlinable
    public static func index(of company: CompanyID, in ranges: [CompanyRange]) -> Int {
        var (low, high) = (0, ranges.count - 1)
        while low < high {
            let middle = (low + high) / 2
            if let upTo = ranges[middle].upTo, !(company < upTo) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    public func contains(_ company: CompanyID) -> Bool {
        if let from, company < from { return false }
        if let upTo, !(company < upTo) { return false }
        return true
    }

    /// `contains` of the company whose id is the text `utf8`, compared as bytes, without making
    /// the id: ids are ASCII, and `CompanyID.<` is their text's order, byte by byte. Text that
    /// is no company id is in one range of any split all the same.
    public func contains(utf8 text: UnsafeRawBufferPointer) -> Bool {
        if let fromText, text.lexicographicallyPrecedes(fromText) { return false }
        if let upToText, !text.lexicographicallyPrecedes(upToText) { return false }
        return true
    }

    /// `count` ranges, in order, that together hold every company and share out `companies`
    /// about evenly (fewer when there are fewer companies than that).
    /// - Parameter companies: every company of a log, or a fair sample of them, in any order.
    public static func split(_ companies: [CompanyID], into count: Int) -> [CompanyRange] {
        precondition(count >= 1, "at least one range")
        let sorted = Set(companies).sorted()
        // The first company of each range after the first: a company never straddles two.
        var bounds: [CompanyID] = []
        for k in 1..<count {
            let bound = sorted.isEmpty ? nil : sorted[k * sorted.count / count]
            if let bound, bound != bounds.last, bound != sorted.first { bounds.append(bound) }
        }
        let starts: [CompanyID?] = [nil] + bounds
        let ends: [CompanyID?] = bounds + [nil]
        return zip(starts, ends).map { CompanyRange(from: $0, upTo: $1) }
    }
}
