import LedgerProjections

extension EventIndex {
    /// The append index, saying on standard error why before it is rebuilt from the log: a
    /// rebuild of a long log keeps an append waiting a minute or more.
    static func announcing() -> EventIndex { EventIndex(notice: { Console.note($0) }) }
}
