import CGlibc

/// glibc's allocator settings for the ledger's processes.
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
}
