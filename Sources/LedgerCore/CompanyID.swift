/// A company's identifier in the ledger: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`.
///
/// Eight bytes, an optional one too, with no reference to count: a replay holds a company in
/// every one of its 20 million events (`SequencedEvent`, 40 bytes; a `String` took 16), and
/// grouping and the fold compare and hash them by the million. An id of up to ten characters
/// is its own code, in base 66 with the first character most significant, so that codes compare
/// as the ids do; a longer one is numbered in a table kept for the process (`LongCompanyIDs`),
/// its code the number and a hash of its bytes.
public struct CompanyID: Hashable, Comparable, @unchecked Sendable, CustomStringConvertible {
    // A pointer never followed: its bits are the code, never zero, so that an optional id is
    // eight bytes too (nil is the null pointer). Unchecked `Sendable`: the bits are a value.
    private let bits: UnsafeRawPointer

    /// Nil unless `text` matches the company pattern of EVENTS.md.
    public init?(_ text: String) {
        var text = text
        guard let id = text.withUTF8({ CompanyID(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = id
    }

    /// Nil unless the UTF-8 `bytes` match the company pattern: the replay decoder's path, which
    /// reads the bytes where they lie, without making a string of an id of up to ten.
    public init?(utf8 bytes: UnsafeRawBufferPointer) {
        guard let code = CompanyID.shortCode(bytes) else {
            guard CompanyID.matches(bytes: bytes) else { return nil }
            self.init(code: LongCompanyIDs.shared.code(of: bytes))
            return
        }
        self.init(code: code)
    }

    private init(code: UInt64) { bits = UnsafeRawPointer(bitPattern: UInt(code))! }

    private var code: UInt64 { UInt64(UInt(bitPattern: bits)) }

    /// The id as text.
    public var rawValue: String { withUTF8 { String(decoding: $0, as: UTF8.self) } }

    /// `body` given the id's UTF-8 bytes, a short id's written on the stack: a row bound from
    /// them needs no string made first.
    public func withUTF8<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let code = code
        guard code & CompanyID.longBit == 0 else {
            var text = LongCompanyIDs.shared.text(of: code)
            return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        }
        var buffer: (UInt64, UInt64) = (0, 0)
        return try withUnsafeMutableBytes(of: &buffer) { out in
            // The digits from the last, each a remainder by 66, which the compiler makes a
            // multiplication: divided by each place's power read from a table, every character
            // took a hardware division (3.5% of a batch import's index rows).
            var rest = code
            for place in (0..<CompanyID.shortLength).reversed() {
                out[place] = UInt8(truncatingIfNeeded: rest % 66)
                rest /= 66
            }
            // An id shorter than ten ends at its first 0 digit.
            var count = 0
            while count < CompanyID.shortLength, out[count] != 0 {
                out[count] = CompanyID.characters[Int(out[count])]
                count += 1
            }
            return try body(UnsafeRawBufferPointer(rebasing: out[0..<count]))
        }
    }

    public var description: String { rawValue }

    /// A 64-bit hash of the id, the same in every process (a fold picks a company's part and
    /// number by it): of the code for a short id, of FNV-1a over the bytes for a long one.
    public var hash64: UInt64 {
        let code = code
        let key = code & CompanyID.longBit == 0 ? code : code & 0xFFFF_FFFF
        // The finalizer of SplitMix64: every bit of the key moves every bit of the hash.
        var z = key &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public static func < (lhs: CompanyID, rhs: CompanyID) -> Bool {
        let (a, b) = (lhs.code, rhs.code)
        guard (a | b) & longBit != 0 else { return a < b }
        return lhs.rawValue < rhs.rawValue
    }

    /// The most characters an id has (EVENTS.md).
    public static let longestText = 64

    /// Marks the code of an id longer than `shortLength`.
    static let longBit: UInt64 = 1 << 63

    /// The most characters an id kept as its own code has: 66¹⁰ < 2⁶³.
    static let shortLength = 10

    /// The characters of ids in byte order, from digit 1 (0 ends an id shorter than ten).
    private static let characters: [UInt8] =
        [0] + Array("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".utf8)

    /// Each byte's digit in a short code: 0 for a byte no id holds; 128 added for a byte an id
    /// may begin with (`[A-Za-z0-9]`).
    // Written once, before any read, and never again.
    nonisolated(unsafe) private static let digits: UnsafePointer<UInt8> = {
        // Never freed: the table lives as long as the process. A pointer, not an array, so
        // that a lookup takes no closure (`withUnsafeBufferPointer`) the optimizer may not inline.
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0, count: 256)
        for (digit, byte) in characters.enumerated().dropFirst() {
            let first = byte != UInt8(ascii: "-") && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "_")
            table[Int(byte)] = UInt8(digit) | (first ? 128 : 0)
        }
        return UnsafePointer(table)
    }()

    /// The code of an id of 1 to `shortLength` bytes that match the pattern; nil for any other
    /// bytes (too long to be short, or not an id).
    private static func shortCode(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard (1...shortLength).contains(bytes.count) else { return nil }
        let digits = CompanyID.digits
        let first = digits[Int(bytes[0])]
        guard first & 128 != 0 else { return nil }
        // Without a branch a byte: the least digit kept (0 for a byte no id holds), looked at once.
        var least: UInt8 = 127
        // The digits in two chains, the first half's and the second's, joined at the end:
        // one chain of a multiplication and an addition a byte was 2% of a one-core replay,
        // each step waiting for the one before.
        let half = (bytes.count + 1) / 2
        var high = UInt64(first & 127)
        for i in 1..<half {
            let digit = digits[Int(bytes[i])] & 127
            least = min(least, digit)
            high = high &* 66 &+ UInt64(digit)
        }
        var low: UInt64 = 0
        for i in half..<bytes.count {
            let digit = digits[Int(bytes[i])] & 127
            least = min(least, digit)
            low = low &* 66 &+ UInt64(digit)
        }
        guard least != 0 else { return nil }
        return (high &* power(bytes.count - half) &+ low) &* power(shortLength - bytes.count)
    }

    /// 66 to the power `exponent` (0 to `shortLength`): constants, where a table is a global
    /// read through its initialiser's check.
    @inline(__always)
    private static func power(_ exponent: Int) -> UInt64 {
        switch exponent {
        case 0: 1
        case 1: 66
        case 2: 4_356
        case 3: 287_496
        case 4: 18_974_736
        case 5: 1_252_332_576
        case 6: 82_653_950_016
        case 7: 5_455_160_701_056
        case 8: 360_040_606_269_696
        case 9: 23_762_680_013_799_936
        default: 1_568_336_880_910_795_776
        }
    }

    /// Whether UTF-8 bytes match `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`: a check of input that
    /// keeps no id.
    static func matches(bytes: UnsafeRawBufferPointer) -> Bool {
        guard (1...longestText).contains(bytes.count) else { return false }
        let digits = CompanyID.digits
        var least: UInt8 = 127
        for i in 1..<bytes.count { least = min(least, digits[Int(bytes[i])]) }
        return digits[Int(bytes[0])] & 128 != 0 && least != 0
    }
}
