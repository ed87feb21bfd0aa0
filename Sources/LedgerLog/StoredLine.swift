/// Cheap looks into a stored line's envelope without parsing it, for the log's own checks.
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
}
