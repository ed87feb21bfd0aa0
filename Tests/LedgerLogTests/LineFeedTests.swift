import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

@Suite struct LineFeedTests {
    static func chunk(_ seqs: ClosedRange<Int>) -> LineFeed.Chunk {
        let logged = seqs.map { seq in
            LoggedEvent(
                seq: seq,
                recorded: Instant(milliseconds: 0),
                id: EventID.random(),
                event: Event(
                    on: Day("2024-01-01")!,
                    company: CompanyID("C\(seq)"),
                    body: .memberResigned
                )
            )
        }
        return LineFeed.Chunk(lines: seqs.map { Array("line \($0)".utf8) }[...], logged: logged[...])
    }

    @Test("a feed hands its chunks over in order, waiting for each, then the head the lines make")
    func inOrder() throws {
        let feed = LineFeed(count: 9)
        let taken = BackgroundWork { () -> [Int] in
            var seqs: [Int] = []
            while let chunk = feed.next() {
                #expect(chunk.lines.count == chunk.logged.count)
                seqs += chunk.logged.map(\.seq)
            }
            return seqs
        }
        for range in [1...3, 4...4, 5...9] {
            feed.send(Self.chunk(range))
            usleep(2_000)  // the reader waits for the next chunk, not for the end
        }
        feed.close(seq: 9, hash: "ab")
        #expect(try taken.result() == Array(1...9))
        #expect(feed.finalHead?.seq == 9 && feed.finalHead?.hash == "ab")
        // An ended feed stays ended: a later cancel changes nothing.
        feed.cancel()
        #expect(feed.finalHead?.seq == 9)
    }

    @Test("a cancelled feed ends its reader, with no head: the lines were not written")
    func cancelled() throws {
        let feed = LineFeed(count: 10)
        let taken = BackgroundWork { () -> Int in
            var count = 0
            while let chunk = feed.next() { count += chunk.lines.count }
            return count
        }
        feed.send(Self.chunk(1...4))
        feed.cancel()
        #expect(try taken.result() == 4)
        #expect(feed.finalHead == nil)
    }

    @Test("a bounded feed's sender waits for room; a cancel frees it, and what it sends after is dropped")
    func bounded() throws {
        let feed = LineFeed(count: 12, waitingAtMost: 1)
        let sent = BackgroundWork { () -> [Bool] in
            [feed.send(Self.chunk(1...3)), feed.send(Self.chunk(4...6)), feed.send(Self.chunk(7...9))]
        }
        // The second chunk waits until the first is taken.
        #expect(!sent.hasEnded(within: 0.05))
        #expect(feed.next()?.logged.map(\.seq) == [1, 2, 3])
        #expect(!sent.hasEnded(within: 0.05))
        #expect(feed.next()?.logged.map(\.seq) == [4, 5, 6])
        #expect(try sent.result() == [true, true, true])
        // Full again: a cancel lets a waiting sender go, its chunk dropped.
        let late = BackgroundWork { feed.send(Self.chunk(10...12)) }
        #expect(!late.hasEnded(within: 0.05))
        feed.cancel()
        #expect(try late.result() == false)
        #expect(feed.next()?.logged.map(\.seq) == [7, 8, 9])
        #expect(feed.next() == nil)
        #expect(feed.finalHead == nil)
    }

    @Test("a feed made whole holds its lines and head at once")
    func whole() {
        let chunk = Self.chunk(1...3)
        let feed = LineFeed(lines: Array(chunk.lines), logged: Array(chunk.logged), seq: 3, hash: "cd")
        #expect(feed.count == 3)
        #expect(feed.next()?.logged.map(\.seq) == [1, 2, 3])
        #expect(feed.next() == nil)
        #expect(feed.finalHead?.hash == "cd")
    }
}
