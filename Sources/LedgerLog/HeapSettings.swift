import CGlibc

#if canImport(Glibc)
import Glibc
#endif

/// glibc's allocator settings, and advice to the kernel about large arrays, for the ledger's processes.
public enum HeapSettings {
    /// Large blocks (a segment's file and decompressed commits, a commit's decoded events) come
    /// from the heap and go back to it, instead of fresh zeroed pages mapped for each one and
    /// unmapped after: before this, a replay spent a fifth of its time in page faults.
    public static func reuseLargeBlocks() {
        #if canImport(Glibc)
        // 32 MiB is the largest threshold glibc accepts on 64-bit; blocks above it stay mapped.
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        // A thread's arena is a 64 MiB reservation made writable as it grows: a page at a time
        // (an `mprotect` each, which holds the process's memory map against every other thread's
        // page faults), beyond what it was made writable with when new, `M_TOP_PAD` more than its
        // first block. A 100,000-event import made 18,000 such calls; with 48 MiB, 1,550.
        // Address space only: nothing is touched, so nothing counts in the resident memory.
        _ = mallopt(M_TOP_PAD, arenaTopPad)
        #endif
    }

    /// How much of a new arena's reservation is made writable at once (`M_TOP_PAD`): under the
    /// 64 MiB glibc reserves for each, which it would otherwise not pad at all.
    static let arenaTopPad: Int32 = 48 << 20

    /// Asks for 2 MiB pages under the next `bytes` of the heap (the calling thread's arena), for a
    /// process about to fold a whole log: the fold's state (millions of fee requests, profile
    /// versions and status changes, a gigabyte at `hongkong`) is small blocks from the heap, in
    /// 4 KiB pages each a fault (430,000 in a one-core `hongkong` replay). In 2 MiB pages the faults
    /// are few, and the whole 2 MiB runs a consuming fold gives back from the events' array serve
    /// them again.
    ///
    /// Not for the events' array itself, which is written once into pages the process never had:
    /// on this virtual machine a fresh 2 MiB page is slow to clear whenever the kernel has handed
    /// its free memory back to the host (3.0–3.6 s a GiB against 0.66–0.71 in 4 KiB pages, a few
    /// seconds after the last process ended; 0.1 s only while another's pages are still fresh),
    /// and advised, a one-core `hongkong` replay spent 2.6–4.4 s in the kernel instead of 1.4.
    ///
    /// The heap is grown by `bytes` at once (address space only: nothing is touched but a chunk
    /// header), advised, and given back to the allocator, which keeps it: glibc no longer returns
    /// the heap's top to the kernel (`M_TRIM_THRESHOLD` -1, as `mallopt(3)` documents; such a
    /// process ends soon after its fold). Blocks made after it come from it while it has room,
    /// however large (glibc maps a block on its own only when the heap's top cannot hold it): call
    /// it once the events' array is made, which would otherwise take it. Call it before other
    /// threads allocate: for a moment no block is mapped on its own. Other threads' arenas are
    /// not advised. Under strict overcommit (`vm.overcommit_memory` 2) the address space counts
    /// against the commit limit: `bytes` is capped at half the machine's memory, and a refused
    /// growth is no error.
    /// - Returns: the addresses advised, nil when none were (a heap that cannot grow by `bytes`).
    @discardableResult
    public static func preferHugePagesInHeap(next bytes: Int) -> Range<UInt>? {
        #if canImport(Glibc)
        let bytes = min(bytes, physicalMemory / 2)
        guard bytes >= hugePage else { return nil }
        _ = mallopt(M_TRIM_THRESHOLD, -1)
        // Every block from the heap for this one allocation, however large.
        _ = mallopt(M_MMAP_MAX, 0)
        defer { _ = mallopt(M_MMAP_MAX, defaultMapMax) }
        guard let block = malloc(bytes) else { return nil }
        preferHugePages(UnsafeMutableRawBufferPointer(start: block, count: bytes))
        free(block)
        return UInt(bitPattern: block)..<(UInt(bitPattern: block) + UInt(bytes))
        #else
        return nil
        #endif
    }

    /// Asks for 2 MiB pages under `storage`'s whole pages.
    private static func preferHugePages(_ storage: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
        guard let base = storage.baseAddress, storage.count >= hugePage else { return }
        // Whole pages inside the storage only; advice never changes what the memory holds.
        let start = (UInt(bitPattern: base) + UInt(pageSize) - 1) & ~UInt(pageSize - 1)
        let end = (UInt(bitPattern: base) + UInt(storage.count)) & ~UInt(pageSize - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, Int(end - start), MADV_HUGEPAGE)
        #endif
    }

    /// Gives back to the kernel the whole pages of `used` (memory whose contents are no longer
    /// needed: events a consuming fold has used), from `next` on, and moves `next` past them. The
    /// pages read as zeros if touched again.
    public static func giveBack(_ used: UnsafeMutableRawBufferPointer, after next: inout UInt) {
        #if canImport(Glibc)
        guard let base = used.baseAddress else { return }
        let start = max((UInt(bitPattern: base) + UInt(pageSize) - 1) & ~UInt(pageSize - 1), next)
        let end = (UInt(bitPattern: base) + UInt(used.count)) & ~UInt(pageSize - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, Int(end - start), MADV_DONTNEED)
        next = end
        #endif
    }

    /// Gives back to the kernel the heap's free pages, wherever they lie (`malloc_trim`).
    public static func trimFreeHeap() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }

    static let hugePage = 2 << 20
    /// The machine's memory: a heap grown past half of it would be refused, or starve the rest.
    static var physicalMemory: Int {
        #if canImport(Glibc)
        return sysconf(Int32(_SC_PHYS_PAGES)) * sysconf(Int32(_SC_PAGESIZE))
        #else
        return 0
        #endif
    }
    /// glibc's default `M_MMAP_MAX`: how many blocks may be mapped on their own at once.
    static let defaultMapMax: Int32 = 65536
    static let pageSize = 4096
}
