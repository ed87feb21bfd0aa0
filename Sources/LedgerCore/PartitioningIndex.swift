extension RandomAccessCollection {
    /// The first index whose element satisfies `belongsAfter`, found by bisection, for a
    /// collection in which every element that satisfies it comes after every one that does not;
    /// `endIndex` when none does.
    @inlinable public func partitioningIndex(where belongsAfter: (Element) throws -> Bool) rethrows -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if try belongsAfter(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
