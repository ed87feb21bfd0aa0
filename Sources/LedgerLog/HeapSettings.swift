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
    static let pageSize = 4096
}
