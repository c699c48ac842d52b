// ProjectConfig lookups, the location index, and the string tables of the config enums.
#include "odibi/config/project.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

const std::vector<std::pair<WriteMode, std::string>> WRITE_MODE_NAMES = {{WriteMode::OVERWRITE, "overwrite"},
                                                                         {WriteMode::APPEND, "append"},
                                                                         {WriteMode::UPSERT, "upsert"},
                                                                         {WriteMode::APPEND_ONCE, "append_once"},
                                                                         {WriteMode::MERGE, "merge"},
                                                                         {WriteMode::DELETE_MATCHING, "delete_match"}};
const std::vector<std::pair<QualityTestType, std::string>> QUALITY_TEST_TYPE_NAMES = {
    {QualityTestType::NOT_NULL, "not_null"},
    {QualityTestType::UNIQUE, "unique"},
    {QualityTestType::ACCEPTED_VALUES, "accepted_values"},
    {QualityTestType::ROW_COUNT, "row_count"},
    {QualityTestType::CUSTOM_SQL, "custom_sql"},
    {QualityTestType::RANGE, "range"},
    {QualityTestType::REGEX_MATCH, "regex_match"},
    {QualityTestType::VOLUME_DROP, "volume_drop"},
    {QualityTestType::SCHEMA, "schema"},
    {QualityTestType::DISTRIBUTION, "distribution"},
    {QualityTestType::FRESHNESS, "freshness"},
    {QualityTestType::RELATIONSHIPS, "relationships"}};
const std::vector<std::pair<QualitySeverity, std::string>> QUALITY_SEVERITY_NAMES = {
    {QualitySeverity::FAIL, "fail"}, {QualitySeverity::WARN, "warn"}, {QualitySeverity::QUARANTINE, "quarantine"}};
const std::vector<std::pair<GateOnFail, std::string>> GATE_ON_FAIL_NAMES = {
    {GateOnFail::ABORT, "abort"},
    {GateOnFail::WARN_AND_WRITE, "warn_and_write"},
    {GateOnFail::WRITE_VALID_ONLY, "write_valid_only"}};
const std::vector<std::pair<CrossCheckType, std::string>> CROSS_CHECK_TYPE_NAMES = {
    {CrossCheckType::ROW_COUNT_DIFF, "row_count_diff"},
    {CrossCheckType::SCHEMA_MATCH, "schema_match"},
    {CrossCheckType::SQL, "sql"}};
const std::vector<std::pair<ErrorStrategy, std::string>> ERROR_STRATEGY_NAMES = {
    {ErrorStrategy::FAIL_FAST, "fail_fast"},
    {ErrorStrategy::FAIL_LATER, "fail_later"},
    {ErrorStrategy::IGNORE, "ignore"}};
const std::vector<std::pair<EngineKind, std::string>> ENGINE_NAMES = {{EngineKind::DUCKDB, "duckdb"},
                                                                      {EngineKind::PANDAS, "pandas"},
                                                                      {EngineKind::POLARS, "polars"},
                                                                      {EngineKind::SPARK, "spark"}};
const std::vector<std::pair<ConnectionType, std::string>> CONNECTION_TYPE_NAMES = {
    {ConnectionType::LOCAL, "local"},
    {ConnectionType::AZURE_BLOB, "azure_blob"},
    {ConnectionType::DELTA, "delta"},
    {ConnectionType::UNITY_CATALOG, "unity_catalog"},
    {ConnectionType::SQL_SERVER, "sql_server"},
    {ConnectionType::HTTP, "http"},
    {ConnectionType::POSTGRES, "postgres"},
    {ConnectionType::CUSTOM, "custom"}};
const std::vector<std::pair<StepKind, std::string>> STEP_KIND_NAMES = {{StepKind::SQL, "sql"},
                                                                       {StepKind::SQL_FILE, "sql_file"},
                                                                       {StepKind::FUNCTION, "function"},
                                                                       {StepKind::OPERATION, "operation"}};
const std::vector<std::pair<BackoffKind, std::string>> BACKOFF_NAMES = {
    {BackoffKind::EXPONENTIAL, "exponential"}, {BackoffKind::LINEAR, "linear"}, {BackoffKind::CONSTANT, "constant"}};
const std::vector<std::pair<IncrementalMode, std::string>> INCREMENTAL_MODE_NAMES = {
    {IncrementalMode::ROLLING_WINDOW, "rolling_window"}, {IncrementalMode::STATEFUL, "stateful"}};
const std::vector<std::pair<LookbackUnit, std::string>> LOOKBACK_UNIT_NAMES = {{LookbackUnit::HOUR, "hour"},
                                                                               {LookbackUnit::DAY, "day"},
                                                                               {LookbackUnit::MONTH, "month"},
                                                                               {LookbackUnit::YEAR, "year"}};
const std::vector<std::pair<DateFormat, std::string>> DATE_FORMAT_NAMES = {
    {DateFormat::ORACLE, "oracle"},
    {DateFormat::ORACLE_SQLSERVER, "oracle_sqlserver"},
    {DateFormat::SQL_SERVER, "sql_server"},
    {DateFormat::US, "us"},
    {DateFormat::EU, "eu"},
    {DateFormat::ISO, "iso"}};
