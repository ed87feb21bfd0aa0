import Foundation
import LedgerTestSupport
import Testing

@Suite(.serialized) struct ConcurrencyAndCrashTests {
    @Test("two processes appending at once: no gaps, no duplicates, the chain holds")
    func twoWriters() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            try ledger.run(["append", EventJSON.schedule()])
            let perWriter = 25
            let group = DispatchGroup()
            let results = ResultsBox()
            for writer in 0..<2 {
                DispatchQueue.global().async(group: group) {
                    for i in 0..<perWriter {
                        let company = "W\(writer)-\(i)"
                        let result = try? ledger.run(["append", EventJSON.filed(company, on: "2024-05-01")])
                        results.add(result?.status ?? -1)
                    }
                }
            }
            group.wait()
            #expect(results.statuses == Array(repeating: 0, count: 2 * perWriter))
            let verify = try ledger.run(["verify"])
            #expect(verify.status == 0 && verify.stdout.hasPrefix("ok: \(2 * perWriter + 1) events"))
            let check = try runTool(["Tools/verify-log", path + "/l"])
            #expect(check.status == 0, "\(check.stdout)")
        }
    }

    @Test("a second writer waits a bounded time for the lock, then exits 4")
    func lockTimeout() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            // Hold the lock from this process.
            let fd = open(path + "/l/lock", O_RDWR)
            #expect(flock(fd, LOCK_EX) == 0)
            defer { close(fd) }
            let result = try ledger.run(["append", EventJSON.schedule()], environment: ["LEDGER_LOCK_TIMEOUT": "0.3"])
            #expect(result.status == 4)
            #expect(result.stderr.contains("appending"))
        }
    }

    @Test("an append whose acknowledgements nobody reads yet does not keep other writers waiting")
    func unreadAcknowledgements() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            try ledger.run(["append", EventJSON.schedule()])
            // More acknowledgements than a pipe holds (about 130 bytes each, 64 KiB), left unread.
            let batch = simpleEvents(companies: 140)
            let first = try ledger.start(["append", "--file", "-"])
            let input = (first.standardInput as! Pipe).fileHandleForWriting
            input.write(Data(batch.joined(separator: "\n").utf8))
            try input.close()
            // Once the batch is durable its writer is writing acknowledgements into the full pipe.
            var stored = 0
            for _ in 0..<200 where stored < 1 + batch.count {
                usleep(50_000)
                stored = try ledger.run(["log"]).lines.count
            }
            #expect(stored == 1 + batch.count)
            let second = try ledger.run(
                ["append", EventJSON.filed("LATER", on: "2024-06-01")],
                environment: ["LEDGER_LOCK_TIMEOUT": "2"]
            )
            #expect(second.status == 0, "\(second.stderr)")
            let out = (first.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
            first.waitUntilExit()
            #expect(first.terminationStatus == 0)
            #expect(String(decoding: out, as: UTF8.self).split(separator: "\n").count == batch.count)
        }
    }

    @Test("kill -9 of appending processes: every acknowledged seq is there after reopening")
    func killNine() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            try ledger.run(["append", EventJSON.schedule()])
            var acknowledged: [(seq: Int, id: String)] = []
            var generator = SystemRandomNumberGenerator()
            for round in 0..<12 {
                let batch = simpleEvents(companies: 40, from: round * 40).joined(separator: "\n")
                let process = try ledger.start(["append", "--file", "-"])
                (process.standardInput as! Pipe).fileHandleForWriting.write(Data(batch.utf8))
                try (process.standardInput as! Pipe).fileHandleForWriting.close()
                usleep(UInt32.random(in: 1_000...60_000, using: &generator))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let out = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
                // Only whole lines are acknowledgements: the kill may cut one short.
                for line in String(decoding: out, as: UTF8.self).split(
                    separator: "\n",
                    omittingEmptySubsequences: false
                ).dropLast() {
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                    acknowledged.append((object["seq"] as! Int, object["id"] as! String))
                }
            }
            // Reopening for a write recovers any torn tail.
            #expect(try ledger.run(["append", EventJSON.filed("LAST", on: "2024-05-01")]).status == 0)
            let log = try ledger.run(["log"])
            var stored: [Int: String] = [:]
            for line in log.lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                stored[object["seq"] as! Int] = object["id"] as? String
            }
            for ack in acknowledged { #expect(stored[ack.seq] == ack.id, "acknowledged seq \(ack.seq) lost") }
            #expect(try ledger.run(["verify"]).status == 0)
        }
    }

    @Test("a crash between writing a sealed segment and renaming it leaves a valid ledger")
    func sealCrash() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            #expect(try ledger.run(["init", "--segment-limit", "4000"]).status == 0)
            try ledger.run(["append", EventJSON.schedule()])
            let crashed = try ledger.run(
                ["append", "--file", "-"],
                stdin: simpleEvents(companies: 10).joined(separator: "\n"),
                environment: ["LEDGER_FAULT": "seal-before-rename"]
            )
            #expect(crashed.status == 137)
            #expect(crashed.lines.count == 50)
            let names = try FileManager.default.contentsOfDirectory(atPath: path + "/l/log")
            #expect(names.contains("00000001.lz4.sealing"))
            #expect(try ledger.run(["verify"]).status == 0)
            // The next writer seals again and carries on.
            #expect(
                try ledger.run(
                    ["append", "--file", "-"],
                    stdin: simpleEvents(companies: 10, from: 10).joined(separator: "\n")
                ).status == 0
            )
            let after = try FileManager.default.contentsOfDirectory(atPath: path + "/l/log").sorted()
            #expect(!after.contains { $0.hasSuffix(".sealing") })
            #expect(after.count >= 2)
            let verify = try ledger.run(["verify"])
            #expect(verify.status == 0 && verify.stdout.hasPrefix("ok: 101 events"), "\(verify.stdout)")
            #expect(
                try runTool(["Tools/verify-log", path + "/l", "--schemas", packageRoot + "/EventSchemas"]).status == 0
            )
        }
    }
}

final class ResultsBox: @unchecked Sendable {
    // Guarded by `lock`: the writers' threads report here.
    private let lock = NSLock()
    private var values: [Int32] = []
    func add(_ value: Int32) { lock.withLock { values.append(value) } }
    var statuses: [Int32] { lock.withLock { values } }
}

/// Runs a tool of the package (relative to its root) and collects its output.
func runTool(_ arguments: [String]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: packageRoot + "/" + arguments[0])
    process.arguments = Array(arguments.dropFirst())
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
}
