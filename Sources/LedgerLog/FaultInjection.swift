#if canImport(Glibc)
import Glibc
#endif

/// Fault injection for the crash tests: `LEDGER_FAULT=NAME` makes the process die at the point
/// named NAME as a power cut would (exit status 137, nothing flushed). For tests only.
public enum FaultInjection {
    /// Dies here if `LEDGER_FAULT` names this point.
    public static func point(_ name: String) {
        if let fault = getenv("LEDGER_FAULT"), String(cString: fault) == name { _exit(137) }
    }
}
