import Glibc
import Testing
@testable import Migrations

@Suite struct MigrationSetTests {
    func file(_ name: String, _ text: String = "SELECT 1;") -> (name: String, bytes: [UInt8]) {
        (name, Array(text.utf8))
    }

    @Test func ordersVersionsNumerically() throws {
        let set = try MigrationSet(files: [file("V10__ten.sql"), file("V2__two.sql"), file("V1.10__one_ten.sql"),
                                           file("V1.9__one_nine.sql"), file("V1_2_1__underscored.sql")])
        #expect(set.migrations.map(\.fileName) == ["V1_2_1__underscored.sql", "V1.9__one_nine.sql", "V1.10__one_ten.sql",
                                                   "V2__two.sql", "V10__ten.sql"])
        #expect(set.migrations.map(\.key) == ["1.2.1", "1.9", "1.10", "2", "10"])
        #expect(set.migrations[1].description == "one nine")
    }

    @Test func ignoresFilesThatAreNotSQL() throws {
        let set = try MigrationSet(files: [file("README.md"), file("V1__a.sql"), file("notes.txt")])
        #expect(set.migrations.map(\.fileName) == ["V1__a.sql"])
    }

    @Test(arguments: ["create_users.sql", "v1__lower.sql", "V1_users.sql", "V__no_version.sql", "V1__.sql",
                      "V1..2__double_dot.sql", "V1a__letters.sql", "R__.sql", "r__lower.sql", "V-1__negative.sql"])
    func refusesABadNameShowingTheExpectedOne(name: String) {
        #expect(throws: MigrationSetError.badName(file: name)) { try MigrationSet(files: [file("V1__ok.sql"), file(name)]) }
        #expect(MigrationSetError.badName(file: name).description.contains("expected V<version>__<description>.sql"))
    }

    @Test func refusesDuplicateVersionsEvenWrittenDifferently() {
        #expect(throws: MigrationSetError.duplicateVersion(version: "1.0", files: ["V1.0__b.sql", "V1__a.sql"])) {
            try MigrationSet(files: [file("V1__a.sql"), file("V1.0__b.sql"), file("V2__c.sql")])
        }
        #expect(throws: MigrationSetError.duplicateVersion(version: "3.1", files: ["V3.1__x.sql", "V3_1__y.sql"])) {
            try MigrationSet(files: [file("V3_1__y.sql"), file("V3.1__x.sql")])
        }
    }

    @Test func checksumIsSHA256OfTheBytes() throws {
        let set = try MigrationSet(files: [file("V1__a.sql", "abc")])
        #expect(set.migrations[0].checksum == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let edited = try MigrationSet(files: [file("V1__a.sql", "abc ")])
        #expect(edited.migrations[0].checksum != set.migrations[0].checksum)
    }

    @Test func refusesTextThatIsNotUTF8() {
        #expect(throws: MigrationSetError.notUTF8(file: "V1__latin1.sql")) {
            try MigrationSet(files: [("V1__latin1.sql", [0x53, 0xE9, 0x3B])])
        }
    }

    @Test func readsADirectory() throws {
        var template = Array("/tmp/migrations-XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { _ = system("rm -rf '\(directory)'") }
        for (name, text) in [("V2__second.sql", "SELECT 2;"), ("V1__first.sql", "SELECT 1;"), ("README", "x")] {
            let descriptor = open(directory + "/" + name, O_WRONLY | O_CREAT, 0o644)
            _ = text.withCString { write(descriptor, $0, strlen($0)) }
            close(descriptor)
        }
        mkdir(directory + "/V3__a_directory.sql", 0o755)
        let set = try MigrationSet(directory: directory)
        #expect(set.migrations.map(\.fileName) == ["V1__first.sql", "V2__second.sql"])
        #expect(set.migrations[1].sql == "SELECT 2;")
    }

    @Test func aMissingDirectorySaysWhichSettingToFix() {
        #expect {
            try MigrationSet(directory: "/nonexistent/migrations")
        } throws: { error in
            String(describing: error).contains("/nonexistent/migrations") && String(describing: error).contains("MIGRATIONS_DIR")
        }
    }
}
