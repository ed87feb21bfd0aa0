import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The lock a rebuild holds from before it makes its files (`DATABASE.new-PID`, with
/// `-timelines` and `-money` beside it) until they are renamed or removed, on
/// `DATABASE.rebuild-lock`: rebuilds of one database take turns, and any such file found by the
/// holder is a killed rebuild's (up to 1.8 GB at `hongkong`), which it removes.
final class RebuildLock {
    private let fd: Int32

    /// Waits for the lock of the database at `path`, then removes what killed rebuilds left.
    init(database path: String, mode: UInt32) throws(ProjectionError) {
        let lockPath = path + ".rebuild-lock"
        fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else {
            throw ProjectionError("cannot open the rebuild's lock: \(String(cString: strerror(errno)))", file: lockPath)
        }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw ProjectionError("cannot lock for a rebuild: \(reason)", file: lockPath)
            }
        }
        for file in RebuildLock.leftovers(of: path) { unlink(file) }
    }

    /// The files of rebuilds of the database at `path` that are still there.
    static func leftovers(of path: String) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".new-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.map { (directory as NSString).appendingPathComponent($0) }
    }

    deinit { close(fd) }
}
