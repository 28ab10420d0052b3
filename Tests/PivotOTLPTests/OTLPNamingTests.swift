import PivotOTLP
import Testing

/// One metric-name case: OTLP name, unit and shape, and the expected Prometheus name.
struct MetricNameCase: Sendable, CustomTestStringConvertible {
    let name: String
    let unit: String
    let shape: OTLPMetricShape
    let expected: String
    var namespace: String = ""

    init(_ name: String, _ unit: String, _ shape: OTLPMetricShape, _ expected: String, namespace: String = "") {
        self.name = name
        self.unit = unit
        self.shape = shape
        self.expected = expected
        self.namespace = namespace
    }

    var testDescription: String { "\(namespace.isEmpty ? "" : namespace + "/")\(name) [\(unit)] \(shape) -> \(expected)" }

    func actual(_ strategy: OTLPTranslationStrategy) -> String {
        OTLPMetricNamer(strategy: strategy, namespace: namespace).metricName(name: name, unit: unit, shape: shape)
    }
}

/// One input/expected string pair.
struct StringCase: Sendable, CustomTestStringConvertible {
    let input: String
    let expected: String
    init(_ input: String, _ expected: String) {
        self.input = input
        self.expected = expected
    }
    var testDescription: String { "\(input.debugDescription) -> \(expected.debugDescription)" }
}

/// One attribute value and its expected label value.
struct ValueCase: Sendable, CustomTestStringConvertible {
    let value: OTLPAnyValue
    let expected: String
    init(_ value: OTLPAnyValue, _ expected: String) {
        self.value = value
        self.expected = expected
    }
    var testDescription: String { "\(value) -> \(expected.debugDescription)" }
}

@Suite("OTLP naming")
struct OTLPNamingTests {
    // MARK: - Strategy

    @Test func strategiesParseFromTheirPrometheusConfigurationSpellings() {
        // Each strategy's raw value is the `otlp.translation_strategy` spelling; the default escapes and adds suffixes.
        #expect(OTLPTranslationStrategy(rawValue: "UnderscoreEscapingWithSuffixes") == .underscoreEscapingWithSuffixes)
        #expect(OTLPTranslationStrategy(rawValue: "UnderscoreEscapingWithoutSuffixes") == .underscoreEscapingWithoutSuffixes)
        #expect(OTLPTranslationStrategy(rawValue: "NoUTF8EscapingWithSuffixes") == .noUTF8EscapingWithSuffixes)
        #expect(OTLPTranslationStrategy(rawValue: "NoTranslation") == .noTranslation)
        #expect(OTLPTranslationStrategy(rawValue: "underscoreescapingwithsuffixes") == nil)
        #expect(OTLPTranslationStrategy.allCases.count == 4)
        #expect(OTLPTranslationStrategy.default == .underscoreEscapingWithSuffixes)
    }

    @Test func strategiesReportWhetherTheyEscapeAndAddSuffixes() {
        // Escaping and suffixing are independent: two strategies escape, two add suffixes.
        #expect(OTLPTranslationStrategy.underscoreEscapingWithSuffixes.escapesNames)
        #expect(OTLPTranslationStrategy.underscoreEscapingWithSuffixes.addsSuffixes)
        #expect(OTLPTranslationStrategy.underscoreEscapingWithoutSuffixes.escapesNames)
        #expect(!OTLPTranslationStrategy.underscoreEscapingWithoutSuffixes.addsSuffixes)
        #expect(!OTLPTranslationStrategy.noUTF8EscapingWithSuffixes.escapesNames)
        #expect(OTLPTranslationStrategy.noUTF8EscapingWithSuffixes.addsSuffixes)
        #expect(!OTLPTranslationStrategy.noTranslation.escapesNames)
        #expect(!OTLPTranslationStrategy.noTranslation.addsSuffixes)
    }

    // MARK: - Metric names, default strategy

