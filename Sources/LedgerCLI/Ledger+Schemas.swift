import ArgumentParser
import Foundation
import LedgerCore

extension Ledger {
    struct Schemas: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schemas",
            abstract: "Write the JSON Schemas of the stored records (EventSchemas/<Type>.v<N>.schema.json)."
        )

        @Option(help: "The directory to write them to.")
        var out: String = "EventSchemas"

        func run() throws {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            for type in EventType.allCases {
                let path = out + "/" + EventSchema.fileName(type)
                guard FileManager.default.createFile(atPath: path, contents: Data(EventSchema.text(type).utf8)) else {
                    throw InputError(field: "--out", "cannot write \(path)")
                }
            }
            print("wrote \(EventType.allCases.count) schemas to \(out)")
        }
    }
}
