import Basics
import Testing

@Suite struct UTCTimeTests {
    @Test func readsAWSTimestampsWithAndWithoutOffsetsAndFractions() {
        #expect(UTCTime(iso8601: "2026-11-01T02:00:07.123Z")?.epochMilliseconds == 1_793_498_407_123)
        #expect(UTCTime(iso8601: "2026-11-01T04:00:07+02:00")?.epochMilliseconds == 1_793_498_407_000)
        #expect(UTCTime(iso8601: "2026-11-01T02:00:07.123456Z")?.epochMilliseconds == 1_793_498_407_123)
        #expect(UTCTime(iso8601: "not a date") == nil)
        #expect(UTCTime(iso8601: "2026-11-01T02:00") == nil)
        for bad in ["2026-11-31T04:00:00Z", "2026-13-01T04:00:00Z", "2026-11-01 04:00:00Z", "2026-11-01T24:00:00Z",
                    "2026-11-01T04:00:00Zjunk", "2026-11-01T04:00:00+0100"] {
            #expect(UTCTime(iso8601: bad) == nil, "\(bad)")
        }
        #expect(UTCTime(iso8601: "2024-02-29T00:00:00Z") != nil && UTCTime(iso8601: "2026-11-01T04:00:00") != nil)
    }

    @Test func writesEachSpellingWithEveryFieldPadded() {
        let instant = UTCTime(epochMilliseconds: 946_684_800_007)
        #expect(instant.rfc3339 == "2000-01-01T00:00:00.007Z")
        #expect(instant.basic == "20000101T000000Z")
        // SigV4's test suite's instant (aws-sig-v4-test-suite: 20150830T123600Z).
        #expect(UTCTime(epochMilliseconds: 1_440_938_160_000).basic == "20150830T123600Z")
    }

    @Test func roundTrips() {
        for ms: Int64 in [0, 1_793_498_407_123, 253_402_300_799_999] {
            #expect(UTCTime(iso8601: UTCTime(epochMilliseconds: ms).rfc3339)?.epochMilliseconds == ms)
        }
    }
}
