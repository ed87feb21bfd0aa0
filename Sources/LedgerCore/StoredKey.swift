/// A payload key as a stored line spells it, `"name":`, held as two words for a comparison in
/// two steps. The ledger writes a type's payload fields in its stored order (`EventType.fields`),
/// so the replay decoder compares each key where it expects it, without scanning the key for its
/// quote or looking its name up (together 12% of decoding).
struct StoredKey {
    let field: FieldName
    /// The key's bytes, zero after its end.
    let words: (UInt64, UInt64)
    /// Which bytes of each word are the key's.
    let masks: (UInt64, UInt64)
    let count: Int
    /// The length of the value's string when its kind fixes it (a date, a membership year), else
    /// 0. Such a value's reader (`Day(utf8:)`, `Period(utf8:)`) takes digits and dashes only, so
    /// the decoder need not look for its closing quote.
    let valueBytes: Int

    init(_ spec: FieldSpec) {
        let field = spec.field
        let bytes = Array("\"\(field.key)\":".utf8)
        precondition(bytes.count <= 16, "a stored key fits two words")
        self.field = field
        count = bytes.count
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: bytes) }
        self.words = words
        var masks: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &masks) { for i in 0..<bytes.count { $0[i] = 0xFF } }
        self.masks = masks
        valueBytes =
            switch spec.kind {
            case .date: 10
            case .period: 7
            default: 0
            }
    }

    /// Each type's payload keys, by the type's place, in stored order.
    static let byType: [[StoredKey]] = EventType.allCases.map { $0.fields.map(StoredKey.init) }

    /// Whether the bytes at `offset` of `line` begin with this key.
    @inline(__always)
    func isAt(_ offset: Int, in line: UnsafeRawBufferPointer) -> Bool {
        guard offset + 16 <= line.count else {
            // Near the line's end: byte by byte.
            guard offset + count <= line.count else { return false }
            return withUnsafeBytes(of: words) { key in (0..<count).allSatisfy { line[offset + $0] == key[$0] } }
        }
        let first = line.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        let second = line.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
        return first & masks.0 == words.0 && second & masks.1 == words.1
    }
}
