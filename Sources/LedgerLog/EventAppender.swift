import Crypto
import Foundation
import LedgerCore

/// What a dry run found: the lines an append would store, their acknowledgements, and the fold of
/// the affected history before and after them.
public struct AppendPreview: Sendable {
    public var lines: [[UInt8]]
    public var acks: [AppendAck]
    public var before: MembershipFold
    public var after: MembershipFold
}

/// Where an append's recording instant (R2) comes from.
public enum RecordingClock: Sendable {
    /// A given instant (`LEDGER_CLOCK`: backfills and tests); refused if before the last one.
    case fixed(Instant)
    /// The system clock, read once the writer holds the lock.
    case system

    public func read() -> Instant {
        switch self {
        case .fixed(let instant): return instant
        case .system: return Instant(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        }
    }
}

/// What an append answers for each event: `{"seq":N,"id":"…","hash":"…"}` (CLI.md).
public struct AppendAck: Hashable, Sendable {
    public var seq: Int
    public var id: String
    /// SHA-256 (hex) of the stored line.
    public var hash: String
    /// False when the event was already stored under its id (an idempotent repeat).
    public var isNew = true
}

/// Appends a batch of events: checks idempotency, R2 and every rule over the whole affected
/// history (R5), fills amounts (R15), chains and writes them as one durable commit.
public struct EventAppender: Sendable {
    public let directory: LedgerDirectory
    /// Where the recording instant comes from.
    public let clock: RecordingClock
    /// Who appends (`by`).
    public let actor: String
    public var lockTimeout: Double = 10

    public init(directory: LedgerDirectory, clock: RecordingClock, actor: String) {
        self.directory = directory
        self.clock = clock
        self.actor = actor
    }

    /// An appender that records at the fixed instant `now`.
    public init(directory: LedgerDirectory, now: Instant, actor: String) {
        self.init(directory: directory, clock: .fixed(now), actor: actor)
    }

    /// Appends `inputs` as one commit, all or nothing.
    /// - Parameter durable: called with the acknowledgements once they are on disk, before any sealing.
    /// - Returns: notes for the administrator: a torn tail set aside on opening, a seal that failed
    ///   after the commit was durable (the next append seals it).
    /// - Throws: `InputError` (a changed payload under a stored `id`), `LedgerError` (a rule),
    ///   `LogError` (storage). Nothing is written when it throws before `durable` is called, and
    ///   it does not throw after.
    @discardableResult
    public func append(
        _ inputs: consuming [EventInput],
        history: any AppendHistory = FullLogHistory(),
        durable: ([AppendAck]) -> Void
    ) throws -> [String] {
        // Handed on, not kept: the batch frees them with all it holds (below).
        var given: [EventInput]? = consume inputs
        return try withOpen(history) { writer in
            var notes = writer.recoveryNote.map { [$0] } ?? []
            let admitted = try admit(given.take()!, history: history, writer: writer)
            // A large batch's lines are written out on the other cores while the rules are
            // checked; a refusal waits for them and drops them.
            let drafting =
                admitted.fresh.count >= EventAppender.feedChunk
                ? BackgroundWork { [self] in drafts(of: admitted) } : nil
            let checked: CheckedBatch
            do {
                checked = try judge(admitted, history: history, keeping: false)
            } catch {
                _ = try? drafting?.result()
                throw error
            }
            let drafted = try drafting?.result() ?? drafts(of: admitted)
            // A large batch is indexed on another core while its lines are chained, compressed and synced.
            let feed = LineFeed(count: checked.admitted.fresh.count)
            let indexed = history.appending(feed)
            let batch = chain(checked, drafts: drafted, writer: writer, feed: feed)
            do {
                try writer.append(batch.lines)
            } catch {
                try? indexed(false)
                throw error
            }
            durable(batch.acks)
            // What the batch held (its inputs, lines, the events checked and the fold over them)
            // is freed on another thread while the index's rows are written: freed after them, it
            // kept a 100,000-event import some 50 ms longer, and a process exiting while that thread
            // was still freeing waited for it.
            BackgroundRelease.release((consume batch, consume checked, consume admitted))
            // A segment the batch filled is sealed while a large batch's rows are still written
            // on another thread (the seal does not read the index, nor the index the log).
            do {
                try writer.sealIfFull()
            } catch {
                notes.append(
                    "the events are durable, but sealing the full segment failed (\(error)); the next append seals it"
                )
            }
            // The index is derived: if it misses these lines, the next open catches it up from the log.
            try? indexed(true)
            return notes
        }
    }

