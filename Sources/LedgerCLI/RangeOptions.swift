import ArgumentParser

/// `--ranges N`: in how many ranges of companies a rebuild, or a view's replay of the whole
/// ledger, folds the log, holding one range's events and fold at a time.
struct RangeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Fold the log in N ranges of its companies, one range's events and fold held at a time: less memory for a little more time. The log is read once, its events set aside in a temporary file in $TMPDIR (40 bytes an event), or, where none can be written, read again for each range (default: one range for every 256 MiB of log read; 1: in one piece).",
            valueName: "N"
        )
    )
    var ranges: Int?

    func validate() throws {
        if let ranges, ranges < 1 { throw ValidationError("--ranges is a count of ranges, 1 or more") }
    }
}