// The formats this build reads and writes.
const std::vector<std::string> SUPPORTED_FORMATS = {"csv", "parquet", "json", "delta"};

template <typename Enum> std::string NameOf(const std::vector<std::pair<Enum, std::string>>& table, Enum value) {
    for (const auto& [candidate, name] : table) {
        if (candidate == value) {
            return name;
        }
    }
    return "unknown";
}

template <typename Enum>
std::optional<Enum> ParseName(const std::vector<std::pair<Enum, std::string>>& table, const std::string& text) {
    for (const auto& [candidate, name] : table) {
        if (name == text) {
            return candidate;
        }
    }
    return std::nullopt;
}

template <typename Enum> std::vector<std::string> NamesOf(const std::vector<std::pair<Enum, std::string>>& table) {
    std::vector<std::string> names;
    names.reserve(table.size());
    for (const auto& entry : table) {
        names.push_back(entry.second);
    }
    return names;
}

std::string ParentPath(const std::string& path) {
    if (!path.empty() && path.back() == ']') {
        size_t open = path.find_last_of('[');
        return open == std::string::npos ? std::string() : path.substr(0, open);
    }
    size_t dot = path.find_last_of('.');
    size_t bracket = path.find_last_of(']');
    if (dot == std::string::npos || (bracket != std::string::npos && bracket > dot)) {
        return std::string();
    }
    return path.substr(0, dot);
}

} // namespace

void LocationIndex::Set(const std::string& path, SourceLocation location) {
    location.path = path;
    locations_[path] = std::move(location);
}

SourceLocation LocationIndex::Find(const std::string& path) const {
    std::string current = path;
    while (true) {
        auto found = locations_.find(current);
        if (found != locations_.end()) {
            SourceLocation location = found->second;
            location.path = path;
            return location;
        }
        if (current.empty()) {
            break;
        }
        current = ParentPath(current);
    }
    SourceLocation unknown;
    unknown.path = path;
    return unknown;
}

const ConnectionConfig& ProjectConfig::GetConnection(const std::string& name) const {
    if (const ConnectionConfig* connection = TryGetConnection(name)) {
        return *connection;
    }
    std::vector<std::string> available;
    for (const auto& [candidate, connection] : connections) {
        available.push_back(candidate);
    }
    std::string message = fmt::format("unknown connection \"{}\"", name);
    std::string hint = DidYouMean(name, available);
    if (!hint.empty()) {
        message += ". " + hint;
    }
    Error error(ErrorCode::UNKNOWN_CONNECTION, ErrorSource::USER, message);
    error.WithLocation(locations.Find("connections"));
    error.WithSuggestion(available.empty() ? "define it under connections:"
                                           : fmt::format("available connections: {}", Join(available, ", ")));
    throw error;
}

const ConnectionConfig* ProjectConfig::TryGetConnection(const std::string& name) const {
    auto found = connections.find(name);
    return found == connections.end() ? nullptr : &found->second;
}

const PipelineConfig* ProjectConfig::TryGetPipeline(const std::string& name) const {
    for (const auto& pipeline : pipelines) {
        if (pipeline.name == name) {
            return &pipeline;
        }
    }
    return nullptr;
}

bool SensitiveColumns::Masks(const std::string& column) const {
    if (all) {
        return true;
    }
    std::string lowered = ToLower(column);
    return std::any_of(
        columns.begin(), columns.end(), [&](const std::string& candidate) { return ToLower(candidate) == lowered; });
}

SensitiveColumns ParseSensitiveColumns(const Json& sensitive) {
    SensitiveColumns columns;
    if (sensitive.is_boolean()) {
        columns.all = sensitive.get<bool>();
        return columns;
    }
    if (sensitive.is_string()) {
        columns.columns.push_back(sensitive.get<std::string>());
        return columns;
    }
    if (sensitive.is_array()) {
        for (const auto& item : sensitive) {
            if (item.is_string()) {
                columns.columns.push_back(item.get<std::string>());
            }
        }
    }
    return columns;
}

std::string WriteModeName(WriteMode mode) {
    return NameOf(WRITE_MODE_NAMES, mode);
}

std::optional<WriteMode> TryParseWriteMode(const std::string& text) {
    return ParseName(WRITE_MODE_NAMES, text);
}

std::string QualityTestTypeName(QualityTestType type) {
    return NameOf(QUALITY_TEST_TYPE_NAMES, type);
}

std::optional<QualityTestType> TryParseQualityTestType(const std::string& text) {
    return ParseName(QUALITY_TEST_TYPE_NAMES, text);
}

std::string QualitySeverityName(QualitySeverity severity) {
    return NameOf(QUALITY_SEVERITY_NAMES, severity);
}

std::string GateOnFailName(GateOnFail on_fail) {
    return NameOf(GATE_ON_FAIL_NAMES, on_fail);
}

