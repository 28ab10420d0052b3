import PivotModel
import Testing

@Suite struct LabelMatcherTests {
    @Test func matchersTreatAMissingLabelAsEmpty() throws {
        // A missing label is the empty value: {a=""} and {a!~".+"} select series without a.
        let labels = Labels(["__name__": "up", "job": "api"])
        #expect(try LabelMatcher(.equal, "zone", "").matches(labels))
        #expect(try LabelMatcher(.regexNoMatch, "zone", ".+").matches(labels))
        #expect(try !LabelMatcher(.regexMatch, "zone", ".+").matches(labels))
        #expect(try LabelMatcher(.notEqual, "job", "web").matches(labels))
    }

    @Test func regexMatchersAreFullyAnchored() throws {
        // =~ matches the whole value, not a substring.
        let matcher = try LabelMatcher(.regexMatch, "job", "ap")
        #expect(!matcher.matches("api"))
        #expect(try LabelMatcher(.regexMatch, "job", "ap.*").matches("api"))
        #expect(try LabelMatcher(.regexMatch, "job", "a.c").matches("a\nc"))
    }

    @Test func matchersPrintInPromQLForm() throws {
        // A matcher prints as name op "value".
        #expect(try LabelMatcher(.regexNoMatch, "job", "a\"b").description == #"job!~"a\"b""#)
    }
}
