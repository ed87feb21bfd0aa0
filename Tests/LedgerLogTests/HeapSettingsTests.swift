import Foundation
import Testing

@testable import LedgerLog

@Suite struct HeapSettingsTests {
    /// The heap's next bytes, grown, advised for 2 MiB pages and given back to the allocator, stay
    /// the process's, advised (`hg` among the kernel's flags for their mapping): what is allocated
    /// from the heap's top after the call, as a fold's state is, lies there. (Which block comes
    /// from where is the allocator's choice, and other tests allocate meanwhile: not asserted.)
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled")))
    func heapAdvisedForHugePages() throws {
        // Blocks up to 32 MiB from the heap, as in the ledger's processes.
        HeapSettings.reuseLargeBlocks()
        // Within a thread's arena too (its heaps are 64 MiB at most): tests run off the main thread.
        let advised = try #require(HeapSettings.preferHugePagesInHeap(next: 24 << 20))
        // Past the first page, which the advice (whole pages only) may leave out.
        #expect(try Self.flags(ofMappingHolding: advised.lowerBound + (1 << 20)).contains("hg"))
        #expect(try Self.flags(ofMappingHolding: advised.upperBound - (1 << 20)).contains("hg"))
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
