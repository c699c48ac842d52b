// ProjectConfig lookups, the location index, and the string tables of the config enums.
#include "odibi/config/project.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

const std::vector<std::pair<WriteMode, std::string>> WRITE_MODE_NAMES = {{WriteMode::OVERWRITE, "overwrite"},
                                                                         {WriteMode::APPEND, "append"},
                                                                         {WriteMode::UPSERT, "upsert"},
                                                                         {WriteMode::APPEND_ONCE, "append_once"},
                                                                         {WriteMode::MERGE, "merge"}};
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
// The formats this build reads and writes.
const std::vector<std::string> SUPPORTED_FORMATS = {"csv", "parquet", "json"};

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

std::string WriteModeName(WriteMode mode) {
    return NameOf(WRITE_MODE_NAMES, mode);
}

std::optional<WriteMode> TryParseWriteMode(const std::string& text) {
    return ParseName(WRITE_MODE_NAMES, text);
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
