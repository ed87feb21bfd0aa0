/// R10 over folds of disjoint ranges of companies made one after another, each let go before the
/// next (a rebuild that holds one range of a long log at a time): a recommender may be in another
/// range than the company it recommends, so each fold's recommendations are kept unjudged
/// (`MembershipFold.merged(_:judgesRecommendations:)`), with when each company's status changed,
/// and judged once every range is folded.
public struct RecommendationCheck: Sendable {
    private var recommendations: [(point: UInt64, recommender: CompanyID)] = []
    /// Each company's changes: their places in `points` and `statuses`.
    private var changes: [CompanyID: Range<Int>] = [:]
    /// The fold's point at each change, company after company, each company's in order.
    private var points: [UInt64] = []
    private var statuses: [MembershipStatus] = []

    public init() {}

    /// Takes in the recommendations `fold` did not judge, and its companies' status changes.
    /// - Precondition: no company of `fold` was in a fold added before.
    public mutating func add(_ fold: MembershipFold) {
        recommendations += fold.deferredRecommendations
        changes.reserveCapacity(changes.count + fold.companies.count)
        // Each company's lists read where they lie: a copy of each state, all its lists retained
        // and released, was 4% of a view's main thread in ranges.
        fold.companies.withUnsafeBufferPointer { states in
            for k in states.indices {
                let start = points.count
                points += states[k].changedAt
                statuses += states[k].history.timeline.lazy.map(\.status)
                let previous = changes.updateValue(start..<points.count, forKey: states[k].history.company)
                precondition(previous == nil, "each company is in one range")
            }
        }
    }

    /// Whether every recommendation's recommender was active just before it (R10), as
    /// `MembershipFold.merged` judges them.
    public var holds: Bool {
        recommendations.allSatisfy { status(of: $0.recommender, before: $0.point) == .active }
    }

    /// A company's status just before `point`, nil if it had not filed by then.
    private func status(of company: CompanyID, before point: UInt64) -> MembershipStatus? {
        guard let own = changes[company], let last = points[own].lastIndex(where: { $0 < point }) else { return nil }
        return statuses[last]
    }
}
