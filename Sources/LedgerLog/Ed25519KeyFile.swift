import Crypto
import Foundation
import LedgerCore

/// Ed25519 keys in the PEM files OpenSSL writes and reads (`openssl genpkey -algorithm ed25519`,
/// `openssl pkey -pubout`): PKCS #8 for the private key, SubjectPublicKeyInfo for the public one.
/// So an auditor can make and keep keys with stock tools, and check a signed digest with them.
public enum Ed25519KeyFile {
    // The fixed DER prefixes of the two structures for Ed25519 (RFC 8410); the 32 key bytes follow.
    static let privatePrefix: [UInt8] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]
    static let publicPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// The private key in a PEM file's text.
    /// - Throws: `InputError` naming `field` when it is not an Ed25519 private key.
    public static func privateKey(pem: String, field: String) throws(InputError) -> Curve25519.Signing.PrivateKey {
        try key(pem: pem, label: "PRIVATE KEY", prefix: privatePrefix, field: field) {
            try Curve25519.Signing.PrivateKey(rawRepresentation: $0)
        }
    }

    /// The public key in a PEM file's text.
    /// - Throws: `InputError` naming `field` when it is not an Ed25519 public key.
    public static func publicKey(pem: String, field: String) throws(InputError) -> Curve25519.Signing.PublicKey {
        try key(pem: pem, label: "PUBLIC KEY", prefix: publicPrefix, field: field) {
            try Curve25519.Signing.PublicKey(rawRepresentation: $0)
        }
    }

    static func key<Key>(
        pem: String,
        label: String,
        prefix: [UInt8],
        field: String,
        make: ([UInt8]) throws -> Key
    ) throws(InputError) -> Key {
        let raw = try keyBytes(pem: pem, label: label, prefix: prefix, field: field)
        do {
            return try make(raw)
        } catch {
            throw InputError(field: field, "not a usable Ed25519 \(label.lowercased())")
        }
    }

    /// A new key pair, as PEM texts.
    public static func newPair() -> (privatePEM: String, publicPEM: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (pem(key), pem(key.publicKey))
    }

    /// The PEM text of a private key (PKCS #8).
    public static func pem(_ key: Curve25519.Signing.PrivateKey) -> String {
        pem(label: "PRIVATE KEY", privatePrefix + Array(key.rawRepresentation))
    }

    /// The PEM text of a public key (SubjectPublicKeyInfo).
    public static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        pem(label: "PUBLIC KEY", publicPrefix + Array(key.rawRepresentation))
    }

    static func pem(label: String, _ der: [UInt8]) -> String {
        "-----BEGIN \(label)-----\n" + Data(der).base64EncodedString() + "\n-----END \(label)-----\n"
    }

    static func keyBytes(pem: String, label: String, prefix: [UInt8], field: String) throws(InputError) -> [UInt8] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        guard let start = pem.range(of: begin), let stop = pem.range(of: end, range: start.upperBound..<pem.endIndex)
        else {
            throw InputError(
                field: field,
                "expected a PEM file holding \"\(begin)\" (an Ed25519 key, as openssl writes it)"
            )
        }
        let body = pem[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: String(body)).map(Array.init), der.count == prefix.count + 32,
            Array(der.prefix(prefix.count)) == prefix
        else {
            throw InputError(field: field, "the \(label.lowercased()) is not an Ed25519 key")
        }
        return Array(der.suffix(32))
    }
}