std::string CrossCheckTypeName(CrossCheckType type) {
    return NameOf(CROSS_CHECK_TYPE_NAMES, type);
}

std::optional<QualitySeverity> TryParseQualitySeverity(const std::string& text) {
    return ParseName(QUALITY_SEVERITY_NAMES, text);
}

std::optional<GateOnFail> TryParseGateOnFail(const std::string& text) {
    return ParseName(GATE_ON_FAIL_NAMES, text);
}

std::optional<CrossCheckType> TryParseCrossCheckType(const std::string& text) {
    return ParseName(CROSS_CHECK_TYPE_NAMES, text);
}

std::string ErrorStrategyName(ErrorStrategy strategy) {
    return NameOf(ERROR_STRATEGY_NAMES, strategy);
}

std::optional<ErrorStrategy> TryParseErrorStrategy(const std::string& text) {
    return ParseName(ERROR_STRATEGY_NAMES, text);
}

std::string EngineName(EngineKind engine) {
    return NameOf(ENGINE_NAMES, engine);
}

std::optional<EngineKind> TryParseEngine(const std::string& text) {
    return ParseName(ENGINE_NAMES, text);
}

std::string ConnectionTypeName(ConnectionType type) {
    return NameOf(CONNECTION_TYPE_NAMES, type);
}

std::string StepKindName(StepKind kind) {
    return NameOf(STEP_KIND_NAMES, kind);
}

std::string BackoffName(BackoffKind backoff) {
    return NameOf(BACKOFF_NAMES, backoff);
}

std::string IncrementalModeName(IncrementalMode mode) {
    return NameOf(INCREMENTAL_MODE_NAMES, mode);
}

std::optional<IncrementalMode> TryParseIncrementalMode(const std::string& text) {
    return ParseName(INCREMENTAL_MODE_NAMES, text);
}

std::string LookbackUnitName(LookbackUnit unit) {
    return NameOf(LOOKBACK_UNIT_NAMES, unit);
}

std::optional<LookbackUnit> TryParseLookbackUnit(const std::string& text) {
    return ParseName(LOOKBACK_UNIT_NAMES, text);
}

std::string DateFormatName(DateFormat format) {
    return NameOf(DATE_FORMAT_NAMES, format);
}

std::optional<DateFormat> TryParseDateFormat(const std::string& text) {
    return ParseName(DATE_FORMAT_NAMES, text);
}

std::vector<std::string> IncrementalModeNames() {
    return NamesOf(INCREMENTAL_MODE_NAMES);
}

std::vector<std::string> QualityTestTypeNames() {
    return NamesOf(QUALITY_TEST_TYPE_NAMES);
}

std::vector<std::string> QualitySeverityNames() {
    return NamesOf(QUALITY_SEVERITY_NAMES);
}

std::vector<std::string> GateOnFailNames() {
    return NamesOf(GATE_ON_FAIL_NAMES);
}

std::vector<std::string> CrossCheckTypeNames() {
    return NamesOf(CROSS_CHECK_TYPE_NAMES);
}

std::vector<std::string> LookbackUnitNames() {
    return NamesOf(LOOKBACK_UNIT_NAMES);
}

std::vector<std::string> DateFormatNames() {
    return NamesOf(DATE_FORMAT_NAMES);
}

std::optional<int64_t> TryParseWatermarkLag(const std::string& text) {
    constexpr int64_t MINUTE = 60;
    constexpr int64_t HOUR = 60 * MINUTE;
    constexpr int64_t DAY = 24 * HOUR;
    constexpr int64_t WEEK = 7 * DAY;
    // A whole number of units; a cap keeps the multiplication far from overflow.
    constexpr size_t MAXIMUM_DIGITS = 9;
    std::string trimmed = Trim(text);
    if (trimmed.size() < 2) {
        return std::nullopt;
    }
    std::string digits = trimmed.substr(0, trimmed.size() - 1);
    if (digits.empty() || digits.size() > MAXIMUM_DIGITS ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    int64_t amount = std::stoll(digits);
    switch (static_cast<char>(std::tolower(static_cast<unsigned char>(trimmed.back())))) {
    case 's':
        return amount;
    case 'm':
        return amount * MINUTE;
    case 'h':
        return amount * HOUR;
    case 'd':
        return amount * DAY;
    case 'w':
        return amount * WEEK;
    default:
        return std::nullopt;
    }
}

const std::vector<std::string>& FormatNames() {
    static const std::vector<std::string> NAMES = {"csv",
                                                   "parquet",
                                                   "delta",
                                                   "json",
                                                   "sql",
                                                   "api",
                                                   "excel",
                                                   "avro",
                                                   "cloudFiles",
                                                   "sql_server",
                                                   "azure_sql",
                                                   "simulation"};
    return NAMES;
}

bool IsFormatSupported(const std::string& format) {
    return std::find(SUPPORTED_FORMATS.begin(), SUPPORTED_FORMATS.end(), format) != SUPPORTED_FORMATS.end();
}

} // namespace odibi::config
