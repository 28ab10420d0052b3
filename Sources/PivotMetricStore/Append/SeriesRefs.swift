extension MetricStore {
    /// The reference handed out for a head series: this store's tag, then the series id. Ids are not
    /// reused while the store runs, so a reference names one series or, once retention removed it, none.
    @inline(__always)
    func seriesRef(of id: SeriesID) -> UInt64 { seriesRefTag << 32 | UInt64(id) }

    /// The series id a reference names, or nil when another store (or an earlier opening) made it.
    @inline(__always)
    func seriesID(ofRef ref: UInt64) -> SeriesID? {
        ref >> 32 == seriesRefTag ? SeriesID(truncatingIfNeeded: ref) : nil
    }
}
