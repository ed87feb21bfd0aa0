import LedgerCore

/// What an administrator can do about a refusal, in plain words: appended to the one `error:`
/// line after the rule, the company and the event (issue 7: "every refusal written for a person").
enum RefusalAdvice {
    /// The rule's name, as RULES.md heads it.
    static func title(_ rule: String) -> String? {
        [
            "R2": "recording", "R5": "valid history", "R8": "filing", "R9": "documents", "R10": "recommendation",
            "R11": "admission", "R12": "rejection", "R13": "fee schedule", "R15": "fee request", "R16": "payment",
            "R18": "excused delay", "R19": "index rounds", "R21": "class change", "R23": "resignation",
            "R26": "reversal",
        ][rule]
    }

    /// The advice for `error`, nil when there is nothing better to say than its reason.
    static func advice(_ error: LedgerError) -> String? {
        let reason = error.reason
        func says(_ text: String) -> Bool { reason.contains(text) }
        // A backdated entry or a reversal that a later event depends on (R5), whatever the rule.
        if says("no longer hold") {
            return error.seq.map {
                "reverse seq \($0) (and what depends on it) first, or record this entry with another date"
            }
                ?? "reverse the later event first, or record this entry with another date"
        }
        switch error.rule {
        case "R2" where says("clock"):
            return "give LEDGER_CLOCK an instant at or after the last one, or leave it unset to use the system clock"
        case "R2":
            return "an event cannot happen after the day it is recorded: check --on"
        case "R8" where says("names a company that has filed"):
            return "record the company's ApplicationFiled first (or check the company id)"
        case "R8" where says("already open"):
            return "decide the open application first: record MembershipApproved or ApplicationRejected"
        case "R8":
            return "an active member cannot apply again; record MemberResigned first if it is leaving and rejoining"
        case "R9", "R12":
            return "record an ApplicationFiled for the company first"
        case "R10" where says("recommend itself"):
            return "name another company as the recommender"
        case "R10" where says("recommender"):
            return
                "the recommender must be an active member on that date: check its id and its status (`ledger status`)"
        case "R10":
            return "record an ApplicationFiled for the company first"
        case "R11" where says("no documents"):
            return "record DocumentsSubmitted for this application before the approval"
        case "R11" where says("index round"):
            return "record the IndexRoundRecorded that included the company first, or admit it as affiliate"
        case "R11" where says("registration"):
            return "record a ProfileUpdated with the renewed brExpiresOn before the approval"
        case "R11" where says("employees") || says("SME"):
            return
                "the company fails the SME test (R6); correct its profile with ProfileUpdated if the figures were wrong"
        case "R11" where says("is active"):
            return "the company is already an active member: nothing needs doing"
        case "R11":
            return "admission needs an open application: record ApplicationFiled first"
        case "R13":
            return "record a FeeScheduleSet in force on that date, or give the amount"
        case "R15" where says("already"):
            return
                "one request per period and term: pay or excuse the existing request, or reverse it (EventReversed) if it was wrong"
        case "R15":
            return
                "fees are requested from active members for a year of their current term: check --period and the status"
        case "R16" where says("reference"):
            return "each payment needs a new reference; if this one was recorded twice, nothing needs doing"
        case "R16":
            return "name the period of an existing request, or leave --period out to pay the oldest balance"
        case "R18":
            return "an excusal covers a current request: check --period against `ledger arrears`"
        case "R19":
            return "give the round a new label and a date no other round has"
        case "R21" where says("already"):
            return "the member is already in that class: nothing needs doing"
        case "R21" where says("index round"):
            return "record the IndexRoundRecorded that included the company before the change"
        case "R21":
            return "only active members change class: check `ledger status`"
        case "R23":
            return "only active or void members resign: check `ledger status`"
        case "R26" where says("already reversed"):
            return "nothing needs doing: the entry is already reversed"
        case "R26" where says("cannot be reversed"):
            return "append the original event again instead"
        case "R26":
            return "reverse the later events that depend on it first, newest first"
        default:
            return nil
        }
    }

    /// The error as one line for a person: rule and its name, company, reason, and what to do.
    static func line(_ error: LedgerError) -> String {
        var text = error.rule + (title(error.rule).map { " (\($0))" } ?? "") + ": " + error.place + error.reason
        if let advice = advice(error) { text += ". To fix: " + advice }
        return text
    }
}
