import LedgerCore
import Testing

@Suite struct PartitioningIndexTests {
    @Test("bisection finds the first element that belongs after, as a scan does, on slices too")
    func asAScan() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let values = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                Int.random(in: 0...20, using: &generator)
            }
            .sorted()
            let slice = values[(values.count / 3)...]
            for bound in -1...21 {
                #expect(
                    values.partitioningIndex { $0 >= bound } == (values.firstIndex { $0 >= bound } ?? values.endIndex)
                )
                #expect(slice.partitioningIndex { $0 > bound } == (slice.firstIndex { $0 > bound } ?? slice.endIndex))
            }
        }
    }
}
