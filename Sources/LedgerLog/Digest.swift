import Crypto
import Foundation
import LedgerCore

/// The head of a ledger: `{"seq":N,"hash":"…","recorded":"…"}` (CLI.md `digest`). An auditor
/// keeps one and later checks, with `verify --digest`, that the ledger still extends it.
///
/// A signed digest adds `"signature"`: the Ed25519 signature (base64) of the unsigned line's
/// UTF-8 bytes, exactly as `digest` prints it without a signature. Kept with the auditor's public
/// key, it also proves that the digest itself was not edited.
public struct Digest: Hashable, Sendable {
    public var seq: Int
    public var hash: String
    public var recorded: Instant?
    /// The Ed25519 signature of `signedMessage`, if signed.
    public var signature: [UInt8]?

    /// The head of the ledger in `directory`: from the last commit's trailer and line
    /// (`LogHead.quick`: a large ledger's head in milliseconds), else, when the tail needs a
    /// scan, from the last whole commit of a read of every segment.
    public static func current(_ directory: LedgerDirectory) throws -> Digest {
        guard let head = try LogHead.quick(directory) else { return try scanned(directory) }
        if head.seq == 0 { return Digest(seq: 0, hash: SHA256Hex.zero, recorded: nil) }
        guard let line = head.lastLine else { return try scanned(directory) }
        return Digest(seq: head.seq, hash: head.hashHex, recorded: try StoredRecord.decode(line: line).recorded)
    }

    /// The head from the last whole commit of a read of every segment.
    static func scanned(_ directory: LedgerDirectory) throws -> Digest {
        var last: Commit?
        try LogReader(directory).forEachCommit { _, commit in last = commit }
        guard let last else { return Digest(seq: 0, hash: SHA256Hex.zero, recorded: nil) }
        let record = try StoredRecord.decode(line: last.lastLine)
        return Digest(seq: record.seq, hash: SHA256Hex.hex(last.trailer.lastHash), recorded: record.recorded)
    }

    /// The JSON line `digest` prints (with the signature when signed).
    public var json: String {
        var members: [(String, JSONValue)] = [
            ("seq", .number(String(seq))), ("hash", .string(hash)),
            ("recorded", recorded.map { .string($0.description) } ?? .null),
        ]
        if let signature { members.append(("signature", .string(Data(signature).base64EncodedString()))) }
        return JSONWriter.string(.object(members))
    }

    /// The bytes a signature covers: the unsigned JSON line, without its newline.
    public var signedMessage: [UInt8] {
        var unsigned = self
        unsigned.signature = nil
        return Array(unsigned.json.utf8)
    }

    /// This digest signed with `key`.
    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> Digest {
        var signed = self
        signed.signature = Array(try key.signature(for: signedMessage))
        return signed
    }

    /// Whether the digest carries a signature that `key` verifies.
    public func isSigned(by key: Curve25519.Signing.PublicKey) -> Bool {
        guard let signature else { return false }
        return key.isValidSignature(signature, for: signedMessage)
    }

    /// Reads a digest as `digest` printed it.
    /// - Throws: `InputError` when it is not one.
    public init(json text: String) throws(InputError) {
        guard case .object(let members)? = try? JSONParser.parse(text),
            case .number(let seqText)? = members.first(where: { $0.key == "seq" })?.value, let seq = Int(seqText),
            seq >= 0, case .string(let hash)? = members.first(where: { $0.key == "hash" })?.value, hash.utf8.count == 64
        else { throw InputError("the digest must be {\"seq\":N,\"hash\":\"…\"} as `ledger digest` prints it") }
        self.seq = seq
        self.hash = hash.lowercased()
        if case .string(let r)? = members.first(where: { $0.key == "recorded" })?.value { recorded = Instant(r) }
        switch members.first(where: { $0.key == "signature" })?.value {
        case nil: signature = nil
        case .string(let text)?:
            guard let bytes = Data(base64Encoded: text), bytes.count == 64 else {
                throw InputError(field: "signature", "the digest's signature is not 64 bytes of base64")
            }
            signature = Array(bytes)
        default: throw InputError(field: "signature", "the digest's signature must be a base64 string")
        }
    }

    public init(seq: Int, hash: String, recorded: Instant?, signature: [UInt8]? = nil) {
        self.seq = seq
        self.hash = hash
        self.recorded = recorded
        self.signature = signature
    }
}
