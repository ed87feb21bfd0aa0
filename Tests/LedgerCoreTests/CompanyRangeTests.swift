import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct CompanyRangeTests {
    /// Ids of one to twelve characters (long ids are kept apart from short ones) from a few
    /// letters, digits and marks, so that many share a prefix.
    static func ids(seed: UInt64, count: Int) -> [CompanyID] {
        var rng = SplitMix64(seed: seed)
        let first = Array("AHZ09a")
        let rest = Array("AHZ09az._-")
        return (0..<count).map { _ in
            let length = Int.random(in: 1...12, using: &rng)
            let text =
                String(first.randomElement(using: &rng)!)
                + String((1..<length).map { _ in rest.randomElement(using: &rng)! })
            return CompanyID(text)!
        }
    }

    @Test(
        "a split of the companies into ranges puts each in exactly one, the ranges in order and about even; the bisection finds that one"
    )
    func splitCoversAll() {
        for seed: UInt64 in 1...20 {
            let companies = Self.ids(seed: seed, count: 300)
            let distinct = Set(companies).count
            for count in [1, 2, 3, 8, 400] {
                let ranges = CompanyRange.split(companies, into: count)
                #expect(ranges.count <= min(count, distinct))
                #expect(ranges.first?.from == nil && ranges.last?.upTo == nil)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upTo == b.from) }
                var sizes = Array(repeating: 0, count: ranges.count)
                for company in Set(companies) {
                    let holding = ranges.indices.filter { ranges[$0].contains(company) }
                    #expect(holding.count == 1, "\(company) in \(holding.count) ranges")
                    #expect(holding.first == CompanyRange.index(of: company, in: ranges))
                    if let k = holding.first { sizes[k] += 1 }
                }
                if count <= 8 { #expect(sizes.max()! - sizes.min()! <= distinct / count + 1) }
            }
        }
        #expect(CompanyRange.split([], into: 3) == [.all])
    }

    @Test("a range holds a company's id text, compared as bytes, exactly when it holds the company")
    func textOrderIsIdOrder() {
        let companies = Self.ids(seed: 7, count: 400)
        for range in CompanyRange.split(Array(companies.prefix(40)), into: 6) {
            for company in companies {
                var text = company.rawValue
                let byText = text.withUTF8 { range.contains(utf8: UnsafeRawBufferPointer($0)) }
                #expect(byText == range.contains(company), "\(company)")
            }
        }
    }
}
