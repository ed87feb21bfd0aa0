import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct SchemaFileTests {
    @Test("EventSchemas/ holds exactly the schemas the field table makes", arguments: EventType.allCases)
    func committedSchemasMatch(type: EventType) throws {
        let path = packageRoot + "/EventSchemas/" + EventSchema.fileName(type)
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(committed == EventSchema.text(type), "regenerate with `ledger schemas --out EventSchemas`")
    }
}

@Suite struct FieldTableTests {
    @Test("a type names a company exactly when its field table starts with one", arguments: EventType.allCases)
    func namesCompanyAgreesWithFields(type: EventType) {
        #expect(type.namesCompany == (type.fields.first?.name == "company"))
    }
}
