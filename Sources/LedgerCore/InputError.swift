/// Bad input (exit 2): the line and field at fault and what is wrong with it.
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line of a batch, when the input has lines.
    public var line: Int?
    /// The field at fault, when one is.
    public var field: String?
    /// What is wrong, as one phrase.
    public var reason: String

    public init(line: Int? = nil, field: String? = nil, _ reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }

    /// The same error located on `line`.
    public func at(line: Int) -> InputError {
        var copy = self
        copy.line = line
        return copy
    }

    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let field { parts.append("field \"\(field)\"") }
        parts.append(reason)
        return parts.joined(separator: ": ")
    }
}
