/// Every line one byte away from `line`: each byte replaced, left out, or preceded by one of the
/// bytes that end, break or re-form a JSON field (quotes, separators, digits, letters, control
/// and non-ASCII bytes). What a decoder's property test feeds it beside the line itself.
public func byteMutations(of line: [UInt8]) -> [[UInt8]] {
    let replacements = Array(#""\,:{}[]019afgzAFT.Z- "#.utf8) + [0x00, 0x1F, 0x7F, 0xC3]
    var mutations: [[UInt8]] = []
    for position in line.indices {
        for byte in replacements where byte != line[position] {
            mutations.append(Array(line[..<position] + [byte] + line[(position + 1)...]))
            mutations.append(Array(line[..<position] + line[(position + 1)...]))
            mutations.append(Array(line[..<position] + [byte] + line[position...]))
        }
    }
    return mutations
}
