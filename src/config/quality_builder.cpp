// Data-quality config: validation tests, contracts, quarantine, gate and cross_check params (§3.8).
#include "quality_builder.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

const std::vector<std::string> VALIDATION_KEYS = {
    "mode", "on_fail", "tests", "quarantine", "gate", "fail_fast", "cache_df"};
const std::vector<std::string> VALIDATION_MODES = {"fail", "warn"};
const std::vector<std::string> VALIDATION_ACTIONS = {"alert", "ignore"};
const std::vector<std::string> COMMON_TEST_KEYS = {"type", "name", "on_fail"};
const std::vector<std::string> QUARANTINE_KEYS = {
    "connection", "path", "table", "format", "add_columns", "retention_days", "max_rows", "sample_fraction"};
const std::vector<std::string> QUARANTINE_COLUMNS = {
    "rejection_reason", "rejected_at", "source_batch_id", "failed_tests", "original_node"};
const std::vector<std::string> GATE_KEYS = {"require_pass_rate", "on_fail", "thresholds", "row_count"};
const std::vector<std::string> GATE_THRESHOLD_KEYS = {"test", "min_pass_rate"};
const std::vector<std::string> GATE_ROW_COUNT_KEYS = {"min", "max", "change_threshold"};
const std::vector<std::string> CROSS_CHECK_KEYS = {"type", "inputs", "threshold", "sql", "on_fail", "name"};
const std::vector<std::string> CROSS_CHECK_ACTIONS = {"fail", "warn"};
const std::vector<std::string> DISTRIBUTION_METRICS = {"mean", "min", "max", "null_percentage"};
const std::string DEFAULT_QUARANTINE_FORMAT = "parquet";
const std::string DEFAULT_FRESHNESS_COLUMN = "updated_at";
constexpr double DEFAULT_VOLUME_DROP_THRESHOLD = 0.5;
constexpr int64_t MAXIMUM_INT = 2147483647;
constexpr size_t MINIMUM_COMPARED_INPUTS = 2;

// The keys of each test type besides type, name and on_fail.
std::vector<std::string> TypeKeys(QualityTestType type) {
    switch (type) {
    case QualityTestType::NOT_NULL:
    case QualityTestType::UNIQUE:
        return {"columns"};
    case QualityTestType::ACCEPTED_VALUES:
        return {"column", "values"};
    case QualityTestType::ROW_COUNT:
        return {"min", "max"};
    case QualityTestType::CUSTOM_SQL:
        return {"condition", "threshold"};
    case QualityTestType::RANGE:
        return {"column", "min", "max"};
    case QualityTestType::REGEX_MATCH:
        return {"column", "pattern"};
    case QualityTestType::VOLUME_DROP:
        return {"threshold", "lookback_days"};
    case QualityTestType::SCHEMA:
        return {"strict"};
    case QualityTestType::DISTRIBUTION:
        return {"column", "metric", "threshold"};
    case QualityTestType::FRESHNESS:
        return {"column", "max_age"};
    case QualityTestType::RELATIONSHIPS:
        return {"column", "to", "field", "nullable"};
    }
    return {};
}

// "x.validation.tests[2]" and "x.contracts[0]" -> "x".
std::string NodePathOf(const std::string& path) {
    for (const char* marker : {".validation", ".contracts"}) {
        size_t position = path.rfind(marker);
        if (position != std::string::npos) {
            return path.substr(0, position);
        }
    }
    return path;
}

// `>100`, `>= 0.5`, `!= 3`, or `within 10%` (the change against the previous run, in percent).
std::optional<DistributionThreshold> TryParseDistributionThreshold(const std::string& text) {
    static const std::regex COMPARISON(
        R"(^\s*(>=|<=|==|!=|>|<)\s*([-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?)\s*$)");
    static const std::regex WITHIN(R"(^\s*within\s+([0-9]+\.?[0-9]*|\.[0-9]+)\s*%\s*$)");
    std::smatch match;
    DistributionThreshold threshold;
    threshold.text = text;
    if (std::regex_match(text, match, COMPARISON)) {
        threshold.comparison = match[1].str();
        threshold.value = std::stod(match[2].str());
        return threshold;
    }
    if (std::regex_match(text, match, WITHIN)) {
        threshold.relative_to_previous = true;
        threshold.value = std::stod(match[1].str());
        return threshold;
    }
    return std::nullopt;
}

