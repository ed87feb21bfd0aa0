/// Builders of input events as JSON text, with the defaults a test does not care about.
public enum EventJSON {
    public static func object(_ fields: [(String, Any)]) -> String {
        "{" + fields.map { "\"\($0.0)\":" + value($0.1) }.joined(separator: ",") + "}"
    }

    static func value(_ v: Any) -> String {
        switch v {
        case let s as String:
            return "\"" + s.replacingOccurrences("\\", "\\\\").replacingOccurrences("\"", "\\\"") + "\""
        case let i as Int: return String(i)
        case let list as [String]: return "[" + list.map { value($0) }.joined(separator: ",") + "]"
        default: return "\(v)"
        }
    }

    public static func schedule(on: String = "2020-01-01", full: String = "2000", affiliate: String = "1000") -> String
    {
        object([("type", "FeeScheduleSet"), ("on", on), ("full", full), ("affiliate", affiliate)])
    }

    public static func round(_ label: String, on: String, included: [String]) -> String {
        object([("type", "IndexRoundRecorded"), ("on", on), ("round", label), ("included", included)])
    }

    public static func filed(
        _ company: String,
        on: String,
        memberClass: String = "full",
        employees: Int = 10,
        sector: String = "non-manufacturing",
        brExpiresOn: String = "2099-12-31",
        name: String? = nil
    ) -> String {
        object([
            ("type", "ApplicationFiled"), ("company", company), ("on", on), ("name", name ?? "\(company) Ltd"),
            ("brNumber", "12345678"), ("brExpiresOn", brExpiresOn), ("sector", sector), ("employeesInHK", employees),
            ("class", memberClass),
        ])
    }

    public static func documents(_ company: String, on: String) -> String {
        object([("type", "DocumentsSubmitted"), ("company", company), ("on", on), ("documents", ["br-certificate"])])
    }

    public static func approved(_ company: String, on: String, memberClass: String = "full") -> String {
        object([("type", "MembershipApproved"), ("company", company), ("on", on), ("class", memberClass)])
    }

    public static func requested(_ company: String, on: String, period: String, amount: String? = nil) -> String {
        var fields: [(String, Any)] = [("type", "FeeRequested"), ("company", company), ("on", on), ("period", period)]
        if let amount { fields.append(("amount", amount)) }
        return object(fields)
    }

    public static func paid(
        _ company: String,
        on: String,
        amount: String,
        reference: String,
        period: String? = nil
    ) -> String {
        var fields: [(String, Any)] = [
            ("type", "FeePaid"), ("company", company), ("on", on), ("amount", amount), ("reference", reference),
        ]
        if let period { fields.append(("period", period)) }
        return object(fields)
    }

    public static func excused(_ company: String, on: String, period: String, until: String? = nil) -> String {
        var fields: [(String, Any)] = [
            ("type", "DelayExcused"), ("company", company), ("on", on), ("period", period),
            ("cause", "absence-from-hk"),
        ]
        if let until { fields.append(("until", until)) }
        return object(fields)
    }

    public static func recommendation(_ company: String, by recommender: String, on: String) -> String {
        object([("type", "RecommendationReceived"), ("company", company), ("on", on), ("recommender", recommender)])
    }

    public static func reversal(of seq: Int, on: String) -> String {
        object([("type", "EventReversed"), ("on", on), ("reverses", seq), ("reason", "entered in error")])
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
