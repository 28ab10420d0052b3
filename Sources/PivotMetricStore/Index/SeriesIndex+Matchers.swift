import PivotModel
import PivotRegex

extension SeriesIndex {
    /// The ids of the series that every matcher selects, sorted. A series that lacks a label is
    /// matched as if it had the empty value (so `{a=""}` selects series without `a`). With no matcher
    /// that needs a non-empty value, the start is every series.
    func postings(for matchers: [LabelMatcher]) -> [SeriesID] {
        var required: [[SeriesID]] = []
        var excluded: [[SeriesID]] = []
        for matcher in matchers {
            if matcher.matchesEmpty {
                // Selects series lacking the label too: remove those whose value does not match.
                switch matcher.kind {
                case .equal:
                    // value == "": drop every series that has the label.
                    excluded.append(Postings.unionDisjoint(Array(values(of: matcher.name).values)))
                case .notEqual:
                    if let list = values(of: matcher.name)[IndexKey(matcher.value)] { excluded.append(list) }
                case .regexMatch:
                    let regex = Self.compile(matcher)
                    if regex?.matchesEverything == true { continue }
                    excluded.append(valuePostings(matcher.name) { !matcher.matches($0) })
                case .regexNoMatch:
                    excluded.append(matchingPostings(matcher.name, regex: Self.compile(matcher)) { !matcher.matches($0) })
                }
            } else {
                let list: [SeriesID]
                switch matcher.kind {
                case .equal:
                    list = values(of: matcher.name)[IndexKey(matcher.value)] ?? []
                case .notEqual:
                    // value == "": every series that has the label.
                    list = Postings.unionDisjoint(Array(values(of: matcher.name).values))
                case .regexMatch:
                    list = matchingPostings(matcher.name, regex: Self.compile(matcher)) { matcher.matches($0) }
                case .regexNoMatch:
                    // The regex matches "", so the series need a non-empty value it does not match.
                    list = valuePostings(matcher.name) { matcher.matches($0) }
                }
                if list.isEmpty { return [] }
                required.append(list)
            }
        }
        var result: [SeriesID]
        if required.isEmpty {
            result = allPostings
        } else {
            required.sort { $0.count < $1.count }
            result = required[0]
            for list in required.dropFirst() {
                result = Postings.intersect(result, list)
                if result.isEmpty { return [] }
            }
        }
        excluded.removeAll { $0.isEmpty }
        if !excluded.isEmpty { result = Postings.subtract(result, Postings.union(excluded)) }
        return result
    }

    /// The union of the postings of the values of `name` that the regex (or, without helpers,
    /// `predicate`) matches, looking literal alternatives up directly.
    private func matchingPostings(_ name: String, regex: RE2Regex?, predicate: (String) -> Bool) -> [SeriesID] {
        if let regex {
            if let literals = regex.literalAlternatives {
                let values = values(of: name)
                return Postings.unionDisjoint(literals.compactMap { values[IndexKey($0)] })
            }
            if regex.matchesEverything || regex.matchesNonEmptyEverything {
                return Postings.unionDisjoint(Array(values(of: name).values))
            }
            let prefix = regex.literalPrefix
            if !prefix.isEmpty {
                return valuePostings(name) { value in
                    value.utf8.starts(with: prefix.utf8) && regex.matches(value)
                }
            }
            return valuePostings(name) { regex.matches($0) }
        }
        return valuePostings(name, predicate)
    }

    /// The union of the postings of the values of `name` for which `predicate` is true.
    private func valuePostings(_ name: String, _ predicate: (String) -> Bool) -> [SeriesID] {
        var lists: [[SeriesID]] = []
        for (value, list) in values(of: name) where predicate(value.string) { lists.append(list) }
        return Postings.unionDisjoint(lists)
    }

    private static func compile(_ matcher: LabelMatcher) -> RE2Regex? {
        try? RE2Regex(matcher.value)
    }
}
