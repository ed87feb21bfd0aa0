import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

/// The stored lines of a ledger as stock `lz4 -dc` prints them, concatenated in file-name order.
func stockDecompress(_ path: String) throws -> Data {
    let names = try FileManager.default.contentsOfDirectory(atPath: path + "/log").filter { $0.hasSuffix(".lz4") }
        .sorted()
    var data = Data()
    for name in names {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/lz4")
        process.arguments = ["-dc", path + "/log/" + name]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        data += pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
    return data
}

func storedLines(_ directory: LedgerDirectory) throws -> Data {
    Data(try LedgerHistory.storedRecords(directory).flatMap { $0.line + [UInt8(ascii: "\n")] })
}

@Suite struct LogStorageTests {
    @Test("single and batch appends round-trip, and stock lz4 -dc gives the stored lines byte for byte")
    func roundTrip() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let one = try append([EventJSON.schedule()], to: directory)
            let batch = try append(simpleEvents(companies: 2), to: directory)
            #expect(one.map(\.seq) == [1])
            #expect(batch.map(\.seq) == Array(2...11))
            let records = try LedgerHistory.storedRecords(directory)
            #expect(records.count == 11)
            #expect(records[0].prev == SHA256Hex.zero)
            #expect(records[1].prev == one[0].hash)
            #expect(batch.last?.hash == SHA256Hex.of(records[10].line))
            #expect(try stockDecompress(directory.path) == storedLines(directory))
            #expect(try LogVerifier(directory).verify().events == 11)
        }
    }

    @Test("a torn tail cut at every byte offset of the last commit is set aside and cut back")
    func tornTailEveryOffset() throws {
        try withTemporaryDirectory { path in
            let original = try LedgerDirectory.create(at: path + "/original")
            try append([EventJSON.schedule()], to: original)
            try append(simpleEvents(companies: 1), to: original)
            let before = try fileSize(original.path + "/log/00000001.lz4")
            try append(simpleEvents(companies: 1, from: 1), to: original)
            let segment = try Data(contentsOf: URL(fileURLWithPath: original.path + "/log/00000001.lz4"))
            let expected = try storedLines(original).prefix { _ in true }
            let keptLines = expected.split(separator: UInt8(ascii: "\n")).prefix(6)
            for cut in before..<segment.count {
                let copy = path + "/cut\(cut)"
                try FileManager.default.createDirectory(atPath: copy + "/log", withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: original.path + "/ledger.json", toPath: copy + "/ledger.json")
                try segment.prefix(cut).write(to: URL(fileURLWithPath: copy + "/log/00000001.lz4"))
                let directory = try LedgerDirectory(opening: copy)
                // Readers leave the torn tail out.
                #expect(try LedgerHistory.load(directory).count == 6)
                // The writer's open repairs it, and appending goes on from seq 7.
                let acks = try append([EventJSON.filed("Z", on: "2024-06-01")], to: directory)
                #expect(acks.map(\.seq) == [7], "cut at \(cut)")
                let lines = try storedLines(directory).split(separator: UInt8(ascii: "\n"))
                #expect(Array(lines.prefix(6)) == Array(keptLines), "cut at \(cut)")
                #expect(try LogVerifier(directory).verify().events == 7, "cut at \(cut)")
                let broken = try FileManager.default.contentsOfDirectory(atPath: copy + "/log").filter {
                    $0.hasSuffix(".broken")
                }
                #expect(broken.count == (cut > before ? 1 : 0), "cut at \(cut)")
                try FileManager.default.removeItem(atPath: copy)
            }
        }
    }

    @Test("a flipped bit mid-segment is corruption: verify names the segment and byte offset")
    func flippedBit() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()], to: directory)
            let secondStart = try fileSize(path + "/l/log/00000001.lz4")
            try append(simpleEvents(companies: 1), to: directory)
            try append(simpleEvents(companies: 1, from: 1), to: directory)
            let file = path + "/l/log/00000001.lz4"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            bytes[secondStart + 30] ^= 0x10
            try bytes.write(to: URL(fileURLWithPath: file))
            let problem = #expect(throws: LogVerifier.Problem.self) { try LogVerifier(directory).verify() }
            #expect(problem?.seq == 2)
            #expect(problem?.segment == "log/00000001.lz4")
            #expect(problem?.offset == secondStart)
            #expect(throws: LogError.self) { try append([EventJSON.filed("Z", on: "2024-06-01")], to: directory) }
            #expect(throws: LogError.self) { try LedgerHistory.load(directory) }
        }
    }

    @Test("sealing keeps the bytes and the chain, and compresses better")
    func sealing() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l", segmentLimit: 20_000)
            try append([EventJSON.schedule()], to: directory)
            for i in 0..<60 { try append(simpleEvents(companies: 1, from: i), to: directory) }
            let names = try FileManager.default.contentsOfDirectory(atPath: path + "/l/log").sorted()
            #expect(names.count > 2)
            #expect(try stockDecompress(directory.path) == storedLines(directory))
            let summary = try LogVerifier(directory).verify()
            #expect(summary.events == 301)
            #expect(summary.headHash == (try Digest.current(directory).hash))
            // The head from the last trailer is the head a read of every segment finds.
            #expect(try Digest.current(directory) == (try Digest.scanned(directory)))
            #expect(try Digest.current(directory).seq == 301)
            // A sealed segment compresses its lines at least 2 to 1 (one event per frame is about 1 to 1).
            let sealed = try fileSize(path + "/l/log/" + names[0])
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/lz4")
            process.arguments = ["-dc", path + "/l/log/" + names[0]]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let content = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(Double(content.count) / Double(sealed) > 2.0, "\(content.count) bytes sealed into \(sealed)")
        }
    }

    @Test("a frame's end read from its block sizes is where decompressing it ends; a cut frame has none")
    func frameEndFromBlockSizes() throws {
        var rng = SplitMix64(seed: 5)
        // Incompressible bytes too, which LZ4 stores as uncompressed blocks (the size's high bit).
        let content = (0..<300_000).map { i in i < 100_000 ? UInt8.random(in: 0...255, using: &rng) : UInt8(i % 7) }
        for (level, largeBlocks) in [(Int32(0), false), (9, true)] {
            let frame = LZ4Frame.compress(content, level: level, largeBlocks: largeBlocks)
            let bytes = [1, 2, 3] + frame + [4, 5]
            guard case .frame(let decoded, let length, _) = LZ4Frame.decode(bytes, at: 3) else {
                Issue.record("the frame does not decode")
                continue
            }
            #expect(decoded == content)
            #expect(LZ4Frame.end(of: bytes, at: 3) == 3 + length)
            for cut in [4, 7, 20, frame.count / 2, frame.count - 1] {
                #expect(LZ4Frame.end(of: Array(frame.prefix(cut)), at: 0) == nil, "cut at \(cut)")
            }
            #expect(LZ4Frame.end(of: bytes, at: 0) == nil)
        }
    }

    @Test("an idempotent retry answers the stored seq; the same id with another payload is refused")
    func idempotency() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()], to: directory)
            let id = "11111111-2222-3333-4444-555555555555"
            let event =
                #"{"type":"FeeScheduleSet","on":"2021-01-01","full":"3000","affiliate":"1500","id":""# + id + "\"}"
            let first = try append([event], to: directory)
            let again = try append([event.replacingOccurrences(of: "\"3000\"", with: "3000")], to: directory)
            #expect(first.map { [$0.seq, $0.id, $0.hash] as [AnyHashable] } == again.map { [$0.seq, $0.id, $0.hash] })
            #expect(first.map(\.isNew) == [true] && again.map(\.isNew) == [false])
            #expect(try LedgerHistory.load(directory).count == 2)
            #expect(throws: InputError.self) {
                try append([event.replacingOccurrences(of: "3000", with: "3001")], to: directory)
            }
        }
    }

    @Test("R2: recorded never goes backwards, and no event is dated after its recording's Hong Kong date")
    func r2Clock() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()], to: directory, at: "2024-06-01T00:00:00Z")
            #expect(throws: LedgerError.self) {
                try append([EventJSON.schedule(on: "2021-01-01")], to: directory, at: "2024-05-31T23:59:59Z")
            }
            // 2024-06-01T17:00Z is 01:00 on 2 June in Hong Kong.
            try append([EventJSON.schedule(on: "2024-06-02")], to: directory, at: "2024-06-01T17:00:00Z")
            #expect(throws: LedgerError.self) {
                try append([EventJSON.schedule(on: "2024-06-03")], to: directory, at: "2024-06-01T17:00:00Z")
            }
            #expect(try LedgerHistory.load(directory).count == 2)
        }
    }

    @Test("R2: by the system clock, an append after a later recorded instant takes that instant, never going backwards")
    func r2SystemClockSteppedBack() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            // The last append was recorded "in the future" (a backfill clock, or a clock that has
            // since stepped back): the system clock now reads earlier.
            try append([EventJSON.schedule()], to: directory, at: "2099-01-01T00:00:00Z")
            let input = try EventCodec.decodeInput(try JSONParser.parse(EventJSON.schedule(on: "2021-01-01")))
            try EventAppender(directory: directory, clock: .system, actor: "t").append([input]) { _ in }
            #expect(
                Array(try LedgerHistory.load(directory).recorded) == [
                    Instant("2099-01-01T00:00:00Z")!, Instant("2099-01-01T00:00:00Z")!,
                ]
            )
            #expect(try LogVerifier(directory).verify().events == 2)
        }
    }

    @Test("a refused batch leaves the ledger exactly as it was")
    func refusedBatchChangesNothing() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()], to: directory)
            let before = try Data(contentsOf: URL(fileURLWithPath: path + "/l/log/00000001.lz4"))
            #expect(throws: LedgerError.self) {
                try append(
                    simpleEvents(companies: 1) + [EventJSON.documents("NOBODY", on: "2024-05-01")],
                    to: directory
                )
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/l/log/00000001.lz4")) == before)
        }
    }

    @Test(
        "lines from a seq on: segments that end before it are passed over, and the lines are those a read of all gives"
    )
    func linesFromASeq() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l", segmentLimit: 6_000)
            try append([EventJSON.schedule()], to: directory)
            for i in 0..<40 { try append(simpleEvents(companies: 1, from: i), to: directory) }
            var every: [[UInt8]] = []
            try LogReader(directory).forEachLine { every.append(Array($0)) }
            #expect(try directory.segmentNumbers().count > 3)
            for first in [-3, 0, 1, 2, 57, 58, 100, 150, 199, 200, 201, 202, 500] {
                var got: [(Int, [UInt8])] = []
                try LogReader(directory).forEachLine(from: first) { got.append(($0, Array($1))) }
                let start = min(max(first, 1), every.count + 1)
                let seqs: [Int] = Array(start..<(every.count + 1))
                #expect(got.map(\.0) == seqs, "from \(first)")
                #expect(got.map(\.1) == Array(every.dropFirst(start - 1)), "from \(first)")
            }
            // A damaged segment before the one asked for is passed over unread (verify finds it).
            let firstSegment = directory.segmentPath(try directory.segmentNumbers()[0])
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: firstSegment)))
            bytes[40] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: firstSegment))
            var last: [Int] = []
            try LogReader(directory).forEachLine(from: every.count) { seq, _ in last.append(seq) }
            #expect(last == [every.count])
            #expect(throws: LogError.self) { try LogReader(directory).forEachLine { _ in } }
        }
    }

    @Test(
        "bytes read into a buffer used again are the file's at that offset, whether the read before was longer or shorter, read whole or in pieces"
    )
    func readIntoABufferUsedAgain() throws {
        try withTemporaryDirectory { path in
            let file = path + "/f"
            let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            try FileIO.withReadOnlyFile(file) { fd, size throws(LogError) in
                #expect(size == bytes.count)
                var buffer: [UInt8] = []
                // In one read, and shared out in pieces (as a window of a segment is, one per core).
                for pieces in [nil, 1, 2, 3, 7] {
                    for (offset, count) in [
                        (0, 5000), (100, 12), (9, 0), (0, 70_000), (69_990, 3), (69_990, 100), (70_000, 5),
                        (1, 69_998), (68_000, 4_000),
                    ] {
                        try FileIO.pread(fd, path: file, offset: offset, count: count, into: &buffer, pieces: pieces)
                        // Fewer only at the end of the file.
                        #expect(
                            buffer == Array(bytes[offset..<min(size, offset + count)]),
                            "\(count) bytes at \(offset), \(pieces.map(String.init) ?? "default") pieces"
                        )
                    }
                }
            }
            #expect(throws: LogError.self) {
                try FileIO.withReadOnlyFile(path + "/missing") { _, _ throws(LogError) in }
            }
        }
    }

    @Test("verify --digest: the ledger extends an earlier head, and a different head is caught")
    func digest() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()], to: directory)
            #expect(try Digest.current(directory) == (try Digest.scanned(directory)))
            let earlier = try Digest.current(directory)
            #expect(earlier.seq == 1)
            try append(simpleEvents(companies: 1), to: directory)
            _ = try LogVerifier(directory).verify(extending: earlier)
            var forged = earlier
            forged.hash = String(repeating: "1", count: 64)
            #expect(throws: LogVerifier.Problem.self) { try LogVerifier(directory).verify(extending: forged) }
        }
    }
}

func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
}
