/// What `WriteAheadLog.replay` found.
public struct WALReplayReport: Sendable, Hashable {
    /// Records handed to the replay body.
    public var records: Int
    /// Segment files read.
    public var segments: Int
    /// Bytes cut off the end of segments (a torn or corrupt tail), over all segments.
    public var truncatedBytes: Int
    /// The first segment whose reading ended early (torn or corrupt), nil when every byte was good.
    public var corruptSegment: Int?
    /// Later segments renamed `*.corrupt` because an earlier one was corrupt (or missing).
    public var setAsideSegments: [Int]
    /// What was wrong and what was done, for the log; nil when every byte was good.
    public var message: String?

    public init(records: Int = 0, segments: Int = 0, truncatedBytes: Int = 0, corruptSegment: Int? = nil,
                setAsideSegments: [Int] = [], message: String? = nil) {
        self.records = records
        self.segments = segments
        self.truncatedBytes = truncatedBytes
        self.corruptSegment = corruptSegment
        self.setAsideSegments = setAsideSegments
        self.message = message
    }
}