// "<positive whole number><s|m|h|d>" in seconds.
std::optional<int64_t> TryParseMaxAge(const std::string& text) {
    constexpr int64_t MINUTE = 60;
    constexpr int64_t HOUR = 60 * MINUTE;
    constexpr int64_t DAY = 24 * HOUR;
    static const std::regex MAX_AGE(R"(^\s*([0-9]{1,9})\s*([smhd])\s*$)");
    std::smatch match;
    if (!std::regex_match(text, match, MAX_AGE)) {
        return std::nullopt;
    }
    int64_t amount = std::stoll(match[1].str());
    if (amount <= 0) {
        return std::nullopt;
    }
    switch (match[2].str()[0]) {
    case 's':
        return amount;
    case 'm':
        return amount * MINUTE;
    case 'h':
        return amount * HOUR;
    default:
        return amount * DAY;
    }
}

// A range bound: a number or a string (as YAML types it); nullopt (reported) for anything else.
std::optional<Json> ReadBound(SchemaReader& reader, MapReader& map, const char* key) {
    const ConfigValue* value = map.Get(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    Json bound = value->IsScalar() ? ToJson(*value) : Json(nullptr);
    if (bound.is_number() || bound.is_string()) {
        return bound;
    }
    reader.AddError(ConfigError::InvalidType(
        key, "a number or a string", value->Describe(), MakeLocation(value->mark, map.PathOf(key))));
    return std::nullopt;
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

std::optional<ValidationConfig> QualityBuilder::BuildValidation(const ConfigValue& value, const std::string& path) {
    if (!reader_.ExpectMap(value, path, "a mapping (tests, quarantine, gate, ...)")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "ValidationConfig", VALIDATION_KEYS, Strictness::STRICT);
    ValidationConfig validation;
    validation.config_path = path;
    quarantine_tests_.clear();
    if (auto mode = map.Choice("mode", VALIDATION_MODES)) {
        validation.mode = *mode == "warn" ? ValidationMode::WARN : ValidationMode::FAIL;
    }
    // on_fail (alert | ignore) and cache_df are part of the language but do nothing at run time.
    (void)map.Choice("on_fail", VALIDATION_ACTIONS);
    (void)map.Bool("cache_df");
    validation.fail_fast = map.Bool("fail_fast").value_or(false);
    if (const ConfigValue* tests = map.Get("tests")) {
        validation.tests = BuildTests(*tests, map.PathOf("tests"), false);
    }
    if (const ConfigValue* quarantine = map.Get("quarantine")) {
        validation.quarantine = BuildQuarantine(*quarantine, map.PathOf("quarantine"));
    }
    if (const ConfigValue* gate = map.Get("gate")) {
        validation.gate = BuildGate(*gate, map.PathOf("gate"), validation.tests);
    }
    // Without a quarantine block, quarantine tests fail the node like on_fail: fail.
    if (!map.Has("quarantine")) {
        for (const auto& [test_path, location] : quarantine_tests_) {
            reader_.AddWarning(ConfigError::Ignored(
                fmt::format("test {} has on_fail: quarantine but validation has no quarantine: block; a failure "
                            "fails the node as on_fail: fail does",
                            test_path),
                location,
                "add validation.quarantine (connection and path or table) to keep the failing rows, or write "
                "on_fail: fail"));
        }
        for (auto& test : validation.tests) {
            if (test.on_fail == QualitySeverity::QUARANTINE) {
                test.on_fail = QualitySeverity::FAIL;
            }
        }
    }
    return validation;
}

std::vector<QualityTestConfig> QualityBuilder::BuildContracts(const ConfigValue& value, const std::string& path) {
    std::vector<QualityTestConfig> contracts = BuildTests(value, path, true);
    for (const auto& [test_path, location] : quarantine_tests_) {
        reader_.AddWarning(ConfigError::Ignored(
            fmt::format("contract {} has on_fail: quarantine; contracts never quarantine rows, a failure fails "
                        "the node",
                        test_path),
            location,
            "write on_fail: fail, or move the test to validation.tests to quarantine failing rows"));
    }
    for (auto& contract : contracts) {
        if (contract.on_fail == QualitySeverity::QUARANTINE) {
            contract.on_fail = QualitySeverity::FAIL;
        }
    }
    return contracts;
}

std::vector<QualityTestConfig>
QualityBuilder::BuildTests(const ConfigValue& value, const std::string& path, bool contracts) {
    std::vector<QualityTestConfig> tests;
    quarantine_tests_.clear();
    if (!value.IsSequence()) {
        reader_.AddError(ConfigError::InvalidType(
            contracts ? "contracts" : "tests", "a list of tests", value.Describe(), MakeLocation(value.mark, path)));
        return tests;
    }
    std::set<std::string> seen;
    for (size_t index = 0; index < value.items.size(); ++index) {
        auto test = BuildTest(value.items[index], ItemPath(path, index));
        if (!test) {
            continue;
        }
        // A repeated name gets the position of the test in its list, as Odibi counts results.
        if (seen.count(test->name) > 0) {
            test->name = fmt::format("{}_{}", test->name, index);
        }
        seen.insert(test->name);
        tests.push_back(std::move(*test));
    }
    return tests;
}

std::optional<QualityTestConfig> QualityBuilder::BuildTest(const ConfigValue& value, const std::string& path) {
    if (!reader_.ExpectMap(value, path, "a test mapping (type, columns, ...)")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    QualityTestConfig test;
    test.config_path = path;
    if (!map.RequiredString("type", "quality test")) {
        return std::nullopt;
    }
    auto type_name = reader_.Choice(*map.Get("type"), map.PathOf("type"), QualityTestTypeNames());
    if (!type_name) {
        return std::nullopt;
    }
    test.type = TryParseQualityTestType(*type_name).value_or(QualityTestType::NOT_NULL);
    std::vector<std::string> keys = COMMON_TEST_KEYS;
    std::vector<std::string> type_keys = TypeKeys(test.type);
    keys.insert(keys.end(), type_keys.begin(), type_keys.end());
    reader_.CheckKeys(value, path, fmt::format("{} test", *type_name), keys, Strictness::STRICT);
    test.name = map.String("name").value_or(*type_name);
    if (test.type == QualityTestType::DISTRIBUTION) {
        test.on_fail = QualitySeverity::WARN;
    }
    if (auto on_fail = map.Choice("on_fail", QualitySeverityNames())) {
        test.on_fail = TryParseQualitySeverity(*on_fail).value_or(QualitySeverity::FAIL);
        if (test.on_fail == QualitySeverity::QUARANTINE) {
            quarantine_tests_.emplace_back(path, map.ValueLocation("on_fail"));
        }
    }
    BuildTestFields(map, test);
    return test;
}

void QualityBuilder::RequireNonEmptyColumns(MapReader& map, QualityTestConfig& test) {
    std::string model = fmt::format("{} test", QualityTestTypeName(test.type));
    if (!map.Has("columns")) {
        reader_.AddError(ConfigError::MissingKey(model, "columns", map.Location()));
        return;
    }
    auto columns = map.StringList("columns");
    if (!columns) {
        return;
    }
    if (columns->empty()) {
        reader_.AddError(ConfigError::InvalidValue(fmt::format("{} needs at least one column; columns is empty", model),
                                                   map.ValueLocation("columns"),
                                                   "list the columns to check, e.g. columns: [id]"));
        return;
    }
    test.columns = *columns;
}

void QualityBuilder::BuildTestFields(MapReader& map, QualityTestConfig& test) {
    std::string model = fmt::format("{} test", QualityTestTypeName(test.type));
    auto required = [&](const char* key) { return map.RequiredString(key, model).value_or(""); };
    switch (test.type) {
    case QualityTestType::NOT_NULL:
    case QualityTestType::UNIQUE:
        RequireNonEmptyColumns(map, test);
        break;
    case QualityTestType::ACCEPTED_VALUES: {
        test.column = required("column");
        const ConfigValue* values = map.Get("values");
        if (values == nullptr) {
            reader_.AddError(ConfigError::MissingKey(model, "values", map.Location()));
            break;
        }
        std::string values_path = map.PathOf("values");
        if (!values->IsSequence()) {
            reader_.AddError(ConfigError::InvalidType(
                "values", "a list of values", values->Describe(), MakeLocation(values->mark, values_path)));
            break;
        }
        if (values->items.empty()) {
            reader_.AddError(ConfigError::InvalidValue("accepted_values test needs at least one value; values is empty",
                                                       map.ValueLocation("values"),
                                                       "list the accepted values, e.g. values: [active, closed]"));
            break;
        }
        for (size_t index = 0; index < values->items.size(); ++index) {
            const ConfigValue& item = values->items[index];
            if (!item.IsScalar()) {
                reader_.AddError(ConfigError::InvalidType("value",
                                                          "a string, number or boolean",
                                                          item.Describe(),
                                                          MakeLocation(item.mark, ItemPath(values_path, index))));
                continue;
            }
            test.values.push_back(ToJson(item));
        }
        break;
    }
    case QualityTestType::ROW_COUNT:
        test.min_rows = map.Integer("min", 0);
        test.max_rows = map.Integer("max", 0);
        if (!map.Has("min") && !map.Has("max")) {
            reader_.AddError(ConfigError::Missing("row_count test needs min, max or both",
                                                  map.Location(),
                                                  "add min: <rows> and/or max: <rows> to the test"));
        } else if (test.min_rows && test.max_rows && *test.min_rows > *test.max_rows) {
            reader_.AddError(ConfigError::InvalidValue(
                fmt::format("row_count min ({}) is greater than max ({})", *test.min_rows, *test.max_rows),
                map.ValueLocation("min"),
                "make min at most max"));
        }
        break;
    case QualityTestType::CUSTOM_SQL:
        test.condition = required("condition");
        test.threshold = map.Number("threshold", 0.0, 1.0).value_or(0.0);
        break;
    case QualityTestType::RANGE: {
        test.column = required("column");
        auto minimum = ReadBound(reader_, map, "min");
        auto maximum = ReadBound(reader_, map, "max");
        if (!map.Has("min") && !map.Has("max")) {
            reader_.AddError(ConfigError::Missing(
                "range test needs min, max or both", map.Location(), "add min: and/or max: (inclusive bounds)"));
        }
        test.min = minimum.value_or(Json(nullptr));
        test.max = maximum.value_or(Json(nullptr));
        bool both_numbers = test.min.is_number() && test.max.is_number();
        bool both_strings = test.min.is_string() && test.max.is_string();
        if ((both_numbers && test.min.get<double>() > test.max.get<double>()) ||
            (both_strings && test.min.get<std::string>() > test.max.get<std::string>())) {
            reader_.AddError(ConfigError::InvalidValue(fmt::format("range min ({}) is greater than max ({})",
                                                                   EmbeddedText(*map.Get("min")),
                                                                   EmbeddedText(*map.Get("max"))),
                                                       map.ValueLocation("min"),
                                                       "make min at most max (both bounds are inclusive)"));
        }
        break;
    }
    case QualityTestType::REGEX_MATCH:
        test.column = required("column");
        test.pattern = required("pattern");
        break;
    case QualityTestType::VOLUME_DROP:
        test.threshold = map.Number("threshold", 0.0, 1.0).value_or(DEFAULT_VOLUME_DROP_THRESHOLD);
        test.lookback_days =
            static_cast<int>(map.Integer("lookback_days", 1, MAXIMUM_INT).value_or(test.lookback_days));
        break;
    case QualityTestType::SCHEMA:
        test.strict = map.Bool("strict").value_or(true);
        break;
    case QualityTestType::DISTRIBUTION: {
        test.column = required("column");
        if (!map.Has("metric")) {
            reader_.AddError(ConfigError::MissingKey(model, "metric", map.Location()));
        } else {
            test.metric = map.Choice("metric", DISTRIBUTION_METRICS).value_or("");
        }
        if (!map.Has("threshold")) {
            reader_.AddError(ConfigError::MissingKey(model, "threshold", map.Location()));
            break;
        }
        auto text = map.String("threshold");
        if (!text) {
            break;
        }
        test.distribution_threshold = TryParseDistributionThreshold(*text);
        if (!test.distribution_threshold) {
            reader_.AddError(ConfigError::InvalidValue(
                fmt::format("distribution threshold \"{}\" is not a comparison", *text),
                map.ValueLocation("threshold"),
                "write an operator and a number, or a change against the previous run, quoted: \">100\", "
                "\">= 0.5\", \"<10\", \"<= 5\", \"== 0\", \"!= 0\" or \"within 10%\""));
        }
        break;
    }
    case QualityTestType::FRESHNESS: {
        test.column = map.String("column").value_or(DEFAULT_FRESHNESS_COLUMN);
        auto max_age = map.RequiredString("max_age", model);
        if (!max_age) {
            break;
        }
        test.max_age = *max_age;
        if (auto seconds = TryParseMaxAge(*max_age)) {
            test.max_age_seconds = *seconds;
        } else {
            reader_.AddError(
                ConfigError::InvalidValue(fmt::format("freshness max_age \"{}\" is not a duration", *max_age),
                                          map.ValueLocation("max_age"),
                                          "write a positive whole number and a unit s, m, h or d (e.g. 24h, 7d)"));
        }
        break;
    }
    case QualityTestType::RELATIONSHIPS:
        test.column = required("column");
        test.to = required("to");
        test.field = map.String("field").value_or(test.column);
        test.nullable = map.Bool("nullable").value_or(false);
        if (!test.to.empty()) {
            relationship_uses_.push_back({test.to, map.ValueLocation("to"), NodePathOf(map.Path()), test.name});
        }
        break;
    }
}

std::optional<QuarantineConfig> QualityBuilder::BuildQuarantine(const ConfigValue& value, const std::string& path) {
    if (!reader_.ExpectMap(value, path, "a mapping (connection, path or table, add_columns, ...)")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "QuarantineConfig", QUARANTINE_KEYS, Strictness::STRICT);
    QuarantineConfig quarantine;
    quarantine.config_path = path;
    WriteConfig& write = quarantine.write;
    write.config_path = path;
    write.mode = WriteMode::APPEND;
    write.format = DEFAULT_QUARANTINE_FORMAT;
    if (auto connection = map.RequiredString("connection", "QuarantineConfig")) {
        write.connection = *connection;
        connection_uses_.push_back({*connection, map.ValueLocation("connection"), NodePathOf(path), ""});
    }
    if (const ConfigValue* format = map.Get("format")) {
        if (auto chosen = reader_.Choice(*format, map.PathOf("format"), FormatNames())) {
            write.format = *chosen;
            if (!IsFormatSupported(*chosen)) {
                reader_.AddError(ConfigError::NotSupportedYet(fmt::format("format: {}", *chosen),
                                                              "this build reads and writes csv, parquet and json",
                                                              map.ValueLocation("format")));
            }
        }
    }
    write.path = map.String("path");
    write.table = map.String("table");
    if (write.path && write.table) {
        reader_.AddError(
            ConfigError::Conflict("path", "table", map.KeyLocation("table"), "quarantine to either a path or a table"));
    } else if (!map.Has("path") && !map.Has("table")) {
        reader_.AddError(ConfigError::Missing("QuarantineConfig needs exactly one of path or table",
                                              map.Location(),
                                              "add path: <folder> (files) or table: <name> under quarantine:"));
    }
    if (const ConfigValue* columns = map.Get("add_columns")) {
        std::string columns_path = map.PathOf("add_columns");
        if (reader_.ExpectMap(*columns, columns_path, "a mapping of column to true or false")) {
            // Odibi's docs write the keys with a leading underscore (the column names); both spellings count.
            std::vector<std::string> allowed = QUARANTINE_COLUMNS;
            for (const auto& column : QUARANTINE_COLUMNS) {
                allowed.push_back("_" + column);
            }
            reader_.CheckKeys(*columns, columns_path, "quarantine add_columns", allowed, Strictness::STRICT);
            MapReader column_map(reader_, *columns, columns_path);
            std::vector<bool*> flags = {&quarantine.add_rejection_reason,
                                        &quarantine.add_rejected_at,
                                        &quarantine.add_source_batch_id,
                                        &quarantine.add_failed_tests,
                                        &quarantine.add_original_node};
            for (size_t index = 0; index < QUARANTINE_COLUMNS.size(); ++index) {
                const std::string& plain = QUARANTINE_COLUMNS[index];
                std::string underscored = "_" + plain;
                if (column_map.Has(plain) && column_map.Has(underscored)) {
                    reader_.AddError(
                        ConfigError::Conflict(plain,
                                              underscored,
                                              column_map.KeyLocation(underscored),
                                              fmt::format("write {} once, with or without the underscore", plain)));
                    continue;
                }
                const std::string& key = column_map.Has(underscored) ? underscored : plain;
                if (auto flag = column_map.Bool(key)) {
                    *flags[index] = *flag;
                }
            }
        }
    }
    quarantine.retention_days =
        static_cast<int>(map.Integer("retention_days", 0, MAXIMUM_INT).value_or(quarantine.retention_days));
    quarantine.max_rows = map.Integer("max_rows", 1);
    if (auto fraction = map.Number("sample_fraction", 0.0, 1.0)) {
        if (*fraction <= 0.0) {
            reader_.AddError(
                ConfigError::InvalidValue("\"sample_fraction\" must be greater than 0 and at most 1, found 0",
                                          map.ValueLocation("sample_fraction"),
                                          "use a fraction such as 0.1, or remove sample_fraction to keep every row"));
        } else {
            quarantine.sample_fraction = *fraction;
        }
    }
    return quarantine;
}

std::optional<GateConfig> QualityBuilder::BuildGate(const ConfigValue& value,
                                                    const std::string& path,
                                                    const std::vector<QualityTestConfig>& tests) {
    if (!reader_.ExpectMap(value, path, "a mapping (require_pass_rate, on_fail, thresholds, row_count)")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "GateConfig", GATE_KEYS, Strictness::STRICT);
    GateConfig gate;
    gate.config_path = path;
    gate.require_pass_rate = map.Number("require_pass_rate", 0.0, 1.0).value_or(gate.require_pass_rate);
    if (const ConfigValue* on_fail = map.Get("on_fail")) {
        // Odibi's docs name two actions its code does not have; say which real action they mean.
        static const std::vector<std::pair<std::string, std::string>> DOCUMENTED_ONLY = {
            {"warn", "warn_and_write"}, {"quarantine_all", "write_valid_only"}};
        auto documented = std::find_if(DOCUMENTED_ONLY.begin(), DOCUMENTED_ONLY.end(), [&](const auto& entry) {
            return on_fail->IsScalar() && on_fail->text == entry.first;
        });
        if (documented != DOCUMENTED_ONLY.end()) {
            reader_.AddError(
                ConfigError::InvalidValue(fmt::format("gate on_fail \"{}\" appears in Odibi's docs but not in its "
                                                      "code; valid values are {}. Did you mean \"{}\"?",
                                                      documented->first,
                                                      Join(GateOnFailNames(), ", "),
                                                      documented->second),
                                          map.ValueLocation("on_fail"),
                                          fmt::format("use on_fail: {}", documented->second)));
        } else if (auto chosen = reader_.Choice(*on_fail, map.PathOf("on_fail"), GateOnFailNames())) {
            gate.on_fail = TryParseGateOnFail(*chosen).value_or(GateOnFail::ABORT);
        }
    }
    if (const ConfigValue* thresholds = map.Get("thresholds")) {
        std::string thresholds_path = map.PathOf("thresholds");
        if (!thresholds->IsSequence()) {
            reader_.AddError(ConfigError::InvalidType("thresholds",
                                                      "a list of {test, min_pass_rate}",
                                                      thresholds->Describe(),
                                                      MakeLocation(thresholds->mark, thresholds_path)));
        } else {
            std::vector<std::string> names;
            for (const auto& test : tests) {
                names.push_back(test.name);
            }
            for (size_t index = 0; index < thresholds->items.size(); ++index) {
                const ConfigValue& item = thresholds->items[index];
                std::string item_path = ItemPath(thresholds_path, index);
                if (!reader_.ExpectMap(item, item_path, "a mapping (test, min_pass_rate)")) {
                    continue;
                }
                MapReader threshold_map(reader_, item, item_path);
                reader_.CheckKeys(item, item_path, "GateThreshold", GATE_THRESHOLD_KEYS, Strictness::STRICT);
                GateThreshold threshold;
                threshold.test = threshold_map.RequiredString("test", "GateThreshold").value_or("");
                if (!threshold_map.Has("min_pass_rate")) {
                    reader_.AddError(
                        ConfigError::MissingKey("GateThreshold", "min_pass_rate", threshold_map.Location()));
                } else {
                    threshold.min_pass_rate = threshold_map.Number("min_pass_rate", 0.0, 1.0).value_or(0.0);
                }
                if (!threshold.test.empty() && !Contains(names, threshold.test)) {
                    std::string message = fmt::format(
                        "gate threshold names test \"{}\", which validation.tests does not have", threshold.test);
                    std::string hint = DidYouMean(threshold.test, names);
                    if (!hint.empty()) {
                        message += ". " + hint;
                    }
                    reader_.AddError(ConfigError::InvalidValue(
                        message,
                        threshold_map.ValueLocation("test"),
                        names.empty() ? "add the test to validation.tests"
                                      : fmt::format("tests of this node: {}", Join(names, ", "))));
                }
                gate.thresholds.push_back(std::move(threshold));
            }
        }
    }
    if (const ConfigValue* row_count = map.Get("row_count")) {
        std::string row_count_path = map.PathOf("row_count");
        if (reader_.ExpectMap(*row_count, row_count_path, "a mapping (min, max, change_threshold)")) {
            MapReader row_map(reader_, *row_count, row_count_path);
            reader_.CheckKeys(*row_count, row_count_path, "GateRowCount", GATE_ROW_COUNT_KEYS, Strictness::STRICT);
            GateRowCount rows;
            rows.min = row_map.Integer("min", 0);
            rows.max = row_map.Integer("max", 0);
            rows.change_threshold = row_map.Number("change_threshold", 0.0, 1.0);
            if (rows.min && rows.max && *rows.min > *rows.max) {
                reader_.AddError(ConfigError::InvalidValue(
                    fmt::format("gate row_count min ({}) is greater than max ({})", *rows.min, *rows.max),
                    row_map.ValueLocation("min"),
                    "make min at most max"));
            }
            gate.row_count = rows;
        }
    }
    return gate;
}

CrossCheckConfig QualityBuilder::BuildCrossCheck(const ConfigValue* params,
                                                 const std::string& params_path,
                                                 const std::string& node_name) {
    CrossCheckConfig check;
    check.name = node_name;
    check.config_path = params_path;
    if (params == nullptr || !params->IsMap()) {
        return check; // the node builder reports missing or mistyped params
    }
    MapReader map(reader_, *params, params_path);
    reader_.CheckKeys(*params, params_path, "cross_check params", CROSS_CHECK_KEYS, Strictness::STRICT);
    std::optional<CrossCheckType> type;
    if (!map.Has("type")) {
        reader_.AddError(ConfigError::MissingKey("cross_check params", "type", map.Location()));
    } else if (auto chosen = map.Choice("type", CrossCheckTypeNames())) {
        type = TryParseCrossCheckType(*chosen);
        check.type = type.value_or(CrossCheckType::ROW_COUNT_DIFF);
    }
    check.inputs = map.StringList("inputs").value_or(std::vector<std::string>{});
    bool compares = type && *type != CrossCheckType::SQL;
    if (compares && check.inputs.size() < MINIMUM_COMPARED_INPUTS) {
        SourceLocation location = map.Has("inputs") ? map.ValueLocation("inputs") : map.Location();
        location.path = map.PathOf("inputs");
        Error error(ErrorCode::MISSING_KEY,
                    ErrorSource::USER,
                    fmt::format("cross_check type {} compares nodes and needs at least 2 inputs, found {}",
                                CrossCheckTypeName(*type),
                                check.inputs.size()));
        error.WithLocation(std::move(location));
        error.WithSuggestion("list the nodes to compare, e.g. inputs: [orders_raw, orders_clean]");
        reader_.AddError(error);
    }
    check.threshold = map.Number("threshold", 0.0).value_or(0.0);
    if (map.Has("sql")) {
        check.sql = map.String("sql").value_or("");
        if (compares) {
            reader_.AddError(ConfigError::Conflict(fmt::format("type: {}", CrossCheckTypeName(*type)),
                                                   "sql",
                                                   map.KeyLocation("sql"),
                                                   "remove sql:, or use type: sql to check with a query"));
        }
    } else if (type == CrossCheckType::SQL) {
        reader_.AddError(ConfigError::Missing("cross_check type sql needs sql: a query that returns the violating rows",
                                              map.Location(),
                                              "add sql: SELECT ... (the check passes when it returns no rows)"));
    }
    if (auto on_fail = map.Choice("on_fail", CROSS_CHECK_ACTIONS)) {
        check.on_fail = *on_fail == "warn" ? QualitySeverity::WARN : QualitySeverity::FAIL;
    }
    check.name = map.String("name").value_or(node_name);
    return check;
}

void QualityBuilder::ResolveRelationships(PipelineConfig& pipeline) {
    std::vector<std::string> node_names;
    for (const auto& node : pipeline.nodes) {
        node_names.push_back(node.name);
    }
    for (const auto& use : relationship_uses_) {
        auto node = std::find_if(pipeline.nodes.begin(), pipeline.nodes.end(), [&](const NodeConfig& candidate) {
            return candidate.config_path == use.node_path;
        });
        if (node == pipeline.nodes.end()) {
            continue; // the node itself failed to build
        }
        std::vector<std::string> aliases;
        for (const auto& input : node->inputs) {
            aliases.push_back(input.alias);
        }
        if (Contains(node_names, use.name)) {
            if (use.name != node->name && !Contains(node->depends_on, use.name)) {
                node->depends_on.push_back(use.name);
            }
            continue;
        }
        if (Contains(aliases, use.name)) {
            continue;
        }
        std::vector<std::string> candidates = node_names;
        candidates.insert(candidates.end(), aliases.begin(), aliases.end());
        std::string message = fmt::format(
            "relationships test \"{}\" of node \"{}\" points at \"{}\", which is neither a node of pipeline \"{}\" "
            "nor an input of the node",
            use.test_name,
            node->name,
            use.name,
            pipeline.name);
        std::string hint = DidYouMean(use.name, candidates);
        if (!hint.empty()) {
            message += ". " + hint;
        }
        Error error(ErrorCode::UNKNOWN_DEPENDENCY, ErrorSource::USER, message);
        error.WithLocation(use.location);
        error.WithSuggestion(
            "set to: to a node of this pipeline (it becomes a dependency) or to an alias under inputs:");
        reader_.AddError(error);
    }
    relationship_uses_.clear();
}

std::vector<QualityNameUse> QualityBuilder::TakeConnectionUses() {
    std::vector<QualityNameUse> uses = std::move(connection_uses_);
    connection_uses_.clear();
    return uses;
}

} // namespace odibi::config
