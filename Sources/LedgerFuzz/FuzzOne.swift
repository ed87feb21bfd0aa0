import LedgerCore
import LedgerLog

/// One fuzz input: its first byte picks the reader, the rest is that reader's input. Every reader
/// must return (a value or an error) for any bytes: a trap, a hang or a runaway allocation is a
/// finding. Beyond not crashing, the replay and input decoders must agree with the general ones.
enum FuzzOne {
    static func run(_ data: [UInt8]) {
        guard let selector = data.first else { return }
        let body = Array(data.dropFirst())
        switch selector % 4 {
        case 0:
            // A segment as the reader, verify and recovery scan it.
            let scan = SegmentScan(bytes: body, firstSeq: 1, prevHash: [UInt8](repeating: 0, count: 32))
            _ = (scan.commits.count, scan.damage)
            _ = SegmentScan(bytes: body, firstSeq: nil, prevHash: nil).commits.count
        case 1:
            // One LZ4 frame, with whatever sizes its header claims.
            _ = LZ4Frame.decode(body, at: 0)
        case 2:
            // A stored line: whenever the replay decoder accepts it, the general decoder (which
            // checks every format) must accept it too and read the same record.
            let fast = body.withUnsafeBytes { StoredLineDecoder.decode($0) }
            let general = try? StoredRecord.decode(line: body)
            if let fast {
                guard let general, general.seq == fast.seq, general.recorded == fast.recorded,
                    general.id == fast.id.description, general.event == fast.event
                else { fatalError("the replay decoder read a line the general decoder reads otherwise") }
            }
        default:
            // An administrator's input line: whenever the batch path's decoder reads it, the
            // general decoder must read the same input.
            let general = (try? JSONParser.parse(body)).flatMap { try? EventCodec.decodeInput($0) }
            if let fast = body.withUnsafeBytes({ InputLineDecoder.decode($0) }), fast != general {
                fatalError("the input decoder read a line the general decoder reads otherwise")
            }
        }
    }
}
