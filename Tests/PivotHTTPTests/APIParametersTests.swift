import HTTPTypes
import NIOCore
@testable import PivotHTTP
import Testing

@Suite struct APIParametersTests {
    @Test func formEncodingIsDecodedAndRepeatedKeysKept() {
        // Query strings decode %XX and + and keep every match[] in order.
        let parameters = APIParameters(pairs: APIParameters.parse("query=1%2B1&time=4&match%5B%5D=up&match[]=a+b&flag"))
        #expect(parameters.first("query") == "1+1")
        #expect(parameters.first("time") == "4")
        #expect(parameters.all("match[]") == ["up", "a b"])
        #expect(parameters.first("flag") == "")
        #expect(parameters.first("missing") == nil)
    }

    @Test func aReadHeadAndBodyGiveTheQueryStringThenTheFormBody() {
        // The target's query (without a fragment) comes first, then a form POST's body; a body of
        // another type, or of another method, is not read as parameters.
        var post = HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/api/v1/query?time=4#frag")
        post.headerFields[.contentType] = "application/x-www-form-urlencoded; charset=UTF-8"
        let form = APIParameters.from(post, body: ByteBuffer(string: "query=1%2B1&time=5"))
        #expect(form.all("time") == ["4", "5"])
        #expect(form.first("query") == "1+1")
        #expect(APIParameters.hasFormBody(post))

        post.headerFields[.contentType] = "application/json"
        #expect(APIParameters.from(post, body: ByteBuffer(string: "query=up")).first("query") == nil)
        #expect(!APIParameters.hasFormBody(post))
        let get = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/api/v1/query")
        #expect(APIParameters.from(get, body: ByteBuffer(string: "query=up")).pairs.isEmpty)
    }

    @Test func textWithoutEscapesIsKeptAsIsMultiByteIncluded() {
        // Only % and + change a name or value; everything else, UTF-8 included, stays as sent.
        let pairs = APIParameters.parse("q=caf\u{e9}{a=\"b\"}&x=%E2%9C%93&=v&k=&&z")
        #expect(pairs.map(\.name) == ["q", "x", "", "k", "z"])
        #expect(pairs.map(\.value) == ["caf\u{e9}{a=\"b\"}", "\u{2713}", "v", "", ""])
        #expect(APIParameters.query(of: "/p?a=1#frag") == "a=1")
        #expect(APIParameters.query(of: "/p") == "")
        #expect(APIParameters.query(of: "/p?") == "")
    }

    @Test func malformedPercentEscapesAreKeptLiterally() {
        // A bad escape is not an error; its bytes stay as they were.
        #expect(APIParameters.parse("a=%zz%4").first?.value == "%zz%4")
    }

    @Test(arguments: [
        ("1700000000.123", Int64(1_700_000_000_123)), ("4", 4_000), ("2023-11-14T22:13:20Z", 1_700_000_000_000),
        ("2023-11-14T22:13:20.5Z", 1_700_000_000_500), ("-1.5", -1_500),
    ] as [(String, Int64)])
    func timesParseAsSecondsOrRFC3339(text: String, expected: Int64) {
        // API times are float seconds or RFC 3339, returned in milliseconds.
        #expect(APITime.milliseconds(text) == expected)
    }

    @Test func badTimesAreRejected() {
        // Text that is neither a number nor RFC 3339 is not a time.
        #expect(APITime.milliseconds("yesterday") == nil)
        #expect(APITime.milliseconds("NaN") == nil)
    }

    @Test(arguments: [
        ("U__my_2e_metric", "my.metric"), ("U__a__b", "a_b"), ("job", "job"), ("U__caf_e9_", "café"),
        ("U___zz", "U___zz"),
    ])
    func escapedLabelNamesAreDecoded(escaped: String, name: String) {
        // U__ names decode __ to _ and _hex_ to the code point; malformed ones stay as given.
        #expect(LabelNameEscaping.unescape(escaped) == name)
    }
}
