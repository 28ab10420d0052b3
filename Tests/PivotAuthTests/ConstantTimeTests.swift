import PivotAuth
import Testing

@Suite struct ConstantTimeTests {
    @Test func equalBytesCompareEqual() {
        // Identical inputs, including empty ones, are equal.
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals("token-123", "token-123"))
    }

    @Test func aDifferenceAnywhereOrInLengthIsUnequal() {
        // A difference in the first byte, the last byte, or only in length makes inputs unequal.
        #expect(!ConstantTime.equals("xoken-123", "token-123"))
        #expect(!ConstantTime.equals("token-124", "token-123"))
        #expect(!ConstantTime.equals("token-12", "token-123"))
        #expect(!ConstantTime.equals("token-123", "token-12"))
        #expect(!ConstantTime.equals("", "a"))
        // A shorter input is not padded into equality with zero bytes.
        #expect(!ConstantTime.equals([1, 0], [1]))
    }
}
