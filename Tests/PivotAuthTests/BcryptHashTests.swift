import PivotAuth
import Testing

/// bcrypt hashes made by an independent implementation (Python's `bcrypt` package 5.0.0,
/// `bcrypt.hashpw(password, bcrypt.gensalt(rounds=cost, prefix=...))`), verified through libcrypt.
@Suite struct BcryptHashTests {
    static let correctHorse = "$2b$04$BTDswjnDtWOeaJKInezMceaC0TKQsNUPL3qZklki2LDe9WuN3BTOm"  // "correct horse"
    static let secret = "$2a$05$P5TnY330FR9J2h/Hjjnz5OINmbQhwJ5Es2mhSkLbceWVi34Dg0XQe"  // "secret"
    static let unicode = "$2b$04$44KSBRcC7MfiAYRBnAOyeufKj5N0c05KDAz32A.rzGsvE0306QZWm"  // "päss:word"

    @Test func aHashFromAnotherImplementationVerifiesItsPasswordAndNoOther() throws {
        // The right password verifies; a different one, a prefix of it and the empty string do not.
        let hash = try BcryptHash(Self.correctHorse)
        #expect(hash.verify(password: "correct horse"))
        #expect(!hash.verify(password: "correct horsf"))
        #expect(!hash.verify(password: "correct"))
        #expect(!hash.verify(password: ""))
        #expect(hash.cost == 4)
    }

    @Test func theTwoAAndTwoBPrefixesAndNonASCIIPasswordsVerify() throws {
        // $2a$ hashes and UTF-8 passwords containing a colon verify like any other.
        #expect(try BcryptHash(Self.secret).verify(password: "secret"))
        #expect(try BcryptHash(Self.unicode).verify(password: "päss:word"))
        #expect(!(try BcryptHash(Self.unicode).verify(password: "pass:word")))
    }

    @Test func aTwoYHashAsHtpasswdWritesItVerifies() throws {
        // htpasswd -B writes $2y$, the same algorithm as $2b$: only the prefix differs.
        let hash = try BcryptHash("$2y$" + Self.correctHorse.dropFirst(4))
        #expect(hash.verify(password: "correct horse"))
        #expect(!hash.verify(password: "correct horse "))
    }

    @Test func aPasswordWithANulByteNeverVerifies() throws {
        // C strings end at NUL; a password containing one is refused instead of being truncated.
        #expect(!(try BcryptHash(Self.secret).verify(password: "secret\0more")))
    }

    @Test(arguments: [
        ("", "60 characters"),
        ("secret", "60 characters"),
        ("$1$" + String(repeating: "a", count: 57), "starts with $2a$, $2b$ or $2y$"),
        ("$2x$04$" + String(repeating: "a", count: 53), "starts with $2a$, $2b$ or $2y$"),
        ("$2b$03$" + String(repeating: "a", count: 53), "two digits from 04 to 31"),
        ("$2b$32$" + String(repeating: "a", count: 53), "two digits from 04 to 31"),
        ("$2b$4x$" + String(repeating: "a", count: 53), "two digits from 04 to 31"),
        ("$2b$04$" + String(repeating: "a", count: 52) + "!", "only ./A-Za-z0-9"),
    ])
    func malformedHashesAreRefusedWithTheReason(text: String, reason: String) {
        // Each malformed hash is refused at construction, with a message naming what is wrong.
        #expect {
            _ = try BcryptHash(text)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }
}
