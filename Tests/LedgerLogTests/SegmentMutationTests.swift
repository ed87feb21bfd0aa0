import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

/// Seeded mutation testing of the segment reader (issue 6 item 4, run on every CI): a real
/// ledger's segment with bit flips, truncations, insertions, a frame from another ledger, and
/// absurd declared sizes. Each mutant is read by `verify`, by replay and by a writer's recovery:
/// never a crash or a hang, always a result or a clear error; a torn tail is recovered and the
/// ledger verifies again; damage is never hidden by a later append.
@Suite struct SegmentMutationTests {
    enum Mutation: CaseIterable {
        case bitFlips, truncation, insertion, deletion, foreignFrame, absurdSize, overwrite
    }

    static func mutate(_ bytes: [UInt8], foreign: [UInt8], rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        let position = Int.random(in: 0..<bytes.count, using: &rng)
        switch Mutation.allCases.randomElement(using: &rng)! {
        case .bitFlips:
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                out[Int.random(in: 0..<out.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            }
        case .truncation:
            out.removeSubrange(position...)
        case .insertion:
            out.insert(
                contentsOf: (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng)
                },
                at: position
            )
        case .deletion:
            out.removeSubrange(position..<min(out.count, position + Int.random(in: 1...64, using: &rng)))
        case .foreignFrame:
            // A stretch of another ledger's segment (same format, other history) spliced in or over.
            let start = Int.random(in: 0..<foreign.count, using: &rng)
            let piece = foreign[start..<min(foreign.count, start + Int.random(in: 16...2048, using: &rng))]
            if Bool.random(using: &rng) {
                out.replaceSubrange(position..<min(out.count, position + piece.count), with: piece)
            } else {
                out = foreign
            }
        case .absurdSize:
            // Frame header content sizes, block sizes and trailer lengths set to huge values.
            let value = [UInt64.max, UInt64(Int.max), 1 << 40, 1 << 32, 0x7FFF_FFFF].randomElement(using: &rng)!
            let width = [4, 8].randomElement(using: &rng)!
            for i in 0..<min(width, out.count - position) {
                out[position + i] = UInt8(truncatingIfNeeded: value >> (8 * i))
            }
        case .overwrite:
            for i in position..<min(out.count, position + Int.random(in: 1...32, using: &rng)) {
                out[i] = UInt8.random(in: 0...255, using: &rng)
            }
        }
        return out
    }

    /// Windows of a byte (the rest of the file read at once), of a commit of the segment below
    /// (some 1,900 bytes) and of two.
    static let windows = [1, 2_000, 4_000]

    @Test(
        "mutated segments: never a crash or a hang; a clear error, or a recovered tail that verifies",
        arguments: [1, 2, 3, 4]
    )
    func mutatedSegments(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let original = try LedgerDirectory.create(at: path + "/original")
            try append([EventJSON.schedule()], to: original)
            for i in 0..<6 { try append(simpleEvents(companies: 3, from: i * 3), to: original) }
            let other = try LedgerDirectory.create(at: path + "/other")
            try append([EventJSON.schedule(on: "2021-01-01")] + simpleEvents(companies: 5, from: 50), to: other)
            let segment = Array(try Data(contentsOf: URL(fileURLWithPath: original.path + "/log/00000001.lz4")))
            let foreign = Array(try Data(contentsOf: URL(fileURLWithPath: other.path + "/log/00000001.lz4")))
            var rng = SplitMix64(seed: seed)
            var outcomes: [String: Int] = [:]
            let mutants = 250
            for n in 0..<mutants {
                let mutant = SegmentMutationTests.mutate(segment, foreign: foreign, rng: &rng)
                let copy = path + "/m\(n)"
                let directory = try LedgerDirectory.create(at: copy)
                try Data(mutant).write(to: URL(fileURLWithPath: copy + "/log/00000001.lz4"))
                let verified = Result { try LogVerifier(directory).verify() }
                // Read a window at a time: the same answer, the same place.
                for window in SegmentMutationTests.windows {
                    var windowed = LogVerifier(directory)
                    windowed.window = window
                    #expect("\(Result { try windowed.verify() })" == "\(verified)", "mutant \(n), window \(window)")
                }
                // And in pieces of a line or two, each checked as a task of its own (`PieceCheck`).
                var pieced = LogVerifier(directory)
                pieced.pieceBytes = 64
                #expect("\(Result { try pieced.verify() })" == "\(verified)", "mutant \(n), pieces")
                func loaded(window: Int?) -> String {
                    do {
                        let history = try LedgerHistory.load(
                            directory,
                            capacity: 1_000,
                            withIDs: true,
                            progress: nil,
                            window: window
                        )
                        let hashes = history?.commitHashes.sorted { $0.key < $1.key }.map { "\($0)" }
                        return "\(history?.events ?? []) \(history?.ids ?? []) \(hashes ?? [])"
                    } catch {
                        return "\(error)"
                    }
                }
                let whole = loaded(window: nil)
                for window in SegmentMutationTests.windows {
                    #expect(loaded(window: window) == whole, "mutant \(n), window \(window)")
                }
                // And in pieces of a line or two, each decoded as a task of its own (`CommitPiece`).
                _ = try? LedgerHistory.load(directory, capacity: 1_000, withIDs: false, progress: nil, pieceBytes: 64)
                let opened = Result { try LogWriter.withWriter(directory, lockTimeout: 0) { $0.head.seq } }
                switch (verified, opened) {
                case (.success(let summary), .success):
                    // Intact, or a torn tail that the writer has now set aside: whole again.
                    outcomes[summary.tornTail == nil ? "intact" : "torn tail recovered", default: 0] += 1
                    #expect(throws: Never.self, "mutant \(n)") { try LogVerifier(directory).verify() }
                    #expect(throws: Never.self) { try append([EventJSON.schedule(on: "2022-01-01")], to: directory) }
                    #expect(throws: Never.self) { try LogVerifier(directory).verify() }
                case (.success, .failure(let error)):
                    Issue.record("mutant \(n): verify accepts what the writer refuses: \(error)")
                case (.failure(let problem), .failure(let error)):
                    // Corruption with whole commits after it: both refuse, each saying where.
                    outcomes["refused by both", default: 0] += 1
                    #expect(problem is LogVerifier.Problem || problem is LogError, "\(problem)")
                    #expect(error is LogError, "\(error)")
                case (.failure, .success):
                    // Damage before the last commit: appends trust the last trailer (they never
                    // rescan the segment), so they go on, but an append never hides the damage.
                    outcomes["reported by verify", default: 0] += 1
                    _ = try? append([EventJSON.schedule(on: "2022-01-01")], to: directory)
                    #expect(throws: (any Error).self, "mutant \(n)") { try LogVerifier(directory).verify() }
                }
                try FileManager.default.removeItem(atPath: copy)
            }
            #expect(outcomes.values.reduce(0, +) == mutants)
            for outcome in ["refused by both", "torn tail recovered", "reported by verify"] {
                #expect(outcomes[outcome, default: 0] > 0, "\(outcome): \(outcomes)")
            }
        }
    }
}
