import CGlibc
import Foundation

/// The cores this process may run on: its CPU affinity mask (`taskset`, a container's cpuset),
/// which Foundation's `activeProcessorCount` ignores. Work split for more cores than that runs
/// the parts one after the other, paying for the split and gaining nothing.
public enum AvailableCores {
    public static let count: Int = {
        #if os(Linux)
        var mask = [UInt8](repeating: 0, count: 128)
        if ledger_sched_getaffinity(0, mask.count, &mask) == 0 {
            let ones = mask.reduce(0) { $0 + $1.nonzeroBitCount }
            if ones > 0 { return ones }
        }
        #endif
        return ProcessInfo.processInfo.activeProcessorCount
    }()
}
