import ArgumentParser
import Foundation
import LedgerCore

/// The formats of the views (CLI.md).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
    case csv

    /// Renders rows, each an ordered list of (column, value), in this format.
    func render(_ rows: [[(key: String, value: JSONValue)]], columns: [String]) -> String {
        switch self {
        case .json:
            return JSONWriter.string(.array(rows.map { .object($0) }))
        case .csv:
            var lines = [columns.joined(separator: ",")]
            for row in rows {
                lines.append(row.map { OutputFormat.csvField(OutputFormat.plain($0.value)) }.joined(separator: ","))
            }
            return lines.joined(separator: "\n")
        case .table:
            let cells = [columns] + rows.map { $0.map { OutputFormat.plain($0.value) } }
            var widths = Array(repeating: 0, count: columns.count)
            for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            let lines = cells.map { row in
                row.enumerated().map { i, cell in
                    i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
                }
                .joined(separator: "  ")
            }
            .map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
            return (lines + (rows.isEmpty ? ["(none)"] : [])).joined(separator: "\n")
        }
    }

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

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
