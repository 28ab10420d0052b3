import Testing

/// A query that must fail: the message and the byte range of the error.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var input: String
    var message: String
    var start: Int
    var end: Int

    init(_ input: String, _ message: String, _ start: Int, _ end: Int) {
        self.input = input
        self.message = message
        self.start = start
        self.end = end
    }

    var testDescription: String { input }
}

/// A query and the canonical text it prints as.
struct PrintCase: Sendable, CustomTestStringConvertible {
    var input: String
    var output: String

    init(_ input: String, _ output: String) {
        self.input = input
        self.output = output
    }

    var testDescription: String { input }
}
