import Foundation
import LedgerTestSupport
import Testing

/// A full disk, a read-only ledger and file permissions (issue 6 items 2 and 7). The disk is a
/// small tmpfs the test mounts, which needs root (as CI runs); elsewhere these tests are skipped.
@Suite(.serialized) struct StorageFaultTests {
    @Test(
        "a full disk: appends exit 4 and change nothing; once space returns the ledger appends and verifies",
        .enabled(if: canMountFilesystems, "mounting a small filesystem needs root")
    )
    func diskFull() throws {
        try withSmallFilesystem(kilobytes: 4096) { mount in
            let ledger = try LedgerProcess.seeded(at: mount + "/l", companies: 20)
            try ledger.run(["project", "update"])
            let filler = mount + "/filler"
            fill(filler)
            var before = try snapshot(mount + "/l/log")
            // One small event may still fit in blocks the files already hold (the log's last page,
            // the index's kept WAL): then it is stored whole; otherwise it is refused, naming the cause.
            let single = try ledger.run(["append", EventJSON.filed("FULL1", on: "2024-05-01")])
            let singleStored = single.status == 0
            if singleStored {
                #expect(try ledger.run(["verify"]).status == 0)
                before = try snapshot(mount + "/l/log")
            } else {
                #expect(single.status == 4, "\(single.stderr)")
                #expect(
                    single.stderr.contains("No space left") || single.stderr.contains("disk is full"),
                    "the error names the cause: \(single.stderr)"
                )
                #expect(single.stdout.isEmpty, "nothing may be acknowledged")
                #expect(try snapshot(mount + "/l/log") == before, "a refused append leaves the log as it was")
            }
            let batch = try ledger.run(
                ["append", "--file", "-"],
                stdin: simpleEvents(companies: 200, from: 100).joined(separator: "\n")
            )
            #expect(batch.status == 4 && batch.stdout.isEmpty, "\(batch.stderr)")
            #expect(try snapshot(mount + "/l/log") == before, "a refused append leaves the log as it was")
            #expect(try ledger.run(["verify"]).status == 0)
            // Room for the index but not for the batch's commit: the write fails part way and the
            // partial commit is cut off at once.
            fill(filler, leaving: 160 * 1024)
            let partial = try ledger.run(
                ["append", "--file", "-"],
                stdin: simpleEvents(companies: 1000, from: 1000).joined(separator: "\n")
            )
            #expect(partial.status == 4 && partial.stdout.isEmpty, "\(partial.stderr)")
            #expect(partial.stderr.contains("pwrite failed: No space left"), "\(partial.stderr)")
            #expect(try snapshot(mount + "/l/log") == before, "the partial commit is cut off")
            #expect(try ledger.run(["verify"]).status == 0)
            // Space returns: the same events append, and everything checks out.
            try FileManager.default.removeItem(atPath: filler)
            if !singleStored {
                #expect(try ledger.run(["append", EventJSON.filed("FULL1", on: "2024-05-01")]).status == 0)
            }
            let retried = try ledger.run(
                ["append", "--file", "-"],
                stdin: simpleEvents(companies: 200, from: 100).joined(separator: "\n")
            )
            #expect(retried.status == 0, "\(retried.stderr)")
            let verify = try ledger.run(["verify"])
            #expect(verify.status == 0 && verify.stdout.hasPrefix("ok: 1102 events"), "\(verify.stdout)")
            #expect(try ledger.run(["project", "update"]).status == 0)
            #expect(try runTool(["Tools/verify-log", mount + "/l"]).status == 0)
        }
    }

    @Test(
        "a full disk during a projection update: exit 4, the old projections stay, the next update catches up",
        .enabled(if: canMountFilesystems, "mounting a small filesystem needs root")
    )
    func diskFullProjections() throws {
        try withSmallFilesystem(kilobytes: 1024) { mount in
            let ledger = LedgerProcess(ledger: mount + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            try ledger.run(["append", EventJSON.schedule()])
            try ledger.run(["project", "update"])
            try ledger.run(["append", "--file", "-"], stdin: simpleEvents(companies: 150).joined(separator: "\n"))
            fill(mount + "/filler")
            let refused = try ledger.run(["project", "rebuild"])
            #expect(refused.status == 4, "\(refused.stdout) \(refused.stderr)")
            // Views still answer (by replay when the projections cannot be brought up to date).
            let status = try ledger.run(["status", "C1", "--format", "json"])
            #expect(status.status == 0 && status.stdout.contains("active"), "\(status.stdout) \(status.stderr)")
            try FileManager.default.removeItem(atPath: mount + "/filler")
            #expect(try ledger.run(["project", "update"]).status == 0)
            #expect(try ledger.run(["verify"]).status == 0)
        }
    }

    @Test(
        "a read-only ledger: appends give a clear error (exit 4); log, verify and views still work",
        .enabled(if: canMountFilesystems, "mounting a small filesystem needs root")
    )
    func readOnly() throws {
        try withSmallFilesystem(kilobytes: 1024) { mount in
            let ledger = try LedgerProcess.seeded(at: mount + "/l", companies: 3)
            try ledger.run(["project", "update"])
            try shell("mount -o remount,ro \(mount)")
            defer { try? shell("mount -o remount,rw \(mount)") }
            let append = try ledger.run(["append", EventJSON.filed("RO", on: "2024-05-01")])
            #expect(append.status == 4)
            #expect(append.stderr.contains("read-only"), "\(append.stderr)")
            #expect(try ledger.run(["verify"]).status == 0)
            #expect(try ledger.run(["log"]).lines.count == 16)
            let status = try ledger.run(["status", "C2", "--format", "json"])
            #expect(status.status == 0 && status.stdout.contains("active"), "\(status.stderr)")
            let past = try ledger.run(["status", "C2", "--format", "json", "--known-at", "2024-06-01T02:00:00Z"])
            #expect(past.status == 0 && past.stdout.contains("active"))
        }
    }

    @Test(
        "files are owner-only (0700/0600) by default, group-readable with init --group-readable; `by` names the actor"
    )
    func permissions() throws {
        try withTemporaryDirectory { path in
            for (name, flags, directoryMode, fileMode) in [
                ("private", [String](), 0o700, 0o600), ("shared", ["--group-readable"], 0o750, 0o640),
            ] {
                let ledger = LedgerProcess(ledger: path + "/" + name, clock: "2024-06-01T02:00:00Z")
                #expect(try ledger.run(["init"] + flags).status == 0)
                try ledger.run(["append", EventJSON.schedule(), "--actor", "clerk-7"])
                try ledger.run(["append", EventJSON.filed("C1", on: "2024-05-01")])
                try ledger.run(["project", "update"])
                let root = path + "/" + name
                for directory in [root, root + "/log"] {
                    #expect(try mode(directory) == directoryMode, "\(directory)")
                }
                let files = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0 != "log" }
                #expect(files.contains("index.sqlite") && files.contains("projections.sqlite"), "\(files)")
                for file in files.map({ root + "/" + $0 }) + (try segments(root)) {
                    #expect(try mode(file) == fileMode, "\(file)")
                }
                let lines = try ledger.run(["log"]).lines
                #expect(lines[0].contains("\"by\":\"clerk-7\""))
                #expect(!lines[1].contains("\"by\":\"\""), "the login name when --actor is not given")
            }
        }
    }

    private func segments(_ root: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/log").map { root + "/log/" + $0 }
    }

    private func mode(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw POSIXError(.ENOENT) }
        return Int(info.st_mode & 0o777)
    }

    /// Every file's bytes under `path`, by name.
    private func snapshot(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            files[name] = FileManager.default.contents(atPath: path + "/" + name)
        }
        return files
    }

    /// Writes `path` until the filesystem is full, then gives back `leaving` bytes.
    private func fill(_ path: String, leaving: Int = 0) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let block = [UInt8](repeating: 0x55, count: 4096)
        var size = 0
        while case let n = block.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }), n > 0 { size += n }
        ftruncate(fd, off_t(max(0, size - leaving)))
    }
}

/// Whether this process may mount a tmpfs (root, and a kernel that lets it).
let canMountFilesystems: Bool = {
    guard getuid() == 0 else { return false }
    let probe = NSTemporaryDirectory() + "ledger-mount-probe-\(getpid())"
    try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: probe) }
    guard (try? shell("mount -t tmpfs -o size=64k tmpfs \(probe)")) != nil else { return false }
    try? shell("umount \(probe)")
    return true
}()

/// Runs `body` with a fresh tmpfs of `kilobytes` mounted at a temporary directory.
func withSmallFilesystem(kilobytes: Int, _ body: (String) throws -> Void) throws {
    try withTemporaryDirectory { path in
        try shell("mount -t tmpfs -o size=\(kilobytes)k,mode=0755 tmpfs \(path)")
        defer { try? shell("umount \(path)") }
        try body(path)
    }
}

struct ShellFailure: Error { var command: String }

/// Runs a command line with `/bin/sh`, throwing unless it exits 0.
func shell(_ command: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command + " 2>/dev/null"]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ShellFailure(command: command) }
}
