import ArgumentParser
import Foundation
import LedgerCore

/// The formats of the views (CLI.md).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
    case csv

    /// Writes rows, each an ordered list of (column, value), to standard output in this format.
    func emit(_ rows: [[(key: String, value: JSONValue)]], columns: [String]) {
        var stream = RowStream(self, columns: columns)
        stream.write(rows) { $0 }
        stream.finish()
    }

    /// The rows as a table's text (without the final line end): a header, then a line a row,
    /// each column as wide as its widest cell.
    /// - Parameter colour: ANSI colour for a terminal (a bold header, statuses in colour).
    static func table(_ rows: [[(key: String, value: JSONValue)]], columns: [String], colour: Bool = false) -> String {
        let cells = [columns] + rows.map { $0.map { OutputFormat.plain($0.value) } }
        var widths = Array(repeating: 0, count: columns.count)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let lines = cells.enumerated().map { r, row in
            row.enumerated().map { i, cell in
                let padded = i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
                guard colour else { return padded }
                return r == 0 ? Terminal.bold(padded) : Terminal.status(padded, value: cell)
            }
            .joined(separator: "  ")
        }
        .map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
        return (lines + (rows.isEmpty ? ["(none)"] : [])).joined(separator: "\n")
    }

    /// A CSV record of `cells` (RFC 4180), without its line end.
    static func csvRecord(_ cells: [String]) -> String { cells.map(csvField).joined(separator: ",") }

    /// A value as plain text: strings bare, null empty, lists joined with `;`.
    static func plain(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .array(let items): return items.map(plain).joined(separator: ";")
        case .object: return JSONWriter.string(value)
        }
    }

    /// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// What the terminal on standard output and standard error can show.
enum Terminal {
    /// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org) or TERM is dumb.
    static var wantsColour: Bool {
        isatty(1) != 0 && (Environment.value("NO_COLOR") ?? "").isEmpty && Environment.value("TERM") != "dumb"
    }

    static func bold(_ text: String) -> String { "\u{1B}[1m" + text + "\u{1B}[0m" }

    /// A cell coloured by the status it holds, if any.
    static func status(_ text: String, value: String) -> String {
        let code: String
        switch value {
        case "active": code = "32"
        case "void", "overdue": code = "31"
        case "applied", "excused": code = "33"
        case "resigned", "rejected": code = "2"
        default: return text
        }
        return "\u{1B}[\(code)m" + text + "\u{1B}[0m"
    }
}
