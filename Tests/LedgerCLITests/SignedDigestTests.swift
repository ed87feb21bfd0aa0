import Foundation
import LedgerTestSupport
import Testing

/// Signed digests (issue 6 item 5): a digest an auditor keeps, signed with Ed25519, detects any
/// rewrite of the history before it, with our binary and with Tools/verify-log (Python + openssl).
@Suite struct SignedDigestTests {
    static let clock = "2024-06-01T02:00:00Z"

    /// A schedule and 30 companies' five events each, with ids fixed so that two ledgers built
    /// from the same lines hold the same bytes.
    static let lines: [String] = ([EventJSON.schedule()] + simpleEvents(companies: 30)).enumerated().map { i, line in
        let id = String(i + 1)
        let uuid = "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - id.count) + id
        return "{\"id\":\"\(uuid)\"," + line.dropFirst()
    }

    /// A ledger of `lines`, appended ten lines a commit in small (sealed) segments.
    func build(_ path: String, _ lines: [String]) throws -> LedgerProcess {
        let ledger = LedgerProcess(ledger: path, clock: SignedDigestTests.clock)
        try ledger.run(["init", "--segment-limit", "6000"])
        for start in stride(from: 0, to: lines.count, by: 10) {
            let batch = lines[start..<min(lines.count, start + 10)].joined(separator: "\n")
            let result = try ledger.run(["append", "--file", "-", "--actor", "clerk"], stdin: batch)
            guard result.status == 0 else { throw ShellFailure(command: result.stderr) }
        }
        return ledger
    }

    /// Both checkers' exit statuses for `ledger` against the digest and key.
    func check(_ ledger: LedgerProcess, digest: String, key: String) throws -> (ours: Int32, independent: Int32) {
        let ours = try ledger.run(["verify", "--digest", digest, "--public-key", key])
        let independent = try runTool(["Tools/verify-log", ledger.ledger, "--digest", digest, "--public-key", key])
        return (ours.status, independent.status)
    }

    @Test("a signed digest: the ledger extending it passes; every rewrite before it is detected by both checkers")
    func signedDigestDetectsRewrites() throws {
        try withTemporaryDirectory { path in
            let keys = LedgerProcess(ledger: path + "/unused")
            #expect(try keys.run(["keygen", path + "/auditor"]).status == 0)
            #expect(try keys.run(["keygen", path + "/other"]).status == 0)
            let key = path + "/auditor.pub"
            let lines = SignedDigestTests.lines
            let kept = 100
            let original = try build(path + "/original", Array(lines[..<kept]))
            let digestResult = try original.run(["digest", "--sign", path + "/auditor"])
            #expect(digestResult.stdout.contains("\"signature\":\""))
            let digest = path + "/digest.json"
            try digestResult.stdout.write(toFile: digest, atomically: true, encoding: .utf8)
            // The ledger goes on; it still extends the digest.
            for start in stride(from: kept, to: lines.count, by: 10) {
                let batch = lines[start..<min(lines.count, start + 10)].joined(separator: "\n")
                try original.run(["append", "--file", "-", "--actor", "clerk"], stdin: batch)
            }
            let intact = try check(original, digest: digest, key: key)
            #expect(intact == (0, 0))
            #expect(try check(build(path + "/rebuilt", lines), digest: digest, key: key) == (0, 0))

            // Histories rewritten before the digest's seq, each valid and well chained on its own.
            var edited = lines
            edited[40] = edited[40].replacingOccurrences(of: "\"R7\"", with: "\"R7-EDITED\"")
            #expect(edited[40] != lines[40])
            var removed = lines
            removed.remove(at: 40)
            var reordered = lines
            reordered.swapAt(15, 16)
            for (name, history) in [("edited", edited), ("removed", removed), ("reordered", reordered)] {
                let forged = try build(path + "/" + name, history)
                #expect(try forged.run(["verify"]).status == 0, "\(name): a consistent forgery passes without a digest")
                #expect(try check(forged, digest: digest, key: key) == (1, 1), "\(name)")
            }
            // A segment swapped in from another ledger (the edited one, same seqs).
            let swapped = try build(path + "/swapped", lines)
            let segments = try FileManager.default.contentsOfDirectory(atPath: swapped.ledger + "/log").sorted()
            #expect(segments.count >= 3)
            try FileManager.default.removeItem(atPath: swapped.ledger + "/log/" + segments[1])
            try FileManager.default.copyItem(
                atPath: path + "/edited/log/" + segments[1],
                toPath: swapped.ledger + "/log/" + segments[1]
            )
            #expect(try check(swapped, digest: digest, key: key) == (1, 1), "swapped segment")
            // A log cut short of the digest.
            let truncated = try build(path + "/truncated", Array(lines[..<(kept - 20)]))
            #expect(try check(truncated, digest: digest, key: key) == (1, 1), "truncated")

            // The digest itself edited, or signed by someone else.
            let text = try String(contentsOfFile: digest, encoding: .utf8)
            let moved = text.replacingOccurrences(of: "\"seq\":\(kept)", with: "\"seq\":\(kept - 1)")
            try moved.write(toFile: path + "/moved.json", atomically: true, encoding: .utf8)
            #expect(try check(original, digest: path + "/moved.json", key: key) == (1, 1), "edited digest")
            let otherDigest = try original.run(["digest", "--sign", path + "/other"]).stdout
            try otherDigest.write(toFile: path + "/other.json", atomically: true, encoding: .utf8)
            #expect(try check(original, digest: path + "/other.json", key: key) == (1, 1), "another key")
        }
    }

    @Test("keys interoperate with OpenSSL: a key made by openssl signs, ours verifies it, and the reverse")
    func openSSLKeys() throws {
        try withTemporaryDirectory { path in
            try shell("openssl genpkey -algorithm ed25519 -out \(path)/o.pem")
            try shell("openssl pkey -in \(path)/o.pem -pubout -out \(path)/o.pub")
            let ledger = try build(path + "/l", Array(SignedDigestTests.lines[..<20]))
            let signed = try ledger.run(["digest", "--sign", path + "/o.pem"])
            #expect(signed.status == 0, "\(signed.stderr)")
            try signed.stdout.write(toFile: path + "/d.json", atomically: true, encoding: .utf8)
            #expect(try check(ledger, digest: path + "/d.json", key: path + "/o.pub") == (0, 0))
            let bad = try ledger.run(["digest", "--sign", path + "/o.pub"])
            #expect(bad.status == 2 && bad.stderr.contains("--sign"), "a public key is not a signing key")
        }
    }
}
