import Foundation

/// A CSV file read per RFC 4180 (quoted fields with doubled quotes, CRLF or LF line ends), with
/// the leniencies spreadsheets need: a UTF-8 byte-order mark, a missing final line end, blank lines.
struct CSVTable {
    /// The header row's names.
    var header: [String]
    /// Data rows with their 1-based line numbers in the file.
    var rows: [(line: Int, fields: [String])]

    struct Malformed: Error {
        var line: Int
        var reason: String
    }

    /// Parses `text`; the first non-blank record is the header.
    /// - Throws: `Malformed` for an unterminated quote or a quote inside an unquoted field.
    init(_ text: String) throws(Malformed) {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var fieldStarted = false
        var line = 1
        var recordLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            fields = []
            field = ""
            fieldStarted = false
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"":
                    guard !fieldStarted else { throw Malformed(line: line, reason: "a quote inside an unquoted field") }
                    quoted = true
                    fieldStarted = true
                case ",":
                    fields.append(field)
                    field = ""
                    fieldStarted = false
                case "\r" where i + 1 < scalars.count && scalars[i + 1] == "\n":
                    break
                case "\n", "\r":
                    endRecord()
                    line += 1
                    recordLine = line
                default:
                    field.unicodeScalars.append(c)
                    fieldStarted = true
                }
            }
            i += 1
        }
        if quoted { throw Malformed(line: recordLine, reason: "a quoted field is not closed") }
        if fieldStarted || !fields.isEmpty || !field.isEmpty { endRecord() }
        guard let first = records.first else { throw Malformed(line: 1, reason: "the file has no header row") }
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        rows = Array(records.dropFirst())
    }
}
