import ArgumentParser

/// `--ranges N`: how many ranges of companies a rebuild, or a view's replay of the whole ledger,
/// reads the log for, holding one range's events and fold at a time.
struct RangeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read the log once for each of N ranges of its companies, one range held at a time: less memory for more time (default: one range for every 400 MiB of log read; 1: the log read once).",
            valueName: "N"
        )
    )
    var ranges: Int?

    func validate() throws {
        if let ranges, ranges < 1 { throw ValidationError("--ranges is a count of ranges, 1 or more") }
    }
}
