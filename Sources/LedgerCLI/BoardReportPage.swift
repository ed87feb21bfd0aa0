import LedgerCore
import LedgerLog

/// The Board's report as one self-contained HTML page: inline CSS and SVG charts, no scripts,
/// nothing fetched, so it can be mailed, archived and opened anywhere. Every chart has its
/// figures in a table beside it (for reading aloud, and for the tests).
enum BoardReportPage {
    static func html(_ report: BoardReport) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Membership report as of \(report.asOf)</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 960px; color: #1d2430; }
            h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #d0d7de; }
            .sub { color: #57606a; } table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
            th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #eaeef2; text-align: left; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            .full { stroke: #0969da; fill: #0969da; } .affiliate { stroke: #bf8700; fill: #bf8700; }
            .bar { fill: #cf222e; } .axis { stroke: #8c959f; } svg text { font-size: 11px; fill: #57606a; }
            code { font-size: 0.85em; word-break: break-all; } .none { color: #8c959f; }
            </style>
            </head>
            <body>
            <h1>Membership report</h1>
            <p class="sub">As of \(report.asOf) (Hong Kong). Movements since \(report.since). Voting members: \(report.voting.count).</p>

            """
        page += "<h2>Members per class by month</h2>\n"
        page += lineChart(report.months)
        page += table(
            id: "members-by-month",
            ["month end", "full", "affiliate", "total"],
            numeric: [1, 2, 3],
            report.months.map { ["\($0.day)", "\($0.full)", "\($0.affiliate)", "\($0.full + $0.affiliate)"] }
        )
        page += "<h2>Arrears by age on \(report.asOf)</h2>\n"
        page += barChart(report.aging)
        page += table(
            id: "aging",
            ["days past due", "requests", "balance (HK$)"],
            numeric: [1, 2],
            report.aging.map { [$0.label, "\($0.requests)", $0.balance.description] }
        )
        page += "<h2>Voting roll on \(report.asOf)</h2>\n"
        page += "<p class=\"sub\">Active full members (R25): they may vote, nominate and join sub-committees.</p>\n"
        page += table(
            id: "voting",
            ["company", "name"],
            numeric: [],
            report.voting.map { [$0.company.rawValue, $0.name] }
        )
        page += "<h2>Joined since \(report.since)</h2>\n"
        page += table(id: "joined", ["on", "company", "name", "class"], numeric: [], rows(report.joined))
        page += "<h2>Became void since \(report.since)</h2>\n"
        page += table(id: "void", ["from", "company", "name", "reason"], numeric: [], rows(report.voided))
        page += "<h2>Resigned since \(report.since)</h2>\n"
        page += table(
            id: "resigned",
            ["on", "company", "name"],
            numeric: [],
            report.resigned.map { ["\($0.on)", $0.company.rawValue, $0.name] }
        )
        page += "<h2>The ledger</h2>\n"
        page += "<p id=\"digest\">Head at seq <b>\(report.digest.seq)</b>, SHA-256 <code>\(report.digest.hash)</code>"
        page += report.digest.recorded.map { ", recorded \($0)" } ?? ""
        page +=
            ". Keep it: <code>ledger verify --digest</code> proves later that nothing before it was rewritten.</p>\n"
        page += "</body>\n</html>\n"
        return page
    }

    static func rows(_ movements: [BoardReport.Movement]) -> [[String]] {
        movements.map { ["\($0.on)", $0.company.rawValue, $0.name, $0.detail] }
    }

    static func table(id: String, _ header: [String], numeric: Set<Int>, _ rows: [[String]]) -> String {
        var html = "<table id=\"\(id)\">\n<tr>"
        for (i, name) in header.enumerated() {
            html += "<th\(numeric.contains(i) ? " class=\"n\"" : "")>\(escape(name))</th>"
        }
        html += "</tr>\n"
        for row in rows {
            html += "<tr>"
            for (i, cell) in row.enumerated() {
                html += "<td\(numeric.contains(i) ? " class=\"n\"" : "")>\(escape(cell))</td>"
            }
            html += "</tr>\n"
        }
        if rows.isEmpty { html += "<tr><td class=\"none\" colspan=\"\(header.count)\">none</td></tr>\n" }
        return html + "</table>\n"
    }

    /// Full and affiliate members over the months, as two lines.
    static func lineChart(_ months: [BoardReport.MonthCount]) -> String {
        let (width, height, left, bottom, top) = (720.0, 240.0, 48.0, 28.0, 12.0)
        let peak = max(1, months.map { max($0.full, $0.affiliate) }.max() ?? 1)
        let step = months.count > 1 ? (width - left - 12) / Double(months.count - 1) : 0
        func x(_ i: Int) -> Double { left + Double(i) * step }
        func y(_ value: Int) -> Double { top + (height - top - bottom) * (1 - Double(value) / Double(peak)) }
        var svg =
            "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"members per class by month\">\n"
        svg += "<line class=\"axis\" x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 12)\" y2=\"\(y(0))\"/>\n"
        for value in [0, peak / 2, peak] {
            svg += "<text x=\"\(left - 6)\" y=\"\(y(value) + 4)\" text-anchor=\"end\">\(value)</text>\n"
        }
        for i in Set([0, months.count / 2, months.count - 1]).sorted() where i >= 0 && i < months.count {
            let (year, month, _) = months[i].day.components
            // The first and last labels lean inwards, so that they stay inside the chart.
            let anchor = i == 0 ? "start" : i == months.count - 1 ? "end" : "middle"
            svg +=
                "<text x=\"\(x(i))\" y=\"\(height - 8)\" text-anchor=\"\(anchor)\">\(year)-\(Day.pad(month, 2))</text>\n"
        }
        for (name, value) in [("full", { (m: BoardReport.MonthCount) in m.full }), ("affiliate", { $0.affiliate })] {
            let points = months.indices.map { "\(format(x($0))),\(format(y(value(months[$0]))))" }.joined(
                separator: " "
            )
            svg += "<polyline class=\"\(name)\" style=\"fill: none\" stroke-width=\"2\" points=\"\(points)\"/>\n"
        }
        svg +=
            "<rect class=\"full\" x=\"\(left + 8)\" y=\"\(top)\" width=\"10\" height=\"10\"/><text x=\"\(left + 22)\" y=\"\(top + 9)\">full</text>\n"
        svg +=
            "<rect class=\"affiliate\" x=\"\(left + 60)\" y=\"\(top)\" width=\"10\" height=\"10\"/><text x=\"\(left + 74)\" y=\"\(top + 9)\">affiliate</text>\n"
        return svg + "</svg>\n"
    }

    /// Balances owed by age, as bars.
    static func barChart(_ buckets: [BoardReport.AgingBucket]) -> String {
        let (width, height, bottom, top) = (720.0, 200.0, 36.0, 16.0)
        let peak = max(1, buckets.map(\.balance.value).max() ?? 1)
        let slot = width / Double(max(1, buckets.count))
        var svg = "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"arrears by age\">\n"
        svg += "<line class=\"axis\" x1=\"0\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\"/>\n"
        for (i, bucket) in buckets.enumerated() {
            let barHeight = (height - top - bottom) * Double(bucket.balance.value) / Double(peak)
            let x = Double(i) * slot + slot * 0.2
            svg +=
                "<rect class=\"bar\" x=\"\(format(x))\" y=\"\(format(height - bottom - barHeight))\" width=\"\(format(slot * 0.6))\" height=\"\(format(barHeight))\"/>\n"
            svg +=
                "<text x=\"\(format(x + slot * 0.3))\" y=\"\(format(height - bottom - barHeight - 4))\" text-anchor=\"middle\">HK$\(bucket.balance)</text>\n"
            svg +=
                "<text x=\"\(format(x + slot * 0.3))\" y=\"\(height - 14)\" text-anchor=\"middle\">\(escape(bucket.label))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func format(_ value: Double) -> String { String(Double(Int((value * 10).rounded())) / 10) }

    /// Text safe inside HTML elements and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
