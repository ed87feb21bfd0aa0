#if canImport(Glibc)
import Glibc
import Testing

@testable import LedgerLog

/// The advice a load gives the kernel about the memory it is about to fill.
@Suite struct HeapSettingsTests {
    /// Which of the `pages` pages from `base` are in memory (`mincore`).
    static func resident(_ base: UnsafeMutableRawPointer, pages: Int) -> [Bool] {
        var vector = [UInt8](repeating: 0, count: pages)
        #expect(mincore(base, pages * HeapSettings.pageSize, &vector) == 0)
        return vector.map { $0 & 1 == 1 }
    }

    @Test("populating maps every page the memory spans, from a start inside a page, and no other")
    func populateMapsThePagesSpanned() throws {
        let pages = 64
        let size = pages * HeapSettings.pageSize
        // Fresh anonymous memory of its own: no page is mapped until touched or populated.
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        let base = try #require(mapped == MAP_FAILED ? nil : mapped)
        defer { munmap(base, size) }
        #expect(Self.resident(base, pages: pages) == Array(repeating: false, count: pages))
        // Pages 3 to 9: from 100 bytes into page 3 to 1 byte into page 9.
        let start = 3 * HeapSettings.pageSize + 100
        let populated = HeapSettings.populate(
            UnsafeMutableRawBufferPointer(start: base + start, count: 6 * HeapSettings.pageSize - 99)
        )
        // A kernel before 5.14 has no such advice: the pages then fault in as they are written.
        guard populated else { return }
        #expect(Self.resident(base, pages: pages) == (0..<pages).map { (3...9).contains($0) })
        // Mapped as fresh memory is: zeros, and writable.
        base.storeBytes(of: 7, toByteOffset: start, as: UInt64.self)
        #expect(base.loadUnaligned(fromByteOffset: start, as: UInt64.self) == 7)
        #expect(base.load(fromByteOffset: 9 * HeapSettings.pageSize, as: UInt64.self) == 0)
    }
}
#endif
