import Crypto
import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

/// `verify` judges a commit's lines on every core, each against the one before it; it must
/// name the line a check one line after another names, with the same reason.
@Suite struct LineCheckTests {
    /// A chain of `count` good lines from seq `firstSeq`: each line's `prev` spells the hash of
    /// the one before, recorded a millisecond apart.
    static func chain(_ count: Int, firstSeq: Int, first: HexDigest) -> [LineCheck] {
        var checks: [LineCheck] = []
        var prev = first
        for i in 0..<count {
            let hash = SHA256.hash(data: Array("line \(firstSeq + i)".utf8))
            let line = CheckedLine(
                seq: firstSeq + i,
                prev: prev,
                recorded: Instant(milliseconds: 1_700_000_000_000 + Int64(i)),
                on: Day("2023-11-01")!
            )
            checks.append(LineCheck(record: .success(line), hash: hash, hashHex: HexDigest(hexOf: hash), placed: true))
            prev = checks[i].hashHex
        }
        return checks
    }

    /// The first problem found one line after another.
    static func serialFirstProblem(
        _ checks: [LineCheck],
        firstSeq: Int,
        after previous: (prev: HexDigest, recorded: Instant?),
        digest: LedgerLog.Digest?
    ) -> (index: Int, reason: String)? {
        var before = previous
        for (i, check) in checks.enumerated() {
            if let reason = check.problem(seq: firstSeq + i, after: before, digest: digest) { return (i, reason) }
            guard case .success(let line) = check.record else { return nil }
            before = (check.hashHex, line.recorded)
        }
        return nil
    }

    @Test("the first line at fault and why, on every core, as one line after another finds it", arguments: 1...6)
    func firstProblem(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let firstSeq = 41
        let start = HexDigest(repeating: UInt8(ascii: "0"))
        let count = 10_000
        let good = LineCheckTests.chain(count, firstSeq: firstSeq, first: start)
        #expect(LineCheck.firstProblem(in: good, firstSeq: firstSeq, after: (start, nil), digest: nil) == nil)
        var found = 0
        for _ in 0..<20 {
            var checks = good
            // One to three faults, at chunk edges or anywhere.
            let places = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                [0, 4_095, 4_096, 8_191, 8_192, count - 1, Int.random(in: 0..<count, using: &rng)]
                    .randomElement(using: &rng)!
            }
            for place in places {
                guard case .success(var line) = checks[place].record else { continue }
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: checks[place].record = .failure(InputError(field: "on", "is missing"))
                case 1: line.seq += 1
                case 2: line.prev = start
                case 3: line.recorded = Instant(milliseconds: 1_600_000_000_000)
                default: line.on = Day("2024-01-01")!
                }
                if case .success = checks[place].record { checks[place].record = .success(line) }
            }
            let digestSeq = firstSeq + Int.random(in: 0..<count, using: &rng)
            let digest = LedgerLog.Digest(seq: digestSeq, hash: String(repeating: "a", count: 64), recorded: nil)
            for digest in [nil, digest] as [LedgerLog.Digest?] {
                let parallel = LineCheck.firstProblem(
                    in: checks,
                    firstSeq: firstSeq,
                    after: (start, nil),
                    digest: digest
                )
                let serial = LineCheckTests.serialFirstProblem(
                    checks,
                    firstSeq: firstSeq,
                    after: (start, nil),
                    digest: digest
                )
                #expect(parallel?.index == serial?.index && parallel?.reason == serial?.reason, "faults at \(places)")
                if parallel != nil { found += 1 }
            }
        }
        // A wrong digest, a second line or any fault but a first line's own `prev` is found.
        #expect(found >= 20)
    }

    @Test("a line whose prev is one digit off the hash of the line before is named, whichever digit")
    func brokenChain() throws {
        let start = HexDigest(repeating: UInt8(ascii: "0"))
        let good = LineCheckTests.chain(50, firstSeq: 1, first: start)
        #expect(LineCheck.firstProblem(in: good, firstSeq: 1, after: (start, nil), digest: nil) == nil)
        for position in 0..<64 {
            var checks = good
            guard case .success(var line) = checks[7].record else { throw CancellationError() }
            line.prev[position] ^= 0x01
            checks[7].record = .success(line)
            let found = LineCheck.firstProblem(in: checks, firstSeq: 1, after: (start, nil), digest: nil)
            #expect(found?.index == 7, "digit \(position)")
            #expect(found?.reason.hasPrefix("prev does not match the hash of seq 7") == true, "digit \(position)")
        }
    }
}
