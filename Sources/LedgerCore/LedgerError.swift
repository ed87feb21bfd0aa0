/// A refusal by a membership rule (exit 3): the rule, the company and the event behind it.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rule's number as RULES.md gives it, e.g. `R17`.
    public var rule: String
    /// The company the rule was applied to, if any.
    public var company: CompanyID?
    /// The seq of the event that does not hold.
    public var seq: Int?
    /// The 1-based line of the batch that holds the refused event, when the batch has more than one.
    public var line: Int?
    /// Why, in one sentence.
    public var reason: String

    public init(_ rule: String, company: CompanyID? = nil, seq: Int? = nil, line: Int? = nil, _ reason: String) {
        self.rule = rule
        self.company = company
        self.seq = seq
        self.line = line
        self.reason = reason
    }

    /// The company and the batch line, each followed by ": ", as messages place them.
    public var place: String {
        (company.map { "company \($0): " } ?? "") + (line.map { "line \($0): " } ?? "")
    }

    public var description: String { rule + ": " + place + reason }
}
