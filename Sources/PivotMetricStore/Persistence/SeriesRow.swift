/// The `series.labels` column. Rows written since schema version 5 name each label name and value by
/// its id in `label_symbols`, which holds every distinct string once:
///
/// ```
/// byte      0 (a label set encoding never starts with 0: names are not empty)
/// uvarint   2 × label count
/// each      uvarint symbol id — name, value, name, value, …
/// ```
///
/// A series of node-exporter-like labels takes about 20 bytes instead of 150. Rows written before
/// (first byte not 0) hold the label set encoding itself and are read as they are.
enum SeriesRow {
    static let symbolMarker: UInt8 = 0

    /// The ids of the strings `label_symbols` holds, by bytes. The writing connection keeps one for
    /// the life of the store; a new string gets the next id.
    struct Symbols {
        private var ids: [[UInt8]: Int64] = [:]
        private var nextID: Int64 = 1

        mutating func insert(id: Int64, text: [UInt8]) {
            ids[text] = id
            nextID = max(nextID, id + 1)
        }

        /// The id of `text`, and whether it is new (the caller stores it).
        mutating func id(of text: UnsafeRawBufferPointer) -> (id: Int64, isNew: Bool) {
            let bytes = Array(text)
            if let id = ids[bytes] { return (id, false) }
            let id = nextID
            insert(id: id, text: bytes)
            return (id, true)
        }

        /// Forgets `removed` (a write that added them was rolled back, or nothing uses them any more).
        mutating func remove(_ removed: [(id: Int64, text: [UInt8])]) {
            for symbol in removed { ids[symbol.text] = nil }
        }
    }

    /// The row form of the label set encoding `labelBytes`; strings `symbols` lacks are added to it
    /// and to `added`. Nil when `labelBytes` is not a label set encoding.
    static func encode(
        _ labelBytes: [UInt8], symbols: inout Symbols, added: inout [(id: Int64, text: [UInt8])]
    ) -> [UInt8]? {
        labelBytes.withUnsafeBytes { bytes -> [UInt8]? in
            var cursor = ByteCursor(bytes)
            var ids: [Int64] = []
            while !cursor.isAtEnd {
                guard let piece = cursor.lengthPrefixed() else { return nil }
                let (id, isNew) = symbols.id(of: piece)
                if isNew { added.append((id, Array(piece))) }
                ids.append(id)
            }
            guard ids.count % 2 == 0 else { return nil }
            var out: [UInt8] = [symbolMarker]
            out.reserveCapacity(2 + ids.count * 2)
            VarInt.appendUnsigned(UInt64(ids.count), to: &out)
            for id in ids { VarInt.appendUnsigned(UInt64(id), to: &out) }
            return out
        }
    }

    /// Calls `body` with each symbol id of a row in symbol form (as far as it decodes).
    static func symbolIDs(_ row: [UInt8], _ body: (Int64) -> Void) {
        row.withUnsafeBytes { bytes in
            var cursor = ByteCursor(bytes)
            guard cursor.byte() == symbolMarker, let count = cursor.count() else { return }
            for _ in 0..<count {
                guard let id = cursor.unsigned() else { return }
                body(Int64(truncatingIfNeeded: id))
            }
        }
    }

    /// The label set encoding of a row, or nil when it refers to a symbol `texts` lacks or is damaged.
    static func decode(_ row: [UInt8], texts: [Int64: [UInt8]]) -> [UInt8]? {
        guard row.first == symbolMarker else { return row }
        return row.withUnsafeBytes { bytes -> [UInt8]? in
            var cursor = ByteCursor(bytes)
            _ = cursor.byte()
            guard let count = cursor.count(), count % 2 == 0 else { return nil }
            var out: [UInt8] = []
            for _ in 0..<count {
                guard let id = cursor.unsigned(), let text = texts[Int64(truncatingIfNeeded: id)] else { return nil }
                VarInt.appendUnsigned(UInt64(text.count), to: &out)
                out.append(contentsOf: text)
            }
            return cursor.isAtEnd ? out : nil
        }
    }
}
