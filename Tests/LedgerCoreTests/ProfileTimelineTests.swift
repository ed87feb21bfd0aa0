import Testing

@testable import LedgerCore

@Suite("Profile timeline")
struct ProfileTimelineTests {
    private func version(
        _ on: String,
        _ name: String,
        _ brNumber: String,
        employees: Int,
        expires: String = "2030-06-30",
        sector: Sector = .manufacturing
    ) -> ProfileVersion {
        ProfileVersion(
            on: Day(on)!,
            profile: Profile(
                name: name,
                brNumber: brNumber,
                brExpiresOn: Day(expires)!,
                sector: sector,
                employeesInHK: employees
            )
        )
    }

    @Test("R22: every version reads back whole, its name and registration number as of its own change")
    func versionsReadBack() {
        let name = "Kowloon Precision Engineering Company Limited"
        let copied = String(decoding: Array(name.utf8), as: UTF8.self)
        let versions = [
            version("2020-01-02", name, "11111111", employees: 40),
            // The same name (in other storage), a new headcount and sector.
            version("2021-03-04", copied, "11111111", employees: 120, sector: .nonManufacturing),
            version("2021-03-04", "KPE Ltd", "11111111", employees: 120, expires: "2031-06-30"),
            version("2022-05-06", "KPE Ltd", "22222222", employees: Int(Int32.max) + 5),
            // Back to the first name: a change again, not the first identity.
            version("2023-07-08", name, "22222222", employees: 0, expires: "0001-01-01"),
            version("2024-09-10", name, "22222222", employees: 7, expires: "9999-12-31"),
        ]
        var timeline = ProfileTimeline()
        timeline.reserveCapacity(versions.count)
        for v in versions { timeline.append(v) }
        #expect(Array(timeline) == versions)
        #expect(
            timeline
                == ProfileTimeline(
                    arrayLiteral: versions[0],
                    versions[1],
                    versions[2],
                    versions[3],
                    versions[4],
                    versions[5]
                )
        )
        #expect(timeline != ProfileTimeline(arrayLiteral: versions[0], versions[2]))
    }

    @Test("R22: a version's date, its facts without its texts, and whether two share a name and registration number")
    func readInPlace() {
        let versions = [
            version("2020-01-02", "A Ltd", "1", employees: 10),
            version("2020-06-01", "A Ltd", "1", employees: 60, sector: .nonManufacturing),
            version("2021-03-04", "B Ltd", "1", employees: 20),
            version("2021-05-04", "B Ltd", "2", employees: 20),
            // Back to the first texts: a change of its own, equal to the first identity.
            version("2022-01-01", "A Ltd", "1", employees: 20, expires: "2031-01-01"),
        ]
        var timeline = ProfileTimeline()
        for v in versions { timeline.append(v) }
        for (i, v) in versions.enumerated() {
            #expect(timeline.day(at: i) == v.on)
            var blank = v
            (blank.profile.name, blank.profile.brNumber) = ("", "")
            #expect(timeline.unnamed(at: i) == blank, "\(i)")
            for (j, w) in versions.enumerated() {
                let same = (v.profile.name, v.profile.brNumber) == (w.profile.name, w.profile.brNumber)
                #expect(timeline.sameIdentity(i, j) == same, "\(i), \(j)")
            }
        }
    }

    @Test("R22: the profile on a day is the last version dated on or before it")
    func profileOnADay() {
        let timeline: ProfileTimeline = [
            version("2020-01-02", "A Ltd", "1", employees: 10),
            version("2021-03-04", "B Ltd", "1", employees: 20),
            version("2021-03-04", "C Ltd", "1", employees: 30),
        ]
        #expect(timeline.profile(on: Day("2020-01-01")!) == nil)
        #expect(timeline.profile(on: Day("2020-01-02")!)?.name == "A Ltd")
        #expect(timeline.profile(on: Day("2021-03-03")!)?.employeesInHK == 10)
        #expect(timeline.profile(on: Day("2021-03-04")!) == timeline[2].profile)
        #expect(ProfileTimeline().profile(on: Day("2021-03-04")!) == nil)
        // The position of that version: the last of a day's, none before the first.
        #expect(timeline.position(on: Day("2020-01-01")!) == nil && timeline.position(on: Day("2021-03-03")!) == 0)
        #expect(timeline.position(on: Day("2021-03-04")!) == 2 && timeline.position(on: Day("2030-01-01")!) == 2)
    }
}
