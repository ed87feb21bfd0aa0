import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Thin, checked wrappers over the POSIX calls the log relies on; each failure is a `LogError.io`
/// naming the file and the call.
public enum FileIO {
    static func failure(_ call: String, _ path: String, errno code: Int32 = errno) -> LogError {
        LogError(.io, "\(call) failed: \(String(cString: strerror(code)))", file: path, errno: code)
    }

    /// Runs `body` with the file open for reading and its size.
    static func withReadOnlyFile<T>(_ path: String, _ body: (Int32, Int) throws(LogError) -> T) throws(LogError) -> T {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("fstat", path) }
        return try body(fd, Int(info.st_size))
    }

    /// The whole file's bytes.
    static func read(_ path: String) throws(LogError) -> [UInt8] {
        try withReadOnlyFile(path) { fd, size throws(LogError) in try pread(fd, path: path, offset: 0, count: size) }
    }

    /// `count` bytes at `offset` (fewer only at the end of the file), read into `buffer`, whose
    /// storage is used again when it is large enough: a fresh buffer for each read would be
    /// fresh pages for the kernel to zero, read after read. A large read is shared out in
    /// pieces, one per core: the kernel's copy from the page cache was the one step of a
    /// replay's load that no other core helped with (3% of a two-core `hongkong` replay).
    /// - Parameter pieces: how many reads share it out (nil: `readPieces(count)`).
    static func pread(
        _ fd: Int32,
        path: String,
        offset: Int,
        count: Int,
        into buffer: inout [UInt8],
        pieces: Int? = nil
    ) throws(LogError) {
        if buffer.count < count {
            buffer.append(contentsOf: repeatElement(0, count: count - buffer.count))
        } else {
            buffer.removeLast(buffer.count - count)
        }
        let pieces = max(1, pieces ?? readPieces(count))
        let piece = (count + pieces - 1) / pieces
        let ranges = (0..<pieces).map { k in min(count, k * piece)..<min(count, (k + 1) * piece) }
        let done = buffer.withUnsafeMutableBytes { raw in
            let target = ReadTarget(bytes: raw)
            return ParallelMap.map(pieces) { k in
                Result { () throws(LogError) in
                    try pread(
                        fd,
                        path: path,
                        offset: offset + ranges[k].lowerBound,
                        into: UnsafeMutableRawBufferPointer(rebasing: target.bytes[ranges[k]])
                    )
                }
            }
        }
        // What was read up to the first piece that came short (a file cut back while it was
        // read: what was there).
        var read = 0
        for k in done.indices {
            let got = try done[k].get()
            read += got
            if got < ranges[k].count { break }
        }
        buffer.removeLast(count - read)
    }

    /// How many pieces a read of `count` bytes is shared out in: one per core for a window of
    /// a segment (megabytes), one for less.
    private static func readPieces(_ count: Int) -> Int { count >= 1 << 20 ? AvailableCores.count : 1 }

    /// A read's destination, each piece of it written by one task.
    private struct ReadTarget: @unchecked Sendable {
        let bytes: UnsafeMutableRawBufferPointer
    }

    /// `count` bytes at `offset`; fewer only at the end of the file.
    static func pread(_ fd: Int32, path: String, offset: Int, count: Int) throws(LogError) -> [UInt8] {
        var read = Result<Int, LogError>.success(0)
        // Uninitialised: the read fills it (no memset of a segment-sized buffer first).
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { raw, initialized in
            read = Result { () throws(LogError) in
                try pread(fd, path: path, offset: offset, into: UnsafeMutableRawBufferPointer(raw))
            }
            initialized = (try? read.get()) ?? 0
        }
        _ = try read.get()
        return buffer
    }

    /// Fills `buffer` from `offset`, retrying interrupted reads.
    /// - Returns: how many bytes were read: fewer than the buffer holds only at the end of the file.
    static func pread(
        _ fd: Int32,
        path: String,
        offset: Int,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(LogError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = Glibc.pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("pread", path)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Writes all of `bytes` at `offset`.
    static func pwrite(_ fd: Int32, path: String, _ bytes: [UInt8], at offset: Int) throws(LogError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(LogError) in try pwrite(fd, path: path, raw, at: offset) }
        }.get()
    }

    /// Writes all of `bytes` at `offset`, retrying interrupted writes.
    static func pwrite(_ fd: Int32, path: String, _ bytes: UnsafeRawBufferPointer, at offset: Int) throws(LogError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("pwrite", path)
            }
            done += n
        }
    }

    /// fsync once; a failure is final (never retried and trusted: the page cache may have dropped the data).
    static func fsync(_ fd: Int32, path: String) throws(LogError) {
        guard Glibc.fsync(fd) == 0 else { throw failure("fsync", path) }
    }

    /// fsync of a directory, so that a created or renamed entry survives a crash.
    static func fsyncDirectory(_ path: String) throws(LogError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    /// Writes a new file durably: a temporary file beside it (`path + temporarySuffix`), fsync,
    /// rename, directory fsync. A failure removes the temporary file (a full disk gets its space
    /// back) and leaves `path` as it was.
    /// - Parameter beforeRename: runs between the fsync and the rename (fault injection).
    static func writeAtomically(
        _ bytes: [UInt8],
        to path: String,
        mode: UInt32,
        temporarySuffix: String = ".tmp",
        beforeRename: () -> Void = {}
    ) throws(LogError) {
        let temporary = path + temporarySuffix
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw failure("open", temporary) }
        do {
            try pwrite(fd, path: temporary, bytes, at: 0)
            try fsync(fd, path: temporary)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        beforeRename()
        guard rename(temporary, path) == 0 else {
            let error = failure("rename", path)
            unlink(temporary)
            throw error
        }
        try fsyncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Creates an empty file with `mode` unless it exists (SQLite then keeps the mode, and gives
    /// it to its journal and WAL files too).
    static func createFile(_ path: String, mode: UInt32) throws(LogError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw failure("open", path) }
        close(fd)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The file's size in bytes, 0 when it cannot be read.
    public static func size(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p`, new directories with `mode`; the last one is given `mode` even if it existed.
    static func makeDirectories(_ path: String, mode: UInt32) throws(LogError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode_t(mode)) != 0 && errno != EEXIST { throw failure("mkdir", prefix) }
        }
        guard isDirectory(path) else { throw LogError(.io, "not a directory", file: path) }
        guard chmod(path, mode_t(mode)) == 0 else { throw failure("chmod", path) }
    }

    /// Names in a directory, sorted.
    static func list(_ path: String) throws(LogError) -> [String] {
        guard let dir = opendir(path) else { throw failure("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
