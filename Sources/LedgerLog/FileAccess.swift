/// Who may read a ledger's files: its owner only (the default), or also its group, so that a
/// reporting job running as another user of that group can read the log and the projections.
/// Set once by `ledger init` and kept in `ledger.json`.
public enum FileAccess: String, Sendable, CaseIterable {
    /// Directories 0700, files 0600.
    case owner
    /// Directories 0750, files 0640.
    case group

    /// The mode of a file the ledger creates.
    public var fileMode: UInt32 { self == .owner ? 0o600 : 0o640 }

    /// The mode of a directory the ledger creates.
    public var directoryMode: UInt32 { self == .owner ? 0o700 : 0o750 }
}
