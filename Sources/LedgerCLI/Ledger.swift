import ArgumentParser

/// The root command.
struct Ledger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The membership ledger of a Hong Kong SME association: an event-sourced, hash-chained log.",
        subcommands: [
            Init.self, Append.self, Log.self, Status.self, Arrears.self, Voting.self, Explain.self, Verify.self,
            DigestCommand.self, Keygen.self, Schemas.self, Project.self, Record.self,
        ]
    )
}
