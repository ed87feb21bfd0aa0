import ArgumentParser

/// The root command.
struct Ledger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The membership ledger of a Hong Kong SME association: an event-sourced, hash-chained log.",
        discussion: """
            Shell completions: `ledger --generate-completion-script bash` (or zsh, fish). A man page: \
            `swift package --allow-writing-to-package-directory generate-manual --output-directory DIR`.
            """,
        version: Ledger.version,
        subcommands: [
            Init.self, Append.self, Log.self, Status.self, Arrears.self, Voting.self, Explain.self, Verify.self,
            DigestCommand.self, Keygen.self, Schemas.self, Project.self, Record.self, Import.self, Report.self,
        ]
    )
}

extension Ledger {
    /// The version `ledger --version` prints; the stored format is `v` 1 of EventSchemas/.
    static let version = "0.5.0 (event schemas v1)"
}
