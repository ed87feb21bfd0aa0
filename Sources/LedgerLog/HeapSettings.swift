import CGlibc

#if canImport(Glibc)
import Glibc
#endif

/// glibc's allocator settings, and advice to the kernel about large arrays, for the ledger's processes.
///
/// No memory is advised for 2 MiB pages: on this virtual machine a fresh one is slow to clear
/// whenever the kernel has handed its free memory back to the host, as it does a few seconds after
/// a process ends (3.0–3.6 s a GiB, against 0.66–0.71 in 4 KiB pages; 0.1 s only while another
/// process's pages are still fresh). With the events' array and the fold's heap so advised, a
/// `hongkong` replay spent 2.6–4.4 s in the kernel on one core and 3.0–3.3 on two, against
/// 1.4–1.7 without (the thirty-fifth session).
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

    /// Maps the pages `memory` spans, writable, in one call (`MADV_POPULATE_WRITE`): memory about
    /// to be written whole, whose pages would otherwise each be a page fault. Where the kernel
    /// cannot (before Linux 5.14), nothing is done and the pages fault in as they are touched.
    /// - Returns: whether the kernel mapped them.
    @discardableResult
    public static func populate(_ memory: UnsafeMutableRawBufferPointer) -> Bool {
        #if canImport(Glibc)
        guard let base = memory.baseAddress, !memory.isEmpty else { return true }
        let start = UInt(bitPattern: base) & ~UInt(pageSize - 1)
        let end = UInt(bitPattern: base) + UInt(memory.count)
        return madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), MADV_POPULATE_WRITE) == 0
        #else
        return false
        #endif
    }

    /// Gives back to the kernel the heap's free pages, wherever they lie (`malloc_trim`).
    public static func trimFreeHeap() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }

    static let pageSize = 4096
}
