import PivotAuth
import Testing

@Suite struct CredentialsTests {
    @Test func basicCredentialsSplitAtTheFirstColon() {
        // "alice:pa:ss" base-64 encoded is user alice with password "pa:ss"; the scheme is case-insensitive.
        #expect(Credentials(authorization: "Basic YWxpY2U6cGE6c3M=") == .basic(user: "alice", password: "pa:ss"))
        #expect(Credentials(authorization: "basic YWxpY2U6cGE6c3M=") == .basic(user: "alice", password: "pa:ss"))
        #expect(Credentials(authorization: "Basic YWxpY2U6") == .basic(user: "alice", password: ""))
    }

    @Test func bearerCredentialsKeepTheToken() {
        // The token is everything after the scheme and its spaces.
        #expect(Credentials(authorization: "Bearer abc.def-123") == .bearer(token: "abc.def-123"))
        #expect(Credentials(authorization: "BEARER  abc") == .bearer(token: "abc"))
    }

    @Test(arguments: ["", "Basic", "Basic ", "Basic !!!!", "Basic YWxpY2U=", "Digest abc", "Bearer", "Token abc", "Basic YQ=a"])
    func malformedValuesAreNotCredentials(value: String) {
        // Unknown schemes, missing parameters, bad base-64 and Basic without a colon are rejected.
        #expect(Credentials(authorization: value) == nil)
    }
}
