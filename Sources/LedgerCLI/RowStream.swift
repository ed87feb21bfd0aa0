import LedgerCore
import LedgerLog

/// A view's rows written to standard output a part at a time (a replay in ranges gives a part
/// for each range), in the bytes `OutputFormat.emit` writes for all of them at once: JSON and CSV
/// rows are written as they come, so no part is held after it, and a table's at the end, as its
/// columns' widths need every row.
struct RowStream {
    let format: OutputFormat
    let columns: [String]
    /// A table's rows, until `finish`.
    private var held: [[(key: String, value: JSONValue)]] = []
    /// Whether the JSON array's opening bracket, or the CSV header, is out.
    private var started = false

    init(_ format: OutputFormat, columns: [String]) {
        self.format = format
        self.columns = columns
    }

    /// Writes `rows`, the next part, each made into its fields by `fields`, or holds them for a
    /// table. JSON and CSV are made in runs of rows on every core and written in order (made on
    /// one thread, every company's status at `hongkong` took some 9% longer).
    mutating func write<Row: Sendable>(_ rows: [Row], fields: @Sendable (Row) -> [(key: String, value: JSONValue)]) {
        switch format {
        case .table:
            held += rows.map(fields)
        case .json:
            // Every row after a comma; the part's first after the array's bracket instead, if
            // it opens the array.
            let runs = RowStream.runs(of: rows) { run in
                var writer = JSONWriter()
                for row in run {
                    writer.writeVerbatim([UInt8(ascii: ",")])
                    writer.write(.object(fields(row)))
                }
                return writer.bytes
            }
            for var bytes in runs where !bytes.isEmpty {
                if !started { bytes[0] = UInt8(ascii: "[") }
                started = true
                RowStream.emit(bytes)
            }
        case .csv:
            // RFC 4180: records end with CRLF, the last one too.
            if !started { RowStream.emit(Array((OutputFormat.csvRecord(columns) + "\r\n").utf8)) }
            started = true
            let runs = RowStream.runs(of: rows) { run in
                var text = ""
                for row in run {
                    text += OutputFormat.csvRecord(fields(row).map { OutputFormat.plain($0.value) }) + "\r\n"
                }
                return Array(text.utf8)
            }
            for bytes in runs { RowStream.emit(bytes) }
        }
    }

    /// `make` of each run of `rows`, in order, the runs made on every core.
    private static func runs<Row: Sendable>(
        of rows: [Row],
        _ make: @Sendable (ArraySlice<Row>) -> [UInt8]
    ) -> [[UInt8]] {
        // Runs of some thousands of rows: a few for each core, and a range's part in several.
        let count = max(1, min(rows.count / 2_048, 4 * AvailableCores.count))
        return ParallelMap.map(count) { k in make(rows[(rows.count * k / count)..<(rows.count * (k + 1) / count)]) }
    }

    /// Writes `bytes` to standard output, after what was printed before.
    private static func emit(_ bytes: [UInt8]) {
        print(String(decoding: bytes, as: UTF8.self), terminator: "")
    }

    /// Ends the output: a table's rows written, the JSON array closed, the CSV header written if
    /// no row came.
    mutating func finish() {
        switch format {
        case .table: print(OutputFormat.table(held, columns: columns, colour: Terminal.wantsColour))
        case .json: print(started ? "]" : "[]")
        case .csv: if !started { write([] as [Int], fields: { _ in [] }) }
        }
        held = []
    }
}
