// Built two ways (Tools/fuzz): with `-sanitize=fuzzer -DFUZZING` it hands its arguments to
// libFuzzer's driver; as a plain executable it runs the inputs named on its command line once each
// (a corpus, or a crash libFuzzer saved), to reproduce a finding under a debugger.
import Foundation

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

// SwiftPM links an executable's entry point under this name; libFuzzer's own `main` stays unused.
@_cdecl("LedgerFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        FuzzOne.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}
#else
@main
enum FuzzMain {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(2)
            }
            FuzzOne.run(Array(data))
        }
        print("ran \(CommandLine.arguments.count - 1) input(s)")
    }
}
#endif
