import Foundation
import LedgerCore

/// The lines of one append, handed in chunks from the thread that chains them to the history
/// that indexes them, as they are made: a large batch's index rows are written while the rest
/// of the batch is still being chained, instead of after it.
public final class LineFeed: @unchecked Sendable {
    /// Consecutive stored lines and the same lines as replay reads them.
    public struct Chunk: Sendable {
        public var lines: ArraySlice<[UInt8]>
        public var logged: ArraySlice<LoggedEvent>

        public init(lines: ArraySlice<[UInt8]>, logged: ArraySlice<LoggedEvent>) {
            self.lines = lines
            self.logged = logged
        }
    }

    /// How many lines the feed brings in all.
    public let count: Int

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var waiting: [Chunk] = []
    private var head: (seq: Int, hash: String)?
    private var ended = false

    /// At most this many chunks wait to be taken: `send` waits for room.
    private let bound: Int

    /// A feed of `count` lines, to be sent and then closed.
    /// - Parameter bound: how many chunks may wait to be taken before `send` waits (a reader of
    ///   a whole log, faster than the rows are written, would otherwise hold all of it).
    public init(count: Int, waitingAtMost bound: Int = .max) {
        self.count = count
        self.bound = bound
    }

    /// A feed that already holds all its lines: `logged` and the head they make (seq and hash
    /// of the last).
    public convenience init(lines: [[UInt8]], logged: [LoggedEvent], seq: Int, hash: String) {
        self.init(count: lines.count)
        send(Chunk(lines: lines[...], logged: logged[...]))
        close(seq: seq, hash: hash)
    }

    /// Adds the next lines, once fewer than `bound` chunks wait.
    /// - Returns: false when the feed has ended (cancelled): the lines are dropped, and the
    ///   sender may stop.
    @discardableResult
    public func send(_ chunk: Chunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= bound && !ended { condition.wait() }
        guard !ended else { return false }
        waiting.append(chunk)
        condition.broadcast()
        return true
    }

    /// Ends the feed: every line was sent, and the last one makes this head.
    public func close(seq: Int, hash: String) {
        end(head: (seq, hash))
    }

    /// Ends the feed without its lines: they will not be written.
    public func cancel() { end(head: nil) }

    private func end(head: (seq: Int, hash: String)?) {
        condition.lock()
        if !ended {
            self.head = head
            ended = true
        }
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk, waiting for it; nil once the feed has ended and every chunk was taken.
    public func next() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && !ended { condition.wait() }
        guard !waiting.isEmpty else { return nil }
        // A sender may be waiting for room.
        condition.broadcast()
        return waiting.removeFirst()
    }

    /// The head the lines make, once `next` has given nil; nil when the feed was cancelled.
    public var finalHead: (seq: Int, hash: String)? {
        condition.lock()
        defer { condition.unlock() }
        return head
    }
}
