import PivotModel
import Testing

@testable import PivotPromQLEngine

/// The window mean's one-pass form against the general overflow-safe method it stands in for.
@Suite struct StatisticsTests {
    static func bothMeans(_ values: [Double]) -> (window: Double, general: Double) {
        let points = values.enumerated().map { Sample(timestamp: Int64($0.offset), value: $0.element) }
        let window = points.withUnsafeBufferPointer { Statistics.mean($0) }
        return (window, Statistics.mean(values))
    }

    static func same(_ a: Double, _ b: Double) -> Bool {
        a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
    }

    @Test(arguments: [
        [1.0], [0.1, 0.2, 0.3], [1e308, 1e308, -1e308], [1e308, 1e308], [.infinity, 1], [1, -.infinity],
        [.infinity, -.infinity], [.nan, 1], [1e16, 1, -1e16], [-0.0], [-0.0, 0.0], [Double.greatestFiniteMagnitude, 1, 2],
        [3, 1e100, 5, -1e100], [8_563_412_992, 8_563_419_136.5, 8_563_400_000.25],
    ] as [[Double]])
    func edgeCasesGiveTheGeneralMethodsBits(values: [Double]) {
        let (window, general) = Self.bothMeans(values)
        #expect(Self.same(window, general), "\(values): \(window) against \(general)")
    }

    @Test func randomWindowsGiveTheGeneralMethodsBits() {
        // Mixed magnitudes (so the compensation matters), with an occasional overflow, infinity or NaN.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...60, using: &generator)
            let values = (0..<count).map { _ -> Double in
                switch Int.random(in: 0..<100, using: &generator) {
                case 0: return .infinity
                case 1: return .nan
                case 2...4: return Double.greatestFiniteMagnitude / Double.random(in: 1...3, using: &generator)
                default:
                    return Double.random(in: -1...1, using: &generator) * Self.pow10(Int.random(in: -5...17, using: &generator))
                }
            }
            let (window, general) = Self.bothMeans(values)
            #expect(Self.same(window, general), "\(values): \(window) against \(general)")
        }
    }

    static func pow10(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<abs(exponent) { value *= 10 }
        return exponent < 0 ? 1 / value : value
    }
}
