import LedgerCore

/// What each event means to the people who record it, and the rules that check it: the help of
/// `ledger record <event>`.
enum EventHelp {
    /// The `record` subcommand name: the type in kebab case (`FeePaid` → `fee-paid`).
    static func commandName(_ type: EventType) -> String {
        var name = ""
        for character in type.rawValue {
            if character.isUppercase && !name.isEmpty { name += "-" }
            name += character.lowercased()
        }
        return name
    }

    /// One line: what recording the event says happened.
    static func abstract(_ type: EventType) -> String {
        switch type {
        case .applicationFiled: return "A company applies for membership (full or affiliate)."
        case .documentsSubmitted: return "An applicant hands in its documents."
        case .recommendationReceived: return "A member recommends an applicant."
        case .membershipApproved: return "The Board admits an applicant; --on is the joining date."
        case .applicationRejected: return "The Board rejects an application."
        case .feeScheduleSet: return "The annual fees of both classes from a date."
        case .feeRequested: return "A member is asked for a year's subscription."
        case .feePaid: return "Money received from a company."
        case .delayExcused: return "The Board excuses a late payment."
        case .indexRoundRecorded: return "A round of the sustainability index and the companies it included."
        case .profileUpdated: return "A company's name, registration, sector or headcount changed."
        case .classChanged: return "An active member moves to the other class."
        case .memberResigned: return "A member resigns."
        case .eventReversed: return "An entry made in error is reversed (it is never edited or deleted)."
        }
    }

    /// The rules that decide whether the event is accepted, in plain words.
    static func rules(_ type: EventType) -> String {
        switch type {
        case .applicationFiled:
            return
                "R8: refused while the company has an open application or an active membership. R6 and R7 are checked at admission, from the profile given here."
        case .documentsSubmitted:
            return "R9: needs an open application."
        case .recommendationReceived:
            return
                "R10: needs an open application, and a recommender other than the company that is an active member on that date."
        case .membershipApproved:
            return
                "R11: needs an open application with documents, the SME test (R6: manufacturing under 100 employees in Hong Kong, others under 50) and a valid business registration (R7) on that date; class full also needs an inclusion in an index round on or before it."
        case .applicationRejected:
            return "R12: closes an open application; the company may file again."
        case .feeScheduleSet:
            return "R13: the half-year fee is half the annual fee, rounded half up to the cent."
        case .feeRequested:
            return
                "R15: for an active member, one request per company, term and period, not before the term's first year nor after the year following the request's; without --amount the ledger fills it from the schedule, the class and R14's annual or half-year basis. R17: due 30 days after the request."
        case .feePaid:
            return
                "R16: the reference must be new for the company; with --period the money goes to that year's request, else to the oldest balance; what is left is credit."
        case .delayExcused:
            return
                "R18: covers the current term's request for the period from --on; a membership made void by that request alone is active again; with --until the cover ends then."
        case .indexRoundRecorded:
            return
                "R19: labels are unique and no two rounds share a date. R20: members missing three rounds in a row are void."
        case .profileUpdated:
            return
                "R22: changes the profile from --on; it changes flags (R24), never a status. Give at least one field."
        case .classChanged:
            return "R21: an active member, to the other class; to full needs an index inclusion before it."
        case .memberResigned:
            return "R23: ends an active or void membership; what is owed stays in the arrears."
        case .eventReversed:
            return
                "R26: every view is computed as if the event did not exist; a seq is reversed at most once, a reversal cannot be reversed, and a reversal that would break a later event is refused (reverse the later events first)."
        }
    }

    /// The help of one field's flag.
    static func field(_ spec: FieldSpec) -> String {
        let what: String
        switch spec.kind {
        case .company: what = spec.name == "recommender" ? "The recommending member's id" : "The company's id"
        case .date:
            what = spec.name == "on" ? "The date it happened (default: today in Hong Kong)" : "A date, YYYY-MM-DD"
        case .period: what = "A membership year, YYYY-YY (2025-26 is 1 April 2025 to 31 March 2026)"
        case .amount: what = "HK$, e.g. 2000 or 2000.50"
        case .text: what = "Text, 1 to 500 characters"
        case .brNumber: what = "Business registration number, 8 digits"
        case .memberClass: what = "full or affiliate"
        case .sector: what = "manufacturing or non-manufacturing"
        case .cause: what = "absence-from-hk or other"
        case .count: what = "A whole number"
        case .seq: what = "The seq of the entry to reverse"
        case .documents: what = "A document handed in (repeat for each)"
        case .companies: what = "A company included (repeat for each)"
        }
        return spec.isRequired || spec.name == "on" ? what : what + " (optional)"
    }
}
