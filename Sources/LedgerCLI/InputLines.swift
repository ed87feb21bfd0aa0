import Foundation
import LedgerCore

/// The non-blank lines of a JSON-lines batch (a file, or standard input for `-`), numbered from 1,
/// as bytes (the JSON parser reads bytes and checks their UTF-8).
///
/// Read in chunks, never whole: a line longer than `maximumLineBytes` is refused as soon as it is
/// seen, so a hostile 100 MB line costs a few MiB of memory, not its size several times over.
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
        var lines: [(number: Int, bytes: ArraySlice<UInt8>)] = []
        var current: [UInt8] = []
        var number = 1
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        func finish() {
            let blank: Set<UInt8> = [0x20, 0x09, 0x0D]
            if !current.allSatisfy({ blank.contains($0) }) { lines.append((number, current[...])) }
            current = []
            number += 1
        }
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(field: "--file", "cannot read \(file): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            var start = 0
            for i in 0..<n where chunk[i] == 0x0A {
                current += chunk[start..<i]
                try check(current.count, line: number)
                finish()
                start = i + 1
            }
            current += chunk[start..<n]
            try check(current.count, line: number)
        }
        if !current.isEmpty { finish() }
        return lines
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
