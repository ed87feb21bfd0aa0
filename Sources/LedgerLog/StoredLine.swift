import Foundation

/// Cheap looks into stored lines without parsing them, for the log's own checks.
enum StoredLine {
    static let prevKey = Array("\"prev\":\"".utf8)

    /// The `prev` field of the first line in `content`. The envelope comes before the payload and
    /// quotes inside strings are escaped, so the first `"prev":"` is the envelope's.
    static func prev(of content: ArraySlice<UInt8>) -> String? {
        let end = content.firstIndex(of: UInt8(ascii: "\n")) ?? content.endIndex
        let line = content[content.startIndex..<end]
        var i = line.startIndex
        while i + prevKey.count + 64 <= line.endIndex {
            if line[i] == prevKey[0], line[i..<(i + prevKey.count)].elementsEqual(prevKey) {
                let start = i + prevKey.count
                return String(decoding: line[start..<(start + 64)], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }

    /// The range of each line of `content` (lines ending in `\n`), without its `\n`, in order;
    /// bytes after the last `\n` are no line. memchr finds the ends: it reads a word at a time.
    static func forEach<E: Error>(
        in content: UnsafeRawBufferPointer,
        _ body: (Range<Int>) throws(E) -> Void
    ) throws(E) {
        var start = 0
        while let end = end(in: content, from: start) {
            try body(start..<end)
            start = end + 1
        }
    }

    /// Where the line that begins at `start` of `content` ends: the index of its `\n`; nil when
    /// none follows.
    @inline(__always)
    static func end(in content: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < content.count, let base = content.baseAddress,
            let found = memchr(base + start, 0x0A, content.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// The ranges of the lines of `content`.
    static func ranges(in content: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        content.withUnsafeBytes { raw in forEach(in: raw) { ranges.append($0) } }
        return ranges
    }
}
