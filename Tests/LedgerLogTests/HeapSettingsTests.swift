import Foundation
import Testing

@testable import LedgerLog

@Suite struct HeapSettingsTests {
    /// Blocks allocated after `preferHugePagesInHeap`, as a fold's state is, lie in memory advised
    /// for 2 MiB pages (`hg` among the kernel's flags for its mapping).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled")))
    func heapAdvisedForHugePages() throws {
        // Blocks up to 32 MiB from the heap, as in the ledger's processes.
        HeapSettings.reuseLargeBlocks()
        // Within a thread's arena too (its heaps are 64 MiB at most): tests run off the main thread.
        let advised = try #require(HeapSettings.preferHugePagesInHeap(next: 24 << 20))
        // Larger than any block another test frees: it comes from the heap's top, now advised.
        let block = try #require(malloc(4 << 20))
        defer { free(block) }
        let address = UInt(bitPattern: block)
        #expect(advised.contains(address))
        // Past the block's first page, which the advice (whole pages only) may leave out.
        #expect(try Self.flags(ofMappingHolding: address + (1 << 20)).contains("hg"))
    }

    /// The `VmFlags` of the mapping of this process that holds `address` (`/proc/self/smaps`).
    static func flags(ofMappingHolding address: UInt) throws -> [Substring] {
        // Read to its end: the file's size says 0.
        let file = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps"))
        defer { try? file.close() }
        let smaps = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        var holds = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                holds = bounds.count == 2 && (bounds[0]..<bounds[1]).contains(address)
            } else if holds, fields.first == "VmFlags:" {
                return Array(fields.dropFirst())
            }
        }
        return []
    }
}