    @Test(arguments: [
        MetricNameCase("http.server.duration", "s", .histogram, "http_server_duration_seconds"),
        MetricNameCase("memory.usage", "By", .gauge, "memory_usage_bytes"),
        MetricNameCase("metric@with#special$chars", "", .gauge, "metric_with_special_chars"),
        MetricNameCase("metric__with__multiple__underscores", "", .gauge, "metric_with_multiple_underscores"),
        MetricNameCase("__leading.and.trailing__", "", .gauge, "leading_and_trailing"),
        MetricNameCase("a..b", "", .summary, "a_b"),
        MetricNameCase("a:b.c", "", .gauge, "a:b_c"),
        MetricNameCase("température.ñ", "Cel", .gauge, "temp_rature_celsius"),
        MetricNameCase("e\u{301}x", "", .gauge, "e_x"),
        MetricNameCase("123_requests", "", .counter, "_123_requests_total"),
        MetricNameCase("2xx.responses", "", .gauge, "_2xx_responses"),
        MetricNameCase("1", "1", .gauge, "_1_ratio"),
    ])
    func defaultStrategyEscapesAndCollapsesMetricNames(_ c: MetricNameCase) {
        // Characters outside [a-zA-Z0-9:] split the name into tokens joined by one `_`; a leading digit gets `_`.
        #expect(c.actual(.underscoreEscapingWithSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("requests.count", "1", .counter, "requests_count_total"),
        MetricNameCase("items", "1", .counter, "items_total"),
        MetricNameCase("requests_total", "", .counter, "requests_total"),
        MetricNameCase("requests.total", "", .counter, "requests_total"),
        MetricNameCase("total_requests", "", .counter, "requests_total"),
        MetricNameCase("requests.total.count", "", .counter, "requests_count_total"),
        MetricNameCase("requests_total", "", .gauge, "requests_total"),
        MetricNameCase("requests", "", .nonMonotonicSum, "requests"),
        MetricNameCase("requests", "", .histogram, "requests"),
        MetricNameCase("requests", "", .exponentialHistogram, "requests"),
        MetricNameCase("requests", "", .summary, "requests"),
        MetricNameCase("...", "", .counter, "total"),
    ])
    func defaultStrategyAppendsTotalToCountersOnlyMovingExistingTotalTokens(_ c: MetricNameCase) {
        // Counters lose every `total` token and get `_total` at the end; other shapes get no type suffix.
        #expect(c.actual(.underscoreEscapingWithSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("cpu.utilization", "1", .gauge, "cpu_utilization_ratio"),
        MetricNameCase("cpu_usage_ratio", "1", .gauge, "cpu_usage_ratio"),
        MetricNameCase("ratio_of_cpu", "1", .gauge, "of_cpu_ratio"),
        MetricNameCase("cpu.utilization", "1", .nonMonotonicSum, "cpu_utilization"),
        MetricNameCase("cpu.utilization", "1", .histogram, "cpu_utilization"),
        MetricNameCase("cpu.utilization", "1", .summary, "cpu_utilization"),
        MetricNameCase("cpu.utilization", " 1", .gauge, "cpu_utilization"),
        MetricNameCase("requests", "1/s", .gauge, "requests_per_second"),
    ])
    func defaultStrategyAppendsRatioOnlyToGaugesWithUnitOne(_ c: MetricNameCase) {
        // Unit exactly "1" gives no unit word, and `_ratio` only for gauges (not counters or non-monotonic sums).
        #expect(c.actual(.underscoreEscapingWithSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("t", "d", .gauge, "t_days"),
        MetricNameCase("t", "h", .gauge, "t_hours"),
        MetricNameCase("t", "min", .gauge, "t_minutes"),
        MetricNameCase("t", "s", .gauge, "t_seconds"),
        MetricNameCase("t", "ms", .gauge, "t_milliseconds"),
        MetricNameCase("t", "us", .gauge, "t_microseconds"),
        MetricNameCase("t", "ns", .gauge, "t_nanoseconds"),
        MetricNameCase("m", "By", .gauge, "m_bytes"),
        MetricNameCase("m", "KiBy", .gauge, "m_kibibytes"),
        MetricNameCase("m", "MiBy", .gauge, "m_mebibytes"),
        MetricNameCase("m", "GiBy", .gauge, "m_gibibytes"),
        MetricNameCase("m", "TiBy", .gauge, "m_tibibytes"),
        MetricNameCase("m", "KBy", .gauge, "m_kilobytes"),
        MetricNameCase("m", "kBy", .gauge, "m_kBy"),
        MetricNameCase("m", "MBy", .gauge, "m_megabytes"),
        MetricNameCase("m", "GBy", .gauge, "m_gigabytes"),
        MetricNameCase("m", "TBy", .gauge, "m_terabytes"),
        MetricNameCase("x", "m", .gauge, "x_meters"),
        MetricNameCase("x", "V", .gauge, "x_volts"),
        MetricNameCase("x", "A", .gauge, "x_amperes"),
        MetricNameCase("x", "J", .gauge, "x_joules"),
        MetricNameCase("x", "W", .gauge, "x_watts"),
        MetricNameCase("x", "g", .gauge, "x_grams"),
        MetricNameCase("x", "Cel", .gauge, "x_celsius"),
        MetricNameCase("x", "Hz", .gauge, "x_hertz"),
        MetricNameCase("x", "%", .gauge, "x_percent"),
        MetricNameCase("custom.metric", "custom_unit", .gauge, "custom_metric_custom_unit"),
        MetricNameCase("custom_metric", "unit__multiple__underscores", .gauge, "custom_metric_unit_multiple_underscores"),
        MetricNameCase("disk.io", "KBy", .counter, "disk_io_kilobytes_total"),
        MetricNameCase("disk.io", "kBy", .counter, "disk_io_kBy_total"),
        MetricNameCase("process.cpu.time", "s", .counter, "process_cpu_time_seconds_total"),
    ])
    func defaultStrategyAppendsTheUnitWordBeforeTheTypeSuffix(_ c: MetricNameCase) {
        // Known UCUM units become words (KBy, not kBy; TiBy gives "tibibytes"); unknown units pass through escaped.
        #expect(c.actual(.underscoreEscapingWithSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("packets", "{packet}", .counter, "packets_total"),
        MetricNameCase("packets", "{packet}/s", .gauge, "packets_per_second"),
        MetricNameCase("custom_metric", "By/{x}", .gauge, "custom_metric_bytes"),
        MetricNameCase("custom_metric", "foo{bar}", .gauge, "custom_metric"),
        MetricNameCase("custom_metric", "", .gauge, "custom_metric"),
        MetricNameCase("custom_metric", "   ", .gauge, "custom_metric"),
    ])
    func defaultStrategyDropsAnnotatedAndBlankUnits(_ c: MetricNameCase) {
        // A unit half that is blank or contains `{` or `}` contributes no suffix.
        #expect(c.actual(.underscoreEscapingWithSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("throughput", "By/s", .gauge, "throughput_bytes_per_second"),
        MetricNameCase("speed", " m / s ", .gauge, "speed_meters_per_second"),
        MetricNameCase("rate", "By/m", .gauge, "rate_bytes_per_minute"),
        MetricNameCase("rate", "By/h", .gauge, "rate_bytes_per_hour"),
        MetricNameCase("rate", "By/d", .gauge, "rate_bytes_per_day"),
        MetricNameCase("rate", "By/w", .gauge, "rate_bytes_per_week"),
        MetricNameCase("rate", "By/mo", .gauge, "rate_bytes_per_month"),
        MetricNameCase("rate", "By/y", .gauge, "rate_bytes_per_year"),
        MetricNameCase("rate", "By/min", .gauge, "rate_bytes_per_min"),
        MetricNameCase("requests", "{request}/s", .counter, "requests_per_second_total"),
        MetricNameCase("x", "a/b/c", .gauge, "x_a_per_b_c"),
        MetricNameCase("custom_metric", "unit@with#special/chars", .gauge, "custom_metric_unit_with_special_per_chars"),
        MetricNameCase("requests", "1/s", .counter, "requests_per_second_total"),
    ])
    func defaultStrategyTranslatesRateUnitsToPerWords(_ c: MetricNameCase) {
        // `a/b` becomes `a_per_b` with singular per-words (s, m, h, d, w, mo, y); unknown per-units pass through.
        #expect(c.actual(.underscoreEscapingWithSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("response_time_seconds", "s", .histogram, "response_time_seconds"),
        MetricNameCase("seconds.response", "s", .gauge, "seconds_response"),
        MetricNameCase("otelcol_process_cpu_seconds", "s", .counter, "otelcol_process_cpu_seconds_total"),
        MetricNameCase("process.cpu.seconds.total", "s", .counter, "process_cpu_seconds_total"),
        MetricNameCase("bytes_sent", "By/s", .gauge, "bytes_sent_per_second"),
        MetricNameCase("responsetimeseconds", "s", .gauge, "responsetimeseconds_seconds"),
        // Upstream quirk: the per-unit is compared with single tokens, so it is always added again.
        MetricNameCase("requests_per_second", "1/s", .gauge, "requests_per_second_per_second"),
    ])
    func defaultStrategySkipsTheUnitWordWhenTheNameAlreadyHasItAsAToken(_ c: MetricNameCase) {
        // The unit word is not added when any `_`-separated token of the name equals it.
        #expect(c.actual(.underscoreEscapingWithSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("", "", .gauge, ""),
        MetricNameCase("@#$%", "", .gauge, ""),
        MetricNameCase("___", "", .gauge, ""),
        MetricNameCase("...", "{x}", .histogram, ""),
    ])
    func defaultStrategyRejectsNamesThatEscapeToNothing(_ c: MetricNameCase) {
        // A name that escapes to "" (or only underscores) yields "", meaning the metric is dropped.
        #expect(c.actual(.underscoreEscapingWithSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("requests", "1/s", .counter, "app_requests_per_second_total", namespace: "app"),
        MetricNameCase("123_requests", "", .counter, "app_123_requests_total", namespace: "app"),
        MetricNameCase("http.server.duration", "s", .histogram, "myapp_http_server_duration_seconds", namespace: "myapp"),
    ])
    func defaultStrategyPrependsTheNamespace(_ c: MetricNameCase) {
        // A namespace is the first token, so a digit-leading name after it needs no `_` prefix.
        #expect(c.actual(.underscoreEscapingWithSuffixes) == c.expected)
    }

    // MARK: - Metric names, other strategies

    @Test(arguments: [
        MetricNameCase("http.server.duration", "s", .histogram, "http_server_duration"),
        MetricNameCase("requests", "", .counter, "requests"),
        MetricNameCase("requests", "By/s", .counter, "requests"),
        MetricNameCase("cpu", "1", .gauge, "cpu"),
        MetricNameCase("metric@with#special$chars", "", .gauge, "metric_with_special_chars"),
        MetricNameCase("metric...name", "", .gauge, "metric_name"),
        MetricNameCase("metric__name", "", .gauge, "metric__name"),
        MetricNameCase("metric._name", "", .gauge, "metric__name"),
        MetricNameCase("_private.metric", "", .gauge, "_private_metric"),
        MetricNameCase(".leading", "", .gauge, "leading"),
        MetricNameCase("a:b", "", .gauge, "a:b"),
        MetricNameCase("métric", "", .gauge, "m_tric"),
        MetricNameCase("123metric", "", .gauge, "_123metric"),
        MetricNameCase("___", "", .gauge, "___"),
        MetricNameCase("@_#_$_%", "", .gauge, ""),
        MetricNameCase("@#$%", "", .gauge, ""),
        MetricNameCase("", "", .gauge, ""),
        MetricNameCase("metric", "", .gauge, "test_namespace_metric", namespace: "test@namespace!!??"),
        MetricNameCase("123", "", .gauge, "ns_123", namespace: "ns"),
    ])
    func withoutSuffixesStrategyEscapesButAddsNoSuffixes(_ c: MetricNameCase) {
        // Invalid characters (not `_`) collapse to one `_`, existing `_` runs stay, and no unit or type suffix is added.
        #expect(c.actual(.underscoreEscapingWithoutSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("http.server.duration", "s", .histogram, "http.server.duration_seconds"),
        MetricNameCase("requêsts", "", .counter, "requêsts_total"),
        MetricNameCase("cpu_usagé", "1", .gauge, "cpu_usagé_ratio"),
        MetricNameCase("respønse_time", "ms", .gauge, "respønse_time_milliseconds"),
        MetricNameCase("requêsts", "1/s", .gauge, "requêsts_per_second"),
        MetricNameCase("requests_total", "", .counter, "requests_total"),
        MetricNameCase("requests.total", "", .counter, "requests_total"),
        MetricNameCase("cpu_usage_ratio", "1", .gauge, "cpu_usage_ratio"),
        MetricNameCase("response_time_seconds", "s", .gauge, "response_time_seconds"),
        MetricNameCase("response.timeseconds", "s", .gauge, "response.timeseconds"),
        MetricNameCase("cpu_seconds_total", "s", .counter, "cpu_seconds_total"),
        MetricNameCase("throughput_bytes_per_second", "By/s", .gauge, "throughput_bytes_per_second"),
        MetricNameCase("requests.count", "{request}/s", .counter, "requests.count_per_second_total"),
        MetricNameCase("disk.io", "kBy", .counter, "disk.io_kBy_total"),
        MetricNameCase("@#$%", "", .counter, "@#$%_total"),
        MetricNameCase("123", "", .gauge, "123"),
        MetricNameCase("a__b", "", .gauge, "a__b"),
        // Upstream quirk: a suffix is only stripped when something precedes its delimiter.
        MetricNameCase("total", "", .counter, "total_total"),
        MetricNameCase("requêsts", "1/s", .counter, "ñamespace_requêsts_per_second_total", namespace: "ñamespace"),
    ])
    func noUTF8EscapingStrategyKeepsCharactersButAddsSuffixes(_ c: MetricNameCase) {
        // The name keeps its UTF-8 characters; unit, per-unit and `_total`/`_ratio` suffixes are added in that order.
        #expect(c.actual(.noUTF8EscapingWithSuffixes) == c.expected)
    }

    @Test(arguments: [
        MetricNameCase("http.server.duration", "s", .histogram, "http.server.duration"),
        MetricNameCase("requests", "", .counter, "requests"),
        MetricNameCase("cpu", "1", .gauge, "cpu"),
        MetricNameCase("métric_with_ñ_chars", "By/s", .gauge, "métric_with_ñ_chars"),
        MetricNameCase("123 and spaces", "", .gauge, "123 and spaces"),
        MetricNameCase("", "", .gauge, ""),
        MetricNameCase("métric_with_ñ_chars", "", .gauge, "test_namespace_métric_with_ñ_chars", namespace: "test_namespace"),
    ])
    func noTranslationStrategyReturnsNamesUntouched(_ c: MetricNameCase) {
        // NoTranslation neither escapes nor adds suffixes; only a namespace is joined with `_`.
        #expect(c.actual(.noTranslation) == c.expected)
    }

    @Test func defaultNamerUsesTheDefaultStrategyAndNoNamespace() {
        // `OTLPMetricNamer()` behaves like UnderscoreEscapingWithSuffixes without a namespace.
        let namer = OTLPMetricNamer()
        #expect(namer.metricName(name: "http.server.request.duration", unit: "s", shape: .histogram) == "http_server_request_duration_seconds")
        #expect(namer.strategy == .underscoreEscapingWithSuffixes)
        #expect(namer.namespace == "")
    }

    // MARK: - Metadata unit

    @Test(arguments: [
        StringCase("s", "seconds"), StringCase("ms", "milliseconds"), StringCase("us", "microseconds"),
        StringCase("ns", "nanoseconds"), StringCase("min", "minutes"), StringCase("h", "hours"), StringCase("d", "days"),
        StringCase("By", "bytes"), StringCase("KiBy", "kibibytes"), StringCase("MiBy", "mebibytes"),
        StringCase("GiBy", "gibibytes"), StringCase("TiBy", "tibibytes"), StringCase("KBy", "kilobytes"),
        StringCase("kBy", "kBy"), StringCase("MBy", "megabytes"), StringCase("GBy", "gigabytes"), StringCase("TBy", "terabytes"),
        StringCase("m", "meters"), StringCase("V", "volts"), StringCase("A", "amperes"), StringCase("J", "joules"),
        StringCase("W", "watts"), StringCase("g", "grams"), StringCase("Cel", "celsius"), StringCase("Hz", "hertz"),
        StringCase("%", "percent"), StringCase("1", ""), StringCase("", ""), StringCase("{request}", ""),
        StringCase(" s ", "seconds"), StringCase("custom_unit", "custom_unit"),
    ])
    func metadataUnitTranslatesSingleUnitsToWords(_ c: StringCase) {
        // The metadata unit is the unit word; `1`, blank and annotation-only units give "".
        #expect(OTLPMetricNamer().metadataUnit(c.input) == c.expected)
    }

    @Test(arguments: [
        StringCase("By/s", "bytes_per_second"), StringCase("m/s", "meters_per_second"), StringCase("1/s", "per_second"),
        StringCase("{packet}/s", "per_second"), StringCase("/s", "per_second"), StringCase("By/{x}", "bytes"),
        StringCase("By/m", "bytes_per_minute"), StringCase("By/h", "bytes_per_hour"), StringCase("By/d", "bytes_per_day"),
        StringCase("By/w", "bytes_per_week"), StringCase("By/mo", "bytes_per_month"), StringCase("By/y", "bytes_per_year"),
        StringCase("unit@with#special/chars", "unit_with_special_per_chars"),
        StringCase("unit__multiple__underscores", "unit_multiple_underscores"),
        StringCase("s.", "s"), StringCase("_x", "x"), StringCase("°C", "C"),
    ])
    func metadataUnitTranslatesRatesAndEscapes(_ c: StringCase) {
        // Rate units become `main_per_word`; the result is escaped with one leading/trailing `_` trimmed.
        #expect(OTLPMetricNamer().metadataUnit(c.input) == c.expected)
    }

    @Test(arguments: OTLPTranslationStrategy.allCases)
    func metadataUnitIsEscapedWhateverTheStrategy(_ strategy: OTLPTranslationStrategy) {
        // Prometheus builds the metadata unit with an escaping unit namer for every translation strategy.
        let namer = OTLPMetricNamer(strategy: strategy)
        #expect(namer.metadataUnit("By/s") == "bytes_per_second")
        #expect(namer.metadataUnit("unit@with#special") == "unit_with_special")
        #expect(namer.metadataUnit("{request}") == "")
    }

    // MARK: - Label names

    @Test(arguments: [
        StringCase("http.method", "http_method"), StringCase("label@with$symbols", "label_with_symbols"),
        StringCase("service.instance.id", "service_instance_id"), StringCase("k8s.pod.name", "k8s_pod_name"),
        StringCase("Key", "Key"), StringCase("a:b", "a_b"), StringCase("a..b", "a__b"), StringCase("a__b", "a__b"),
        StringCase("métric", "m_tric"), StringCase("e\u{301}", "e_"), StringCase("123invalid", "key_123invalid"),
        StringCase("0", "key_0"), StringCase("1.2", "key_1_2"), StringCase("_private", "key_private"),
        StringCase(".foo", "key_foo"), StringCase("🙂x", "key_x"), StringCase("_", "key_"), StringCase(".", "key_"),
        StringCase("ñ", "key_"), StringCase("__reserved", "__reserved"), StringCase("__name__", "__name__"),
        StringCase("___x", "___x"), StringCase("__", ""), StringCase("___", ""), StringCase("..", ""), StringCase("", ""),
        StringCase("label!with&special$chars)", "label_with_special_chars_"),
        StringCase("label_with_foreign_characters_字符", "label_with_foreign_characters___"),
        StringCase("__reserved__label__name__", "__reserved__label__name__"), StringCase("ようこそ", ""),
        StringCase("trailing_underscores___", "trailing_underscores___"),
    ])
    func defaultLabelNamerEscapesKeepsUnderscoreRunsAndPrefixesKey(_ c: StringCase) {
        // Invalid characters become `_` one for one; a leading digit gets `key_`, a single leading `_` gets `key`.
        #expect(OTLPLabelNamer().labelName(c.input) == c.expected)
    }

    @Test(arguments: [
        StringCase("a..b", "a_b"), StringCase("a__b", "a_b"), StringCase("a._.b", "a_b"), StringCase("__name__", "__name__"),
        StringCase("__a..b__", "__a_b__"), StringCase("__a__b__", "__a_b__"), StringCase("___x___", "___x___"),
        StringCase("____", ""), StringCase("__x", "key_x"), StringCase("1..2", "key_1_2"), StringCase("_private", "key_private"),
        StringCase(".foo", "key_foo"), StringCase("http.method", "http_method"),
        StringCase("label_with_foreign_characters_字符", "label_with_foreign_characters_"),
        StringCase("__reserved__label__name__", "__reserved_label_name__"),
        StringCase("trailing_underscores___", "trailing_underscores_"), StringCase("__", "key_"), StringCase("ようこそ", "key_"),
    ])
    func collapsingLabelNamerCollapsesRunsButKeepsReservedDoubleUnderscores(_ c: StringCase) {
        // Without preserved underscores, runs collapse to one `_`, except the `__` around a reserved `__x__` name.
        #expect(OTLPLabelNamer(preserveMultipleUnderscores: false).labelName(c.input) == c.expected)
    }

    @Test(arguments: [
        StringCase("_private", "_private"), StringCase("_", ""), StringCase(".", ""), StringCase(".foo", "_foo"),
        StringCase("123", "key_123"), StringCase("__reserved", "__reserved"), StringCase("http.method", "http_method"),
    ])
    func labelNamerWithoutUnderscoreSanitizationKeepsLeadingUnderscores(_ c: StringCase) {
        // Without underscore sanitization a leading `_` stays; digit-leading names still get `key_`.
        #expect(OTLPLabelNamer(underscoreLabelSanitization: false).labelName(c.input) == c.expected)
    }

    @Test(arguments: [
        StringCase("http.method", "http_method"), StringCase("_x", "key_x"), StringCase("1", "key_1"), StringCase("a..b", "a__b"),
    ])
    func withoutSuffixesStrategyEscapesLabelsLikeTheDefault(_ c: StringCase) {
        // Label escaping depends only on whether the strategy escapes, not on suffixes.
        #expect(OTLPLabelNamer(strategy: .underscoreEscapingWithoutSuffixes).labelName(c.input) == c.expected)
    }

    @Test(arguments: [
        StringCase("http.method", "http.method"), StringCase("123", "123"), StringCase("_x", "_x"), StringCase("ñ", "ñ"),
        StringCase("a b", "a b"), StringCase("__name__", "__name__"), StringCase("__", ""), StringCase("", ""),
    ])
    func utf8StrategiesKeepLabelNamesUnchanged(_ c: StringCase) {
        // NoUTF8EscapingWithSuffixes and NoTranslation keep keys as they are, rejecting only all-underscore keys.
        #expect(OTLPLabelNamer(strategy: .noUTF8EscapingWithSuffixes).labelName(c.input) == c.expected)
        #expect(OTLPLabelNamer(strategy: .noTranslation).labelName(c.input) == c.expected)
    }

    // MARK: - Attribute values

    @Test(arguments: [
        ValueCase(.empty, ""), ValueCase(.string("a b"), "a b"), ValueCase(.string(""), ""),
        ValueCase(.bool(true), "true"), ValueCase(.bool(false), "false"),
        ValueCase(.int(0), "0"), ValueCase(.int(-42), "-42"),
        ValueCase(.int(Int64.max), "9223372036854775807"), ValueCase(.int(Int64.min), "-9223372036854775808"),
    ])
    func scalarValuesRenderAsPdataDoes(_ c: ValueCase) {
        // Strings stay, empty is "", booleans are true/false and integers are decimal.
        #expect(c.value.prometheusString == c.expected)
    }

    @Test(arguments: [
        ValueCase(.double(1), "1"), ValueCase(.double(0.5), "0.5"), ValueCase(.double(-2.25), "-2.25"),
        ValueCase(.double(0), "0"), ValueCase(.double(-0.0), "-0"), ValueCase(.double(0.1 + 0.2), "0.30000000000000004"),
        ValueCase(.double(123456789.125), "123456789.125"), ValueCase(.double(1e16), "10000000000000000"),
        ValueCase(.double(1e20), "100000000000000000000"), ValueCase(.double(12345678901234567890.0), "12345678901234567000"),
        ValueCase(.double(1e21), "1e+21"), ValueCase(.double(1.5e300), "1.5e+300"),
        ValueCase(.double(.greatestFiniteMagnitude), "1.7976931348623157e+308"),
        ValueCase(.double(1e-6), "0.000001"), ValueCase(.double(1e-7), "1e-7"), ValueCase(.double(-1.5e-10), "-1.5e-10"),
        ValueCase(.double(.leastNonzeroMagnitude), "5e-324"),
        ValueCase(.double(.nan), "json: unsupported value: NaN"),
        ValueCase(.double(.infinity), "json: unsupported value: +Inf"),
        ValueCase(.double(-.infinity), "json: unsupported value: -Inf"),
    ])
    func doublesRenderLikeJavaScriptNumbers(_ c: ValueCase) {
        // Doubles use shortest digits, positional unless |v| < 1e-6 or >= 1e21, as pdata's float64AsString.
        #expect(c.value.prometheusString == c.expected)
    }

    @Test(arguments: [
        ValueCase(.bytes([]), ""), ValueCase(.bytes(Array("f".utf8)), "Zg=="), ValueCase(.bytes(Array("fo".utf8)), "Zm8="),
        ValueCase(.bytes(Array("foo".utf8)), "Zm9v"), ValueCase(.bytes(Array("foobar".utf8)), "Zm9vYmFy"),
        ValueCase(.bytes([0xFF, 0xFE]), "//4="), ValueCase(.bytes([0xFB, 0xEF, 0xBE]), "++++"),
    ])
    func bytesRenderAsPaddedStandardBase64(_ c: ValueCase) {
        // Byte values use the standard base64 alphabet with `=` padding.
        #expect(c.value.prometheusString == c.expected)
    }

    @Test(arguments: [
        ValueCase(.array([]), "[]"),
        ValueCase(.array([.int(1), .string("a"), .bool(true), .double(1.5), .empty]), #"[1,"a",true,1.5,null]"#),
        ValueCase(.array([.bytes([1, 2, 3]), .double(1e21), .double(1e-7)]), #"["AQID",1e+21,1e-7]"#),
        ValueCase(.array([.array([.int(1)]), .keyValueList([])]), "[[1],{}]"),
        ValueCase(.keyValueList([]), "{}"),
        ValueCase(.keyValueList([OTLPAttribute("b", "1"), OTLPAttribute(key: "a", value: .int(2))]), #"{"a":2,"b":"1"}"#),
        ValueCase(.keyValueList([OTLPAttribute(key: "a", value: .int(1)), OTLPAttribute(key: "a", value: .int(2))]), #"{"a":2}"#),
        ValueCase(.keyValueList([
            OTLPAttribute("é", "4"), OTLPAttribute("b", "3"), OTLPAttribute("a", "2"), OTLPAttribute("B", "1"),
        ]), #"{"B":"1","a":"2","b":"3","é":"4"}"#),
        ValueCase(.keyValueList([OTLPAttribute(key: "m", value: .keyValueList([OTLPAttribute(key: "x", value: .array([.empty]))]))]),
                  #"{"m":{"x":[null]}}"#),
    ])
    func arraysAndMapsRenderAsCompactSortedJSON(_ c: ValueCase) {
        // Arrays and key-value lists are Go-style JSON: no spaces, keys sorted byte-wise, last duplicate wins.
        #expect(c.value.prometheusString == c.expected)
    }

    @Test(arguments: [
        ValueCase(.array([.string("<a&b>")]), #"["\u003ca\u0026b\u003e"]"#),
        ValueCase(.array([.string("q\"b\\s")]), #"["q\"b\\s"]"#),
        ValueCase(.array([.string("\n\r\t\u{08}\u{0C}")]), #"["\n\r\t\b\f"]"#),
        ValueCase(.array([.string("\u{01}\u{1F}")]), #"["\u0001\u001f"]"#),
        ValueCase(.array([.string("\u{2028}\u{2029}")]), #"["\u2028\u2029"]"#),
        ValueCase(.array([.string("ñ🙂\u{7F}/")]), "[\"ñ🙂\u{7F}/\"]"),
        ValueCase(.keyValueList([OTLPAttribute("<k>", "v")]), #"{"\u003ck\u003e":"v"}"#),
    ])
    func jsonStringsAreEscapedAsGoEscapesThem(_ c: ValueCase) {
        // Quotes, backslashes and control characters are escaped, and so are <, >, &, U+2028 and U+2029.
        #expect(c.value.prometheusString == c.expected)
    }

    @Test(arguments: [
        ValueCase(.array([.double(.nan)]), ""),
        ValueCase(.array([.int(1), .double(.infinity)]), ""),
        ValueCase(.keyValueList([OTLPAttribute(key: "a", value: .double(-.infinity))]), ""),
    ])
    func containersHoldingNonFiniteDoublesRenderEmpty(_ c: ValueCase) {
        // Go's JSON marshaller fails on NaN/Inf, and pdata then returns "" for the whole value.
        #expect(c.value.prometheusString == c.expected)
    }
}