    /// What `append` would store and acknowledge, and the fold before and after, with every
    /// check of a real append; nothing is written (`--dry-run`).
    public func preview(_ inputs: [EventInput], history: any AppendHistory = FullLogHistory()) throws -> AppendPreview {
        try withOpen(history) { writer in
            let checked = try check(inputs, history: history, writer: writer, keeping: true)
            let batch = chain(checked, drafts: drafts(of: checked.admitted), writer: writer)
            return AppendPreview(
                lines: batch.lines,
                acks: batch.acks,
                before: try MembershipFold.fold(batch.stored, judging: batch.judged),
                after: batch.fold
            )
        }
    }

    /// How many new events `append` would store (the inputs less repeats of stored or earlier
    /// ids), with every check of a real append; nothing is written. For a preview that shows only
    /// the count (`import --dry-run`): the rules' fold keeps no histories, as an append's does not.
    public func newEventCount(_ inputs: [EventInput], history: any AppendHistory = FullLogHistory()) throws -> Int {
        try withOpen(history) { writer in
            try check(inputs, history: history, writer: writer, keeping: false).admitted.fresh.count
        }
    }

    /// Checks each group of inputs on its own, as an append of that group alone would be checked
    /// (one writer lock for all); nothing is written. For imports that report every bad row.
    /// - Returns: for each group, the error that would refuse it, or nil.
    /// - Parameter progress: called after each group with (groups checked, groups in all).
    public func check(
        _ groups: [[EventInput]],
        history: any AppendHistory = FullLogHistory(),
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> [(any Error)?] {
        try withOpen(history) { writer in
            groups.enumerated().map { i, group -> (any Error)? in
                defer { progress?(i + 1, groups.count) }
                do {
                    _ = try check(group, history: history, writer: writer, keeping: false)
                    return nil
                } catch {
                    return error
                }
            }
        }
    }

    /// Runs `body` under the writer lock, with `history` opened at the head of the log it locked.
    private func withOpen<T>(_ history: any AppendHistory, _ body: (LogWriter) throws -> T) throws -> T {
        try LogWriter.withWriter(directory, lockTimeout: lockTimeout) { writer in
            try history.open(directory, head: writer.head)
            return try body(writer)
        }
    }

    /// An input that is new (not a repeat of a stored or earlier id), with its place: the input
    /// itself is read where the batch holds it (a copy here retained and released all it holds).
    struct FreshEvent {
        /// Its line in the batch, from 1.
        var line: Int
        /// Its input's index in the batch.
        var input: Int { line - 1 }
        var seq: Int
        /// Its id as the input gave it; nil when the ledger made it (`key`).
        var given: String?
        /// Its id as a value (the index).
        var key: EventID

        /// Its id as stored text (the line, the acknowledgement): the input's, or the one the
        /// ledger made, written out where each is made (on the cores that draft the lines, and
        /// again as the lines are chained), not as the batch is admitted, which everything after
        /// waits for (100,000 ids written there took 12 ms of a batch import's 500).
        var id: String { given ?? key.description }
    }

    /// A batch admitted under the writer lock: its new events have seqs and ids, R2 holds, and
    /// its repeats of stored ids are answered; the other rules are not checked yet.
    struct AdmittedBatch {
        /// The recording instant (R2).
        var now: Instant
        /// The inputs that are new (not repeats of a stored or earlier id), in order.
        var fresh: [FreshEvent]
        /// Each input's acknowledgement when it repeats a stored id, nil otherwise.
        var acks: [AppendAck?]
        /// The first input line of each id the batch brings.
        var batchIDs: [String: Int]
        var inputs: [EventInput]
    }

    /// A batch admitted, and the rules hold over it and the stored history.
    struct CheckedBatch {
        var admitted: AdmittedBatch
        /// The stored events the rules were checked over (none kept when the whole log was
        /// used up as it was judged), and the companies judged.
        var stored: ArraySlice<SequencedEvent>
        var judged: Set<CompanyID>?
        var fold: MembershipFold
    }

    /// A batch checked and encoded under the writer lock, ready to be written.
    struct PreparedBatch {
        var lines: [[UInt8]]
        var acks: [AppendAck]
        /// The stored events the rules were checked over, and the companies judged.
        var stored: ArraySlice<SequencedEvent>
        var judged: Set<CompanyID>?
        var fold: MembershipFold
    }

    /// Checks idempotency and R2, and gives the new events their seqs and ids.
    private func admit(
        _ inputs: [EventInput],
        history: any AppendHistory,
        writer: LogWriter
    ) throws -> AdmittedBatch {
        // Read under the lock: a writer that waited for another stamps after it (R2).
        var now = clock.read()
        if let line = writer.head.lastLine {
            let last = try line.withUnsafeBytes { try LedgerHistory.decode($0) }
            if now < last.recorded {
                guard case .system = clock else {
                    throw LedgerError(
                        "R2",
                        seq: last.seq,
                        "the clock \(now) is before the last recorded instant \(last.recorded) (seq \(last.seq))"
                    )
                }
                // The system clock stepped back (or two appends fell in one millisecond):
                // recorded never goes backwards, so this append takes the last instant.
                now = last.recorded
            }
        }
        let full = try history.storedRecords(ids: Set(inputs.compactMap(\.id)))
        var acks: [AppendAck?] = Array(repeating: nil, count: inputs.count)
        var batchIDs: [String: Int] = [:]
        var fresh: [FreshEvent] = []
        fresh.reserveCapacity(inputs.count)
        // Ids for the events that bring none, made at once: counted up from one random start.
        var newIDs = EventID.timeOrdered(count: inputs.lazy.filter { $0.id == nil }.count, recorded: now)
            .makeIterator()
        let (today, head) = (now.hongKongDay, writer.head.seq)
        // Fields read in place: a copy of each input retained and released all it holds.
        for i in inputs.indices {
            if let id = inputs[i].id, let record = full[id] {
                guard EventAppender.isSamePayload(inputs[i], record.payload) else {
                    throw InputError(
                        line: i + 1,
                        field: "id",
                        "\(id) is already stored as seq \(record.seq) with a different payload"
                    )
                }
                acks[i] = AppendAck(seq: record.seq, id: id, hash: SHA256Hex.of(record.line), isNew: false)
                continue
            }
            if let id = inputs[i].id, let earlier = batchIDs[id] {
                guard inputs[earlier].payload == inputs[i].payload else {
                    throw InputError(
                        line: i + 1,
                        field: "id",
                        "\(id) appears earlier in the batch with another payload"
                    )
                }
                continue
            }
            let seq = head + fresh.count + 1
            let key = inputs[i].id.flatMap(EventID.init(stored:)) ?? newIDs.next()!
            if let id = inputs[i].id { batchIDs[id] = i }
            if inputs[i].event.on > today {
                throw LedgerError(
                    "R2",
                    company: inputs[i].event.company,
                    line: inputs.count > 1 ? i + 1 : nil,
                    "on \(inputs[i].event.on) is after \(today), the Hong Kong date of its recording"
                )
            }
            fresh.append(FreshEvent(line: i + 1, seq: seq, given: inputs[i].id, key: key))
        }
        try EventAppender.checkRoom(after: head, adding: fresh.count)
        return AdmittedBatch(now: now, fresh: fresh, acks: acks, batchIDs: batchIDs, inputs: inputs)
    }

    /// Refuses `count` new events after seq `head` when they would pass the most a ledger holds
    /// (`SequencedEvent.maxSeq`): a replay keeps each seq in four bytes.
    /// - Throws: `LogError.full`.
    static func checkRoom(after head: Int, adding count: Int) throws(LogError) {
        guard count <= SequencedEvent.maxSeq - head else {
            throw LogError(
                .full,
                "the ledger holds \(head) events and takes at most \(SequencedEvent.maxSeq): "
                    + "these \(count) would pass it; nothing was appended",
                seq: head
            )
        }
    }

    /// Admits the inputs and checks the rules over them (`admit`, then `judge`).
    private func check(
        _ inputs: [EventInput],
        history: any AppendHistory,
        writer: LogWriter,
        keeping histories: Bool
    ) throws -> CheckedBatch {
        try judge(try admit(inputs, history: history, writer: writer), history: history, keeping: histories)
    }

    /// Checks the rules over the admitted events and the stored history they concern (R5).
    /// - Parameter histories: whether the fold keeps what the companies' views read (a preview
    ///   shows them); an append reads only the amounts it filled in (R15), and a whole history's
    ///   requests, profiles and notes would double its memory (3.9 GB for a year's batch onto
    ///   `hongkong`).
    private func judge(
        _ admitted: AdmittedBatch,
        history: any AppendHistory,
        keeping histories: Bool
    ) throws -> CheckedBatch {
        let fresh = admitted.fresh
        let freshEvents = fresh.map { SequencedEvent(seq: $0.seq, event: admitted.inputs[$0.input].event) }
        var (events, judged): ([SequencedEvent], Set<CompanyID>?)
        // Set when a fold in parts has found a rule broken: only the fold in one piece names it.
        var broken = false
        switch try history.events(judging: freshEvents) {
        case .held(let held, let companies): (events, judged) = (held, companies)
        case .wholeLog:
            // Only judged: the log's events are used up as they are folded. A broken rule is
            // named by the fold in one piece below, of the log read again.
            if !histories {
                if let fold = try LedgerHistory.judgingFold(directory, appending: freshEvents) {
                    return CheckedBatch(admitted: admitted, stored: [], judged: nil, fold: fold)
                }
                broken = true
            }
            (events, judged) = (try LedgerHistory.load(directory).events, nil)
        }
        let storedCount = events.count
        // The batch after the stored events, where they lie: a copy of a whole history's events
        // (a batch naming most companies) is 1.3 GB at `hongkong`.
        events += freshEvents
        let stored = events[..<storedCount]
        let fold: MembershipFold
        do {
            // The whole history (a batch naming most companies, or an event concerning everyone):
            // folded in parts on every core, as a replay is.
            fold =
                judged == nil && !broken
                ? try LedgerHistory.fold(events[...], notes: histories, histories: histories)
                : try MembershipFold.fold(events, judging: judged, notes: histories)
        } catch {
            throw EventAppender.located(
                error,
                fresh: fresh.map { ($0.line, $0.seq) },
                stored: stored,
                batchSize: admitted.inputs.count
            )
        }
        return CheckedBatch(admitted: admitted, stored: stored, judged: judged, fold: fold)
    }

    /// The admitted events' lines with `prev` blank, their amounts as given (R15 fills the
    /// others once the rules are checked), encoded on every core.
    func drafts(of admitted: AdmittedBatch) -> [UnchainedLine] {
        let encoder = encoder(of: admitted)
        let (fresh, inputs) = (admitted.fresh, admitted.inputs)
        // Fields read in place: a copy of a whole input retained and released all it holds.
        return ParallelMap.map(fresh.count, chunk: 256) { k in
            let i = fresh[k].input
            return encoder.line(
                seq: fresh[k].seq,
                id: fresh[k].id,
                version: inputs[i].version,
                payload: inputs[i].payload
            )
        }
    }

    /// The encoder of the batch's lines: its recording instant and this appender's actor.
    func encoder(of admitted: AdmittedBatch) -> UnchainedLineEncoder {
        UnchainedLineEncoder(recorded: admitted.now.description, by: actor)
    }

    /// How many lines are chained before they are handed to the feed: few enough that the index
    /// begins early.
    public static let feedChunk = 8_192

    /// Fills amounts (R15) in the drafts and chains the new lines, handing them to `feed` as they
    /// are chained and closing it with the head they make.
    private func chain(
        _ checked: CheckedBatch,
        drafts: consuming [UnchainedLine],
        writer: LogWriter,
        feed: LineFeed? = nil
    ) -> PreparedBatch {
        let admitted = checked.admitted
        let fresh = admitted.fresh
        let filledAmounts = checked.fold.filledAmounts
        let encoder = encoder(of: admitted)
        var acks = admitted.acks
        var lines: [[UInt8]] = []
        lines.reserveCapacity(fresh.count)
        var prev = HexDigest(Array(writer.head.hashHex.utf8))
        // Only the hashing is sequential: the lines were drafted on every core.
        for start in stride(from: 0, to: fresh.count, by: EventAppender.feedChunk) {
            let end = min(start + EventAppender.feedChunk, fresh.count)
            var logged: [LoggedEvent] = []
            logged.reserveCapacity(end - start)
            for k in start..<end {
                let input = fresh[k].input
                var event = admitted.inputs[input].event
                // An amount the request left out, filled (R15): in its line and in the index's event.
                if case .feeRequested(let period, nil) = event.body, let filled = filledAmounts[fresh[k].seq] {
                    event.body = .feeRequested(period: period, amount: filled)
                    let payload = admitted.inputs[input].payload.filling("amount", with: .string(filled.description))
                    drafts[k] = encoder.line(
                        seq: fresh[k].seq,
                        id: fresh[k].id,
                        version: admitted.inputs[input].version,
                        payload: payload
                    )
                }
                logged.append(LoggedEvent(seq: fresh[k].seq, recorded: admitted.now, id: fresh[k].key, event: event))
                // Chained in place: a copy of the line would share its bytes, then copy them to write `prev`.
                withUnsafeBytes(of: prev) { drafts[k].chain(after: $0) }
                prev = HexDigest(hexOf: drafts[k].bytes.withUnsafeBytes { SHA256.hash(data: $0) })
                acks[input] = AppendAck(seq: fresh[k].seq, id: fresh[k].id, hash: prev.text)
            }
            // The chunk's own array: a slice of `lines` would make the next append copy it.
            let chained = drafts[start..<end].map(\.bytes)
            lines.append(contentsOf: chained)
            feed?.send(LineFeed.Chunk(lines: chained[...], logged: logged[...]))
        }
        let hash = prev.text
        feed?.close(seq: writer.head.seq + fresh.count, hash: hash)
        // Repeats of an id inside the batch answer the first one's seq.
        for (i, input) in admitted.inputs.enumerated() where acks[i] == nil {
            acks[i] = acks[admitted.batchIDs[input.id!]!]
        }
        return PreparedBatch(
            lines: lines,
            acks: acks.map { $0! },
            stored: checked.stored,
            judged: checked.judged,
            fold: checked.fold
        )
    }

    /// The same payload, comparing amounts in stored form and ignoring an amount the ledger filled in.
    static func isSamePayload(_ input: EventInput, _ stored: EventPayload) -> Bool {
        if input.event.type == .feeRequested && input.payload["amount"] == nil {
            return stored.removing("amount") == input.payload
        }
        return stored == input.payload
    }

    /// A refusal said in terms of the batch: the input line, or the stored event that would no longer hold.
    static func located(
        _ error: LedgerError,
        fresh: [(line: Int, seq: Int)],
        stored: ArraySlice<SequencedEvent>,
        batchSize: Int
    ) -> LedgerError {
        guard let seq = error.seq else { return error }
        var located = error
        if let item = fresh.first(where: { $0.seq == seq }) {
            // A single event needs no line number.
            if batchSize > 1 { located.line = item.line }
        } else if let record = stored.first(where: { $0.seq == seq }) {
            located.reason =
                "the batch would make seq \(seq) (\(record.event.type.rawValue) on \(record.event.on)) no longer hold: "
                + error.reason
        }
        return located
    }
}
