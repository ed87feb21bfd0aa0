import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

/// A segment is read a window of frames at a time (`SegmentScan.forEachWindow(ofFile:)`), so that
/// a large log's replay holds a window of it, not a whole 100 MB segment: every window size must
/// find what a scan of the whole file finds, at the same file offsets.
@Suite struct SegmentWindowTests {
    /// What a scan found, offsets included: the commits in order, then the damage.
    static func found(_ scans: [SegmentScan]) -> String {
        let commits = scans.flatMap(\.commits).map { "\($0.offset) \($0.end) \($0.trailer) \($0.content.count)" }
        return "\(commits) \(String(describing: scans.last?.damage))"
    }

    /// What a scan a window at a time found, and how many bytes the buffer held last.
    static func windowed(_ path: String, window: Int?, firstSeq: Int) throws -> (found: String, held: Int) {
        var scans: [SegmentScan] = []
        var buffer: [UInt8] = []
        let size = try SegmentScan.forEachWindow(
            ofFile: path,
            firstSeq: firstSeq,
            prevHash: nil,
            window: window,
            buffer: &buffer
        ) { scans.append($0) }
        #expect(size == FileIO.size(path))
        // Only the last scan given may hold damage.
        #expect(scans.dropLast().allSatisfy { $0.damage == nil })
        return (found(scans), buffer.count)
    }

    @Test("every window size finds the commits and the damage a whole-file scan finds, at the file's offsets")
    func everyWindowSize() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()], to: directory)
            for i in 0..<5 { try append(simpleEvents(companies: 2, from: i * 2), to: directory) }
            let file = directory.segmentPath(try directory.segmentNumbers()[0])
            let intact = try FileIO.read(file)
            let offsets = SegmentScan.commitOffsets(in: intact).offsets
            #expect(offsets.count == 6)
            let largest = zip(offsets, offsets.dropFirst() + [intact.count]).map { $1 - $0 }.max()!
            // Intact; a byte of the third commit's data flipped, and its first block's size (good
            // commits after each); the last commit cut short (a torn tail); a stray byte at the end.
            // Windows from one commit's start to another's, a byte or two either side, and a spread.
            func windows(upTo most: Int) -> Set<Int> {
                let spans = offsets.flatMap { a in (offsets + [intact.count]).map { $0 - a } }.filter { $0 > 0 }
                let near = spans.flatMap { ($0 - 2)...($0 + 2) }
                return Set(
                    (near + Array(stride(from: 1, through: most, by: 41)) + [1, 2, most]).filter { 1...most ~= $0 }
                )
            }
            func changed(_ offset: Int, _ bits: UInt8) -> [UInt8] {
                var bytes = intact
                bytes[offset] ^= bits
                return bytes
            }
            let variants: [(name: String, bytes: [UInt8], goodAfter: Bool?)] = [
                ("intact", intact, nil),
                ("data flipped", changed(offsets[2] + 20, 0x40), true),
                ("block size flipped", changed(offsets[2] + 8, 0x10), true),
                ("torn", Array(intact.dropLast(7)), false),
                ("stray byte", intact + [0x04], false),
            ]
            for (name, bytes, goodAfter) in variants {
                try Data(bytes).write(to: URL(fileURLWithPath: file))
                let scan = SegmentScan(bytes: bytes, firstSeq: 1, prevHash: nil)
                #expect(scan.damage?.hasGoodCommitsAfter == goodAfter, "\(name)")
                let whole = SegmentWindowTests.found([scan])
                #expect(try SegmentWindowTests.windowed(file, window: nil, firstSeq: 1).found == whole, "\(name)")
                for window in windows(upTo: bytes.count + 1) {
                    let read = try SegmentWindowTests.windowed(file, window: window, firstSeq: 1)
                    #expect(read.found == whole, "\(name), window \(window)")
                    // A window that holds the largest commit never reads more than itself.
                    if goodAfter == nil && window >= largest {
                        #expect(read.held <= window, "\(name), window \(window)")
                    }
                }
            }
        }
    }

    @Test("an empty segment file is one scan with nothing in it")
    func emptyFile() throws {
        try withTemporaryDirectory { path in
            try Data().write(to: URL(fileURLWithPath: path + "/empty.lz4"))
            var calls = 0
            var buffer: [UInt8] = []
            try SegmentScan.forEachWindow(
                ofFile: path + "/empty.lz4",
                firstSeq: 1,
                prevHash: nil,
                window: 64,
                buffer: &buffer
            ) { scan in
                calls += 1
                #expect(scan.commits.isEmpty && scan.damage == nil)
            }
            #expect(calls == 1)
        }
    }
}
