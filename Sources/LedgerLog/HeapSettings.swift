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
        #endif
    }

    /// Asks for 2 MiB pages under the next `bytes` of the heap (the main thread's), for a process
    /// about to fold a whole log: the fold's state (millions of fee requests, profile versions and
    /// status changes, a gigabyte at `hongkong`) is small blocks from the heap, and this machine's
    /// host makes the first touch of each fresh 4 KiB page cost far more than its share of a 2 MiB
    /// one (a one-core `hongkong` replay took 430,000 page faults).
    ///
    /// The heap is grown by `bytes` at once (address space only: nothing is touched but a chunk
    /// header), advised, and given back to the allocator, which keeps it: glibc no longer returns
    /// the heap's top to the kernel (`M_TRIM_THRESHOLD` -1, as `mallopt(3)` documents; such a
    /// process ends soon after its fold). What the heap needs beyond it comes in ordinary pages.
    /// Call it before other threads allocate: for a moment no block is mapped on its own. Blocks
    /// larger than `M_MMAP_THRESHOLD` (a window of frames, the events' array) are mapped on their
    /// own, as before, and advised where they are made; other threads' arenas are not advised.
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

    /// Asks for 2 MiB pages under an array's storage (its whole capacity, uninitialized too): an
    /// array of millions of events read out of order (a fold by company) otherwise misses the TLB
    /// at every read.
    public static func preferHugePages(_ storage: UnsafeMutableRawBufferPointer) {
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
