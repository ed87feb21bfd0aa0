import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog

extension Ledger {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check frames, checksums, sequence, schemas, the hash chain and the rules.",
            discussion: """
                Exit 1 when something is wrong; the first line says where (seq, segment, byte offset).
                With --digest, also check that the ledger extends an earlier `ledger digest`; with
                --public-key too, first that the digest's Ed25519 signature is that key's.
                """
        )

        @OptionGroup var options: LedgerOptions

        @Option(help: "A file holding an earlier `ledger digest`: also check that the ledger extends it.")
        var digest: String?

        @Option(help: "An Ed25519 public key (PEM): the digest must carry a signature by its private key.")
        var publicKey: String?

        func run() throws {
            let earlier = try digest.map { path throws -> LedgerLog.Digest in
                try LedgerLog.Digest(json: try readText(path, field: "--digest"))
            }
            if let publicKey {
                guard let earlier else { throw InputError(field: "--public-key", "give the signed --digest to check") }
                let key = try Ed25519KeyFile.publicKey(
                    pem: try readText(publicKey, field: "--public-key"),
                    field: "--public-key"
                )
                guard earlier.signature != nil else {
                    throw LogVerifier.Problem(
                        reason: "the digest carries no signature (make it with `ledger digest --sign KEY`)"
                    )
                }
                guard earlier.isSigned(by: key) else {
                    throw LogVerifier.Problem(
                        seq: earlier.seq,
                        reason:
                            "the digest's signature does not verify with \(publicKey): the digest was altered or signed by another key"
                    )
                }
            }
            let verifier = LogVerifier(try options.open())
            let summary = try ProgressBar.around("verify", unit: .bytes) {
                try verifier.verify(extending: earlier, progress: $0)
            }
            if let torn = summary.tornTail {
                Console.note("an interrupted append left a torn tail at \(torn); the next append sets it aside")
            }
            var line = "ok: \(summary.events) events in \(summary.segments) segment(s), head \(summary.headHash)"
            if let earlier {
                line += "; extends the digest at seq \(earlier.seq)"
                if publicKey != nil { line += ", whose signature verifies" }
            }
            if let earlier, earlier.signature != nil, publicKey == nil {
                Console.note("the digest is signed; give --public-key to check its signature")
            }
            print(line)
        }
    }

    struct DigestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "digest",
            abstract: "Print the head as {\"seq\":N,\"hash\":\"…\",\"recorded\":\"…\"}.",
            discussion: """
                With --sign KEY (an Ed25519 private key in PEM, as `ledger keygen` or `openssl genpkey \
                -algorithm ed25519` writes it), adds "signature": the base64 Ed25519 signature of the \
                unsigned line's bytes.
                """
        )

        @OptionGroup var options: LedgerOptions

        @Option(help: "An Ed25519 private key (PEM) to sign the digest with.")
        var sign: String?

        func run() throws {
            var digest = try LedgerLog.Digest.current(try options.open())
            if let sign {
                let key = try Ed25519KeyFile.privateKey(pem: try readText(sign, field: "--sign"), field: "--sign")
                digest = try digest.signed(with: key)
            }
            print(digest.json)
        }
    }

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Make an Ed25519 key pair for signing digests: FILE (private, 0600) and FILE.pub.",
            discussion: "The same PEM formats as `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout`."
        )

        @Argument(help: "Where to write the private key; the public key goes to FILE.pub.")
        var file: String

        func run() throws {
            for path in [file, file + ".pub"] where FileManager.default.fileExists(atPath: path) {
                throw InputError(field: "FILE", "\(path) exists; keys are never overwritten")
            }
            let pair = Ed25519KeyFile.newPair()
            try write(pair.privatePEM, to: file, mode: 0o600)
            try write(pair.publicPEM, to: file + ".pub", mode: 0o644)
            print("wrote \(file) (private: keep it) and \(file).pub (public: give it to whoever checks)")
        }

        private func write(_ text: String, to path: String, mode: Int) throws {
            guard
                FileManager.default.createFile(
                    atPath: path,
                    contents: Data(text.utf8),
                    attributes: [.posixPermissions: mode]
                )
            else { throw InputError(field: "FILE", "cannot write \(path)") }
        }
    }
}

/// A small text file named by an option, or an `InputError` naming the option.
func readText(_ path: String, field: String) throws(InputError) -> String {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw InputError(field: field, "cannot read \(path)")
    }
    return text
}
