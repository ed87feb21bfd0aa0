import Foundation
import LedgerTestSupport
import Testing

/// Hostile input (issue 6 item 6): every case is refused with exit 2 and one `error:` line, the
/// ledger is left byte for byte as it was, and memory stays bounded.
@Suite struct HostileInputTests {
    static let corpus = packageRoot + "/Tests/HostileInput"

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).filter { $0.hasSuffix(".jsonl") }
            .sorted()
    }

    /// A ledger with some history, and a snapshot of its log.
    func ledger(_ path: String) throws -> (LedgerProcess, [String: Data]) {
        let ledger = try LedgerProcess.seeded(at: path + "/l", companies: 3)
        return (ledger, try snapshot(path + "/l/log"))
    }

    func snapshot(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            files[name] = FileManager.default.contents(atPath: path + "/" + name)
        }
        return files
    }

    func expectRefused(_ result: ProcessResult, _ name: String) {
        #expect(result.status == 2, "\(name): exit \(result.status): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(name): nothing acknowledged")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("error: line "), "\(name): \(result.stderr.prefix(300))")
    }

    @Test("the corpus: every file is refused with exit 2 and the ledger is unchanged", arguments: [false, true])
    func corpus(viaStandardInput: Bool) throws {
        #expect(HostileInputTests.files.count >= 100)
        try withTemporaryDirectory { path in
            let (ledger, before) = try ledger(path)
            for name in HostileInputTests.files {
                let file = HostileInputTests.corpus + "/" + name
                let result: ProcessResult
                if viaStandardInput {
                    let process = try ledger.start(["append", "--file", "-"])
                    let input = (process.standardInput as! Pipe).fileHandleForWriting
                    input.write(FileManager.default.contents(atPath: file)!)
                    try input.close()
                    let out = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
                    let err = (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    result = ProcessResult(
                        status: process.terminationStatus,
                        stdout: String(decoding: out, as: UTF8.self),
                        stderr: String(decoding: err, as: UTF8.self)
                    )
                } else {
                    result = try ledger.run(["append", "--file", file])
                }
                expectRefused(result, name)
            }
            #expect(try snapshot(path + "/l/log") == before)
            #expect(try ledger.run(["verify"]).status == 0)
        }
    }

    @Test("a 100 MB line is refused after 16 MiB with bounded memory; a 1 MiB name is refused")
    func hugeLines() throws {
        try withTemporaryDirectory { path in
            let (ledger, before) = try ledger(path)
            let huge = path + "/huge.jsonl"
            #expect(FileManager.default.createFile(atPath: huge, contents: nil))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
            handle.write(Data("{\"type\":\"ApplicationFiled\",\"company\":\"H1\",\"name\":\"".utf8))
            let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
            for _ in 0..<100 { handle.write(block) }
            handle.write(Data("\"}\n".utf8))
            try handle.close()
            // Peak memory of the ledger process alone, measured by a wrapper that only runs it.
            let measure = Process()
            measure.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            measure.arguments = [
                "python3", "-c",
                "import resource,subprocess,sys;r=subprocess.run(sys.argv[1:],capture_output=True);"
                    + "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
                    + "sys.stderr.write(r.stderr.decode())",
                LedgerProcess.binary, "append", "--file", huge, "--ledger", ledger.ledger,
            ]
            let out = Pipe()
            let err = Pipe()
            measure.standardOutput = out
            measure.standardError = err
            try measure.run()
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            measure.waitUntilExit()
            let fields = printed.split(separator: " ").compactMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            #expect(fields.count == 2 && fields[0] == 2, "\(printed) \(stderr)")
            #expect(stderr.contains("longer than 16 MiB"), "\(stderr)")
            let peakMiB = (fields.last ?? 0) / 1024
            #expect(peakMiB < 80, "peak memory \(peakMiB) MiB for a 100 MB line")
            let name = String(repeating: "x", count: 1 << 20)
            let wide = EventJSON.filed("H1", on: "2024-05-01", name: name)
            expectRefused(try ledger.run(["append", "--file", "-"], stdin: wide), "1 MiB name")
            #expect(try snapshot(path + "/l/log") == before)
        }
    }
}
