import Foundation

/// What a run of the `ledger` binary printed and how it exited.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Standard output's non-empty lines.
    public var lines: [String] { stdout.split(whereSeparator: \.isNewline).map(String.init) }
}

/// Runs the built `ledger` executable, as scripts and the acceptance runner do.
public struct LedgerProcess: Sendable {
    /// `LEDGER_BIN`, else the debug build in the package.
    public static let binary: String =
        ProcessInfo.processInfo.environment["LEDGER_BIN"] ?? packageRoot + "/.build/debug/ledger"

    /// Commands that act on no ledger.
    static let withoutLedger: Set<String> = ["keygen", "schemas"]

    public var ledger: String
    /// `LEDGER_CLOCK` for every run, unless a run gives its own.
    public var clock: String?

    public init(ledger: String, clock: String? = nil) {
        self.ledger = ledger
        self.clock = clock
    }

    /// A new ledger at `path` holding a fee schedule and `companies` companies' simple histories
    /// (`simpleEvents`), appended as one batch at `clock`.
    public static func seeded(
        at path: String,
        companies: Int,
        clock: String = "2024-06-01T02:00:00Z"
    ) throws
        -> LedgerProcess
    {
        let ledger = LedgerProcess(ledger: path, clock: clock)
        try ledger.run(["init"])
        let lines = [EventJSON.schedule()] + simpleEvents(companies: companies)
        let result = try ledger.run(["append", "--file", "-"], stdin: lines.joined(separator: "\n"))
        guard result.status == 0 else { throw SeedingFailure(reason: result.stderr) }
        return ledger
    }

    struct SeedingFailure: Error { var reason: String }

    /// Runs `ledger ARGS --ledger DIR` with `stdin`, waiting for it to end.
    @discardableResult
    public func run(
        _ arguments: [String],
        stdin: String? = nil,
        clock: String? = nil,
        environment: [String: String] = [:]
    )
        throws -> ProcessResult
    {
        let process = try start(arguments, clock: clock, environment: environment)
        let (input, output, error) = (
            process.standardInput as! Pipe, process.standardOutput as! Pipe, process.standardError as! Pipe
        )
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self)
        )
    }

    /// Starts `ledger ARGS --ledger DIR` (without `--ledger` for the commands that take none,
    /// such as `keygen`) with pipes for its standard streams.
    public func start(
        _ arguments: [String],
        clock: String? = nil,
        environment: [String: String] = [:]
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LedgerProcess.binary)
        process.arguments =
            arguments + (LedgerProcess.withoutLedger.contains(arguments.first ?? "") ? [] : ["--ledger", ledger])
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "LEDGER_CLOCK")
        env.removeValue(forKey: "LEDGER_DIR")
        if let clock = clock ?? self.clock { env["LEDGER_CLOCK"] = clock }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardInput = Pipe()
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }
}
