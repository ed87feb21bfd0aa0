/// A refusal by a membership rule (exit 3): the rule, the company and the event behind it.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rule's number as RULES.md gives it, e.g. `R17`.
    public var rule: String
    /// The company the rule was applied to, if any.
    public var company: CompanyID?
    /// The seq of the event that does not hold.
    public var seq: Int?
    /// Why, in one sentence.
    public var reason: String

    public init(_ rule: String, company: CompanyID? = nil, seq: Int? = nil, _ reason: String) {
        self.rule = rule
        self.company = company
        self.seq = seq
        self.reason = reason
    }

    public var description: String {
        var text = rule + ": "
        if let company { text += "company \(company): " }
        return text + reason
    }
}
