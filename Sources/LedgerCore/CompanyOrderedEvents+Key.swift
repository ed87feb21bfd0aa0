extension CompanyOrderedEvents {
    /// An event's place in its bucket's order: by company (hash, then id), and a company's events
    /// by (`on`, seq). No two events' keys are equal (seqs differ).
    struct Key: Comparable {
        var hash: UInt64
        var order: UInt64
        var company: CompanyID
        /// Where the event lies in its bucket.
        var index: UInt32

        @inline(__always)
        static func < (a: Key, b: Key) -> Bool {
            if a.hash != b.hash { return a.hash < b.hash }
            // Two companies of one hash, as unlikely as that is, are still two.
            if a.company != b.company { return a.company < b.company }
            return a.order < b.order
        }

        static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.company == b.company && a.order == b.order }

        /// Sorts the `count` keys at `keys` in place: quicksort on the median of three, insertion
        /// sort for short runs, Swift's sort past a depth no fair input reaches. Swift's sort
        /// (stable, merging through a buffer it allocates at each call) was a tenth of a one-core
        /// replay, for keys that are all distinct and need no stability.
        static func sort(_ keys: UnsafeMutablePointer<Key>, count: Int) {
            sort(keys, count: count, depth: 2 * (Int.bitWidth - count.leadingZeroBitCount))
        }

        /// `sort(_:count:)` that hands over to Swift's sort after `depth` partitions.
        static func sort(_ keys: UnsafeMutablePointer<Key>, count: Int, depth: Int) {
            var (low, high, depth) = (0, count, depth)
            while high - low > insertionRun {
                guard depth > 0 else {
                    var rest = UnsafeMutableBufferPointer(start: keys + low, count: high - low)
                    rest.sort()
                    return
                }
                depth -= 1
                let split = partition(keys, low, high)
                // The shorter side first, the longer in this loop: the stack stays shallow.
                if split - low < high - split {
                    sort(keys + low, count: split - low, depth: depth)
                    low = split
                } else {
                    sort(keys + split, count: high - split, depth: depth)
                    high = split
                }
            }
            _ = insertionSort(keys, low, high, moves: .max)
        }

        /// Sorts the `count` keys at `keys` in place, by insertion while that stays cheap (keys
        /// nearly in order take about one comparison each), else by `sort(_:count:)` from
        /// wherever insertion got to: a group holding two companies' events interleaved, or many
        /// backdated, never costs more than a few moves a key before it is sorted properly.
        static func sortNearlyOrdered(_ keys: UnsafeMutablePointer<Key>, count: Int) {
            if !insertionSort(keys, 0, count, moves: 4 * count + 32) { sort(keys, count: count) }
        }

        /// How many keys are put in order by insertion rather than partitioned further.
        static let insertionRun = 16

        /// Splits `low..<high` (more than two keys) around the median of its first, middle and
        /// last: returns `split`, with every key of `low..<split` below every key of `split..<high`,
        /// and neither side empty.
        @inline(__always)
        private static func partition(_ a: UnsafeMutablePointer<Key>, _ low: Int, _ high: Int) -> Int {
            // The lower middle: with the three in order, the last key is above the pivot, which
            // keeps Hoare's scan inside the range and both sides non-empty (the keys are distinct).
            let mid = low + (high - low - 1) / 2
            if a[mid] < a[low] { swapAt(a, mid, low) }
            if a[high - 1] < a[mid] {
                swapAt(a, high - 1, mid)
                if a[mid] < a[low] { swapAt(a, mid, low) }
            }
            let pivot = a[mid]
            var i = low - 1
            var j = high
            while true {
                repeat { i += 1 } while a[i] < pivot
                repeat { j -= 1 } while pivot < a[j]
                if i >= j { return j + 1 }
                swapAt(a, i, j)
            }
        }

        /// Puts `low..<high` in order by insertion, unless that takes more than `moves` moves of
        /// a key: then stops, the keys a permutation of what they were, and returns false.
        @inline(__always)
        private static func insertionSort(_ a: UnsafeMutablePointer<Key>, _ low: Int, _ high: Int, moves: Int) -> Bool {
            guard high - low > 1 else { return true }
            var left = moves
            for i in (low + 1)..<high {
                let key = a[i]
                var j = i
                while j > low && key < a[j - 1] {
                    a[j] = a[j - 1]
                    j -= 1
                }
                a[j] = key
                left -= i - j
                if left < 0 { return false }
            }
            return true
        }

        @inline(__always)
        private static func swapAt(_ a: UnsafeMutablePointer<Key>, _ i: Int, _ j: Int) {
            let t = a[i]
            a[i] = a[j]
            a[j] = t
        }
    }
}
