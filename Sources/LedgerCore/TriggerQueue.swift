/// Dates on which a company's status must be re-evaluated with no event (R17, R18): a min-heap.
struct TriggerQueue: Sendable {
    private var heap: [(day: Day, company: Int, point: UInt64)] = []

    /// Schedules a re-evaluation at the start of `day`, or, on the scheduling event's own day,
    /// just after it: `point` is where the scheduling event stands in the fold's order.
    mutating func schedule(_ company: Int, on day: Day, after point: UInt64) {
        heap.append((day, company, max(MembershipFold.orderKey(day, 0), point)))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].day < heap[parent].day else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest trigger if it is on or before `day`.
    /// - Returns: also the trigger's point in the fold's order.
    mutating func popFirst(through day: Day) -> (day: Day, company: Int, point: UInt64)? {
        guard let first = heap.first, first.day <= day else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].day < heap[smallest].day { smallest = left }
                if right < heap.count, heap[right].day < heap[smallest].day { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
