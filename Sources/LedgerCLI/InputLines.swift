import Foundation
import LedgerCore

/// The non-blank lines of a JSON-lines batch (a file, or standard input for `-`), numbered from 1,
/// as bytes (the JSON parser reads bytes and checks their UTF-8).
///
/// Read in chunks into one buffer, of which the lines are slices (no array for each line), and a
/// line longer than `maximumLineBytes` is refused as soon as it is seen, so a hostile 100 MB
/// line costs a few MiB of memory, not its size.
struct InputLines {
    /// The longest line accepted: far above any event (an index round listing every SME in Hong
    /// Kong is about 4 MB), far below what would strain memory.
    static let maximumLineBytes = 16 << 20

    /// Reads every line of `file` (`-` for standard input).
    /// - Throws: `InputError` when the file cannot be read or a line is too long.
    static func read(_ file: String) throws(InputError) -> [(number: Int, bytes: ArraySlice<UInt8>)] {
        let fd = file == "-" ? 0 : open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw InputError(field: "--file", "cannot read \(file): \(String(cString: strerror(errno)))")
        }
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG { bytes.reserveCapacity(Int(info.st_size)) }
        // Each line's range in `bytes`, with its number (blank lines are numbered, not kept).
        var ranges: [(number: Int, range: Range<Int>)] = []
        var lineStart = 0
        var number = 1
        func finish(at end: Int) {
            // Spaces, tabs and a CR: a blank line (a set made for each line cost 100,000 allocations).
            if !bytes[lineStart..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                ranges.append((number, lineStart..<end))
            }
            lineStart = end + 1
            number += 1
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(field: "--file", "cannot read \(file): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            var scanned = bytes.count
            bytes += chunk[..<n]
            while let newline = bytes.withUnsafeBytes({ all in
                memchr(all.baseAddress! + scanned, 0x0A, all.count - scanned).map { all.baseAddress!.distance(to: $0) }
            }) {
                try check(newline - lineStart, line: number)
                finish(at: newline)
                scanned = newline + 1
            }
            try check(bytes.count - lineStart, line: number)
        }
        if lineStart < bytes.count { finish(at: bytes.count) }
        return ranges.map { ($0.number, bytes[$0.range]) }
    }

    private static func check(_ count: Int, line: Int) throws(InputError) {
        guard count <= maximumLineBytes else {
            throw InputError(
                line: line,
                "longer than \(maximumLineBytes >> 20) MiB, the longest event line accepted; nothing was appended"
            )
        }
    }
}
