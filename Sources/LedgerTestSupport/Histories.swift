import LedgerCore

/// Input JSON lines turned into events with seqs 1, 2, 3, … as the ledger would store them.
public func sequenced(_ lines: [String]) throws -> [SequencedEvent] {
    try lines.enumerated().map { i, line in
        SequencedEvent(seq: i + 1, event: try EventCodec.decodeInput(try JSONParser.parse(line)).event)
    }
}

/// Folds input JSON lines.
public func fold(_ lines: [String]) throws -> MembershipFold {
    try MembershipFold.fold(try sequenced(lines))
}

/// The rule refusal folding `lines` meets, nil when they form a valid history.
public func refusal(_ lines: [String]) throws -> LedgerError? {
    do {
        _ = try MembershipFold.fold(try sequenced(lines))
        return nil
    } catch let error as LedgerError {
        return error
    }
}

extension MembershipFold {
    /// The status row of `company` on `date` (YYYY-MM-DD).
    public func status(_ company: String, _ date: String) -> StatusRow? {
        history(of: CompanyID(company)!)?.statusRow(on: Day(date)!)
    }
}
