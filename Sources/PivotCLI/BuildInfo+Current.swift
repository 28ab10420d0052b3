import CPivotSupport
import PivotHTTP

extension BuildInfo {
    /// Pivot's own version.
    static let pivotVersion = "0.1.0"

    /// This binary's build information.
    public static var current: BuildInfo {
        #if swift(>=6.3)
        let swift = "swift6.3"
        #else
        let swift = "swift6"
        #endif
        return BuildInfo(
            version: pivotVersion,
            prometheusCompatibleVersion: "3.5.0",
            revision: String(cString: pivot_build_revision()),
            branch: "main",
            buildUser: "pivot",
            buildDate: String(cString: pivot_build_date()),
            swiftVersion: swift)
    }
}
