import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

/// `verify` checks a window's lines in pieces on every core, each line against the one before it
/// and each piece's first line against the piece before; it must name the line a check one line
/// after another names, with the same reason, and leave exactly the events before it in their slots.
@Suite struct PieceCheckTests {
    /// The commits of a ledger of three appends (a schedule, then 40 events twice, an hour
    /// apart), as its scan reads them, and their events.
    static func commits(at path: String) throws -> ([Commit], [SequencedEvent]) {
        let directory = try LedgerDirectory.create(at: path)
        try append([EventJSON.schedule()], to: directory)
        try append(simpleEvents(companies: 8), to: directory, at: "2024-12-31T02:00:00Z")
        try append(simpleEvents(companies: 8, from: 8), to: directory, at: "2024-12-31T03:00:00Z")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory.segmentPath(1))))
        let scan = SegmentScan(bytes: bytes, firstSeq: 1, prevHash: nil)
        #expect(scan.commits.count == 3 && scan.damage == nil)
        return (scan.commits, try LedgerHistory.load(directory, withIDs: false).events)
    }

    /// The outcome of checking `commits` in pieces of about `pieceBytes`, and the events left in
    /// the slots before the line at fault (all of them when none is).
    static func check(
        _ commits: [Commit],
        pieceBytes: Int,
        digest: LedgerLog.Digest? = nil
    ) -> (outcome: String, placed: [SequencedEvent]) {
        let total = commits.last!.trailer.lastSeq
        let storage = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: total)
        defer { storage.deallocate() }
        let outcome = PieceCheck.check(
            commits,
            pieceBytes: pieceBytes,
            after: (HexDigest(repeating: UInt8(ascii: "0")), nil),
            digest: digest,
            into: LedgerHistory.EventSlots(events: storage, ids: nil)
        )
        let put =
            switch outcome {
            case .fault(_, let seq, _): seq - 1
            case .clean: total
            }
        let placed = Array(storage[..<put])
        storage.baseAddress!.deinitialize(count: put)
        return ("\(outcome)", placed)
    }

    /// `commits` with line `index` (from 0, across the commits) changed by `change`.
    static func changing(_ commits: [Commit], line index: Int, _ change: (String) -> String) -> [Commit] {
        var commits = commits
        var first = 0
        for k in commits.indices {
            var lines = String(decoding: commits[k].content, as: UTF8.self).split(separator: "\n").map(String.init)
            if (first..<(first + lines.count)).contains(index) {
                lines[index - first] = change(lines[index - first])
                commits[k].content = Array((lines.joined(separator: "\n") + "\n").utf8)
            }
            first += lines.count
        }
        return commits
    }

    /// A line with the value of its field `field` (up to the next `,` or `}`) replaced by `value`,
    /// written as JSON.
    static func replacing(_ field: String, with value: String, in line: String) -> String {
        guard let key = line.range(of: "\"\(field)\":") else { return line }
        let rest = line[key.upperBound...]
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        return line.replacingCharacters(in: key.upperBound..<end, with: value)
    }

    /// A line with digit `position` of its `prev` changed (to another hex digit).
    static func flippingPrevDigit(_ position: Int, in line: String) -> String {
        var bytes = Array(line.utf8)
        let key = Array("\"prev\":\"".utf8)
        guard let at = (0...(bytes.count - key.count)).first(where: { Array(bytes[$0..<($0 + key.count)]) == key })
        else { return line }
        let digit = at + key.count + position
        bytes[digit] = bytes[digit] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(
        "verify's first line at fault (schema, seq, chain, R2's clock, digest) and why, in pieces of any size, as one piece finds it",
        arguments: 1...4
    )
    func firstProblem(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let (commits, events) = try PieceCheckTests.commits(at: path + "/l")
            let count = events.count
            let serial = PieceCheckTests.check(commits, pieceBytes: 1 << 30)
            #expect(serial.outcome.hasPrefix("clean"))
            #expect(serial.placed == events)
            var rng = SplitMix64(seed: seed)
            var faults = 0
            for _ in 0..<25 {
                var changed = commits
                // One to three changes, at commit edges or anywhere.
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let line = [0, 1, 40, 41, 42, count - 1, Int.random(in: 0..<count, using: &rng)]
                        .randomElement(using: &rng)!
                    changed = PieceCheckTests.changing(changed, line: line) { text in
                        switch Int.random(in: 0..<5, using: &rng) {
                        case 0: PieceCheckTests.replacing("on", with: "\"x\"", in: text)
                        case 1: PieceCheckTests.replacing("seq", with: "\(line + 2)", in: text)
                        case 2: PieceCheckTests.flippingPrevDigit(Int.random(in: 0..<64, using: &rng), in: text)
                        case 3: PieceCheckTests.replacing("recorded", with: "\"2000-01-01T00:00:00.000Z\"", in: text)
                        default: PieceCheckTests.replacing("on", with: "\"2099-01-01\"", in: text)
                        }
                    }
                }
                let digestSeq = Int.random(in: 1...count, using: &rng)
                let digest = LedgerLog.Digest(seq: digestSeq, hash: String(repeating: "a", count: 64), recorded: nil)
                for digest in [nil, digest] as [LedgerLog.Digest?] {
                    let serial = PieceCheckTests.check(changed, pieceBytes: 1 << 30, digest: digest)
                    for pieceBytes in [1, 150, 2_000] {
                        let pieces = PieceCheckTests.check(changed, pieceBytes: pieceBytes, digest: digest)
                        #expect(pieces.outcome == serial.outcome, "\(pieceBytes) bytes a piece")
                        #expect(pieces.placed == serial.placed, "\(pieceBytes) bytes a piece")
                    }
                    // What stays in the slots is what the log held before the fault.
                    #expect(serial.placed == Array(events.prefix(serial.placed.count)))
                    if serial.outcome.hasPrefix("fault") { faults += 1 }
                }
            }
            #expect(faults >= 25)
        }
    }

    @Test("a line whose prev is one digit off the hash of the line before is named, whichever digit and piece size")
    func brokenChain() throws {
        try withTemporaryDirectory { path in
            let (commits, _) = try PieceCheckTests.commits(at: path + "/l")
            for position in 0..<64 {
                let changed = PieceCheckTests.changing(commits, line: 6) {
                    PieceCheckTests.flippingPrevDigit(position, in: $0)
                }
                for pieceBytes in [1, 1 << 30] {
                    let found = PieceCheckTests.check(changed, pieceBytes: pieceBytes)
                    #expect(
                        found.outcome.hasPrefix(
                            "fault(commit: 1, seq: 7, reason: \"prev does not match the hash of seq 6"
                        ),
                        "digit \(position), \(pieceBytes) bytes a piece: \(found.outcome)"
                    )
                    #expect(found.placed.count == 6)
                }
            }
        }
    }

    @Test("a digest's hash is checked at its seq, in any piece")
    func digest() throws {
        try withTemporaryDirectory { path in
            let (commits, _) = try PieceCheckTests.commits(at: path + "/l")
            let lines = commits.flatMap { String(decoding: $0.content, as: UTF8.self).split(separator: "\n") }
            for seq in [1, 2, 41, 42, 81] {
                let hash = SHA256Hex.of(Array(lines[seq - 1].utf8))
                for pieceBytes in [1, 1 << 30] {
                    let right = LedgerLog.Digest(seq: seq, hash: hash, recorded: nil)
                    #expect(
                        PieceCheckTests.check(commits, pieceBytes: pieceBytes, digest: right).outcome.hasPrefix("clean")
                    )
                    let wrong = LedgerLog.Digest(seq: seq, hash: String(repeating: "0", count: 64), recorded: nil)
                    let found = PieceCheckTests.check(commits, pieceBytes: pieceBytes, digest: wrong)
                    #expect(
                        found.outcome.contains("seq: \(seq), reason: \"the hash differs from the digest"),
                        "\(found.outcome)"
                    )
                    #expect(found.placed.count == seq - 1)
                }
            }
        }
    }
}
