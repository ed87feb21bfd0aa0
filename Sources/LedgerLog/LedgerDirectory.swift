import LedgerCore

#if canImport(Glibc)
import Glibc
#endif

/// A ledger on disk: `ledger.json` (format and settings), `log/NNNNNNNN.lz4` segments, `lock`.
public struct LedgerDirectory: Sendable {
    public let path: String
    /// Decompressed bytes after which a segment is sealed.
    public let segmentLimit: Int
    /// Who may read the files the ledger creates.
    public let access: FileAccess

    /// The default segment limit: 64 MiB decompressed.
    public static let defaultSegmentLimit = 64 << 20

    var logPath: String { path + "/log" }
    var lockPath: String { path + "/lock" }
    var configPath: String { path + "/ledger.json" }

    /// Opens an existing ledger.
    /// - Throws: `LogError.notALedger` when `path` holds no ledger.
    public init(opening path: String) throws(LogError) {
        self.path = path
        let config = path + "/ledger.json"
        guard FileIO.exists(config), FileIO.isDirectory(path + "/log") else {
            throw LogError(.notALedger, "\(path) is not a ledger (run `ledger init` to create one)")
        }
        let bytes = try FileIO.read(config)
        guard case .object(let members)? = try? JSONParser.parse(bytes),
            members.contains(where: { $0.key == "format" && $0.value == .string("membership-ledger") }),
            case .number(let limitText)? = members.first(where: { $0.key == "segmentLimit" })?.value,
            let limit = Int(limitText), limit > 0
        else {
            throw LogError(.notALedger, "ledger.json is not a membership ledger's settings", file: config)
        }
        segmentLimit = limit
        switch members.first(where: { $0.key == "access" })?.value {
        case nil: access = .owner
        case .string(let name)? where FileAccess(rawValue: name) != nil: access = FileAccess(rawValue: name)!
        default:
            throw LogError(.notALedger, "ledger.json's access is neither \"owner\" nor \"group\"", file: config)
        }
    }

    /// Creates an empty ledger at `path` (the directory may exist, but not a ledger in it). The
    /// directory, and everything the ledger later writes in it, get `access`'s modes.
    /// - Throws: `LogError.alreadyALedger`, or `.io`.
    @discardableResult
    public static func create(
        at path: String,
        segmentLimit: Int = defaultSegmentLimit,
        access: FileAccess = .owner
    ) throws(LogError) -> LedgerDirectory {
        if FileIO.exists(path + "/ledger.json") || FileIO.exists(path + "/log") {
            throw LogError(.alreadyALedger, "\(path) already holds a ledger; nothing was changed")
        }
        try FileIO.makeDirectories(path, mode: access.directoryMode)
        try FileIO.makeDirectories(path + "/log", mode: access.directoryMode)
        let config =
            "{\"format\":\"membership-ledger\",\"version\":1,\"segmentLimit\":\(segmentLimit),\"access\":\"\(access.rawValue)\"}\n"
        try FileIO.writeAtomically(Array(config.utf8), to: path + "/ledger.json", mode: access.fileMode)
        try FileIO.createFile(path + "/lock", mode: access.fileMode)
        try FileIO.fsyncDirectory(path + "/log")
        try FileIO.fsyncDirectory(path)
        return try LedgerDirectory(opening: path)
    }

    /// Segment numbers present, in order.
    func segmentNumbers() throws(LogError) -> [Int] {
        try FileIO.list(logPath).compactMap { name in
            guard name.hasSuffix(".lz4"), name.count == 12 else { return nil }
            return Int(name.prefix(8))
        }
    }

    func segmentName(_ number: Int) -> String {
        let digits = String(number)
        return "log/" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + ".lz4"
    }

    func segmentPath(_ number: Int) -> String { path + "/" + segmentName(number) }

    /// The bytes on disk of every segment of the log.
    public func logBytes() throws(LogError) -> Int { bytes(ofSegments: try segmentNumbers()) }

    /// The bytes on disk of the segments `numbers`.
    func bytes(ofSegments numbers: [Int]) -> Int { numbers.reduce(0) { $0 + FileIO.size(segmentPath($1)) } }

    /// A buffer with room for `window` bytes of the segments `numbers` (nil: the largest whole),
    /// for each window to be read into in turn (`SegmentScan.forEachWindow(ofFile:)`): grown
    /// segment by segment instead, it was fresh pages, and a copy, at each larger one (segments
    /// grow as the log does).
    func segmentBuffer(for numbers: [Int], window: Int?) -> [UInt8] {
        let largest = numbers.map { FileIO.size(segmentPath($0)) }.max() ?? 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(min(largest, window ?? largest))
        return buffer
    }
}
