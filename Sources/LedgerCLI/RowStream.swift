import LedgerCore

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

    /// Writes `rows`, the next part, or holds them for a table.
    mutating func write(_ rows: [[(key: String, value: JSONValue)]]) {
        switch format {
        case .table:
            held += rows
        case .json:
            var writer = JSONWriter()
            for row in rows {
                writer.writeVerbatim(Array((started ? "," : "[").utf8))
                started = true
                writer.write(.object(row))
            }
            print(String(decoding: writer.bytes, as: UTF8.self), terminator: "")
        case .csv:
            // RFC 4180: records end with CRLF, the last one too.
            var text = started ? "" : OutputFormat.csvRecord(columns) + "\r\n"
            started = true
            for row in rows { text += OutputFormat.csvRecord(row.map { OutputFormat.plain($0.value) }) + "\r\n" }
            print(text, terminator: "")
        }
    }

    /// Ends the output: a table's rows written, the JSON array closed, the CSV header written if
    /// no row came.
    mutating func finish() {
        switch format {
        case .table: print(OutputFormat.table(held, columns: columns, colour: Terminal.wantsColour))
        case .json: print(started ? "]" : "[]")
        case .csv: if !started { write([]) }
        }
        held = []
    }
}
