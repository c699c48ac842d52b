// ProjectConfig validation: top-level keys, engine, story, system, retry, logging, performance,
// pipelines, and the cross-field connection checks.
#include "project_builder.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

const std::vector<std::string> PROJECT_KEYS = {"project",
                                               "engine",
                                               "connections",
                                               "pipelines",
                                               "story",
                                               "system",
                                               "description",
                                               "version",
                                               "owner",
                                               "vars",
                                               "retry",
                                               "logging",
                                               "alerts",
                                               "performance",
                                               "lineage",
                                               "environments",
                                               "semantic",
                                               "imports",
                                               "recipes"};
const std::vector<std::string> ENGINE_NAMES = {"pandas", "spark", "polars", "duckdb"};
const std::vector<std::string> STORY_KEYS = {"connection",
                                             "path",
                                             "max_sample_rows",
                                             "auto_generate",
                                             "retention_days",
                                             "retention_count",
                                             "failure_sample_size",
                                             "max_failure_samples",
                                             "max_sampled_validations",
                                             "async_generation",
                                             "generate_lineage",
                                             "docs"};
const std::vector<std::string> SYSTEM_KEYS = {"connection",
                                              "path",
                                              "environment",
                                              "schema_name",
                                              "sync_to",
                                              "sync_from",
                                              "cost_per_compute_hour",
                                              "databricks_billing_enabled",
                                              "retention_days",
                                              "optimize_catalog",
                                              "sync_timeout_seconds",
                                              "async_derived_updates",
                                              "async_lineage",
                                              "skip_sync_wait_in_databricks"};
// Odibi's RetentionConfig keys, then odibi's own `quality` and `runs`.
const std::vector<std::string> RETENTION_KEYS = {"daily_stats", "failures", "observability_errors", "quality", "runs"};
const std::vector<std::string> RETRY_KEYS = {"enabled", "max_attempts", "backoff"};
const std::vector<std::string> BACKOFF_NAMES = {"exponential", "linear", "constant"};
const std::vector<std::string> LOGGING_KEYS = {"level", "structured", "metadata"};
const std::vector<std::string> LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR"};
const std::vector<std::string> PERFORMANCE_KEYS = {"memory_limit",
                                                   "threads",
                                                   "temp_directory",
                                                   "use_arrow",
                                                   "spark_config",
                                                   "delta_table_properties",
                                                   "skip_null_profiling",
                                                   "skip_catalog_writes",
                                                   "skip_run_logging"};
const std::vector<std::string> PIPELINE_KEYS = {"pipeline",
                                                "description",
                                                "layer",
                                                "owner",
                                                "freshness_sla",
                                                "freshness_anchor",
                                                "nodes",
                                                "tags",
                                                "auto_cache_threshold"};
const std::vector<std::string> FRESHNESS_ANCHORS = {"run_completion", "table_max_timestamp", "watermark_state"};
const std::vector<std::string> SYNC_KEYS = {
    "connection", "schema_name", "path", "mode", "on", "tables", "async_sync", "sync_last_days"};

constexpr int64_t MAXIMUM_SAMPLE_ROWS = 100;
constexpr int64_t MAXIMUM_FAILURE_SAMPLE_SIZE = 1000;
constexpr int64_t MAXIMUM_FAILURE_SAMPLES = 5000;
constexpr int64_t MAXIMUM_SAMPLED_VALIDATIONS = 20;
constexpr int64_t MAXIMUM_RETRY_ATTEMPTS = 10;
constexpr int64_t MINIMUM_AUTO_CACHE_THRESHOLD = 2;
constexpr int64_t MAXIMUM_INT = 2147483647;
// A century: far beyond any useful retention, and a cutoff the clock can still represent.
constexpr int64_t MAXIMUM_RETENTION_DAYS = 36500;

bool IsMemorySize(const std::string& text) {
    static const std::regex SIZE(
        R"(^\s*[0-9]+(\.[0-9]+)?\s*(b|bytes?|k|kb|kilobytes?|m|mb|megabytes?|g|gb|gigabytes?|t|tb|terabytes?|kib|mib|gib|tib)\s*$)",
        std::regex::icase);
    return std::regex_match(text, SIZE);
}

// system.retention_days: {failures, observability_errors, daily_stats, quality, runs}, each a whole number of
// days; a key left out keeps its default, and the whole block as null keeps all history.
std::optional<CatalogRetention>
ReadCatalogRetention(SchemaReader& reader, const ConfigValue& value, const std::string& path) {
    if (!value.IsMap()) {
        reader.AddError(ConfigError::InvalidValue(
            fmt::format("system.retention_days must be a mapping of days per kind of history, "
                        "found {}",
                        value.Describe()),
            MakeLocation(value.mark, path),
            "write it as a mapping, e.g. retention_days: {runs: 90, failures: 90, "
            "observability_errors: 90}"));
        return std::nullopt;
    }
    reader.CheckKeys(value, path, "system.retention_days", RETENTION_KEYS, Strictness::STRICT);
    MapReader map(reader, value, path);
    CatalogRetention retention;
    for (const std::string& key : RETENTION_KEYS) {
        const ConfigValue* days = value.Find(key);
        if (days != nullptr && days->IsNull()) {
            reader.AddError(ConfigError::InvalidValue(
                fmt::format("system.retention_days.{} is null; it must be a number of days", key),
                map.KeyLocation(key),
                fmt::format("set {} to a whole number of days (1 to {}), or remove it", key, MAXIMUM_RETENTION_DAYS)));
        }
    }
    auto read = [&](const std::string& key) -> std::optional<int> {
        auto days = map.Integer(key, 1, MAXIMUM_RETENTION_DAYS);
        return days ? std::optional<int>(static_cast<int>(*days)) : std::nullopt;
    };
    retention.failures = read("failures").value_or(retention.failures);
    retention.observability_errors = read("observability_errors").value_or(retention.observability_errors);
    retention.daily_stats = read("daily_stats").value_or(retention.daily_stats);
    retention.quality = read("quality").value_or(retention.quality);
    retention.runs = read("runs");
    return retention;
}

std::string ResolveAgainst(const std::filesystem::path& base, const std::string& text) {
    std::filesystem::path path(text);
    if (path.is_absolute()) {
        return path.lexically_normal().string();
    }
    std::string resolved = (base / path).lexically_normal().string();
    while (resolved.size() > 1 && resolved.back() == '/') {
        resolved.pop_back();
    }
    return resolved;
}

} // namespace

bool IsValidName(const std::string& name) {
    static const std::regex NAME(R"(^[a-zA-Z_][a-zA-Z0-9_]*$)");
    return std::regex_match(name, NAME);
}

std::string SanitizeName(const std::string& name) {
    std::string result;
    for (char character : Trim(name)) {
        bool valid = (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
                     (character >= '0' && character <= '9') || character == '_';
        result += valid ? character : '_';
    }
    if (result.empty() || (result[0] >= '0' && result[0] <= '9')) {
        result.insert(result.begin(), '_');
    }
    return result;
}

ProjectBuilder::ProjectBuilder(SchemaReader& reader, const LoadOptions& options, const EnvironmentVariables& variables)
    : reader_(reader), options_(options), variables_(variables), quality_(reader) {}

void ProjectBuilder::NotSupported(const SourceLocation& location, const std::string& key, const std::string& why) {
    reader_.AddError(ConfigError::NotSupportedYet(key, why, location));
}

void ProjectBuilder::Build(const ConfigValue& root, ProjectConfig& project) {
    config_directory_ = project.config_dir;
    MapReader map(reader_, root, "");
    reader_.CheckKeys(root,
                      "",
                      "ProjectConfig",
                      PROJECT_KEYS,
                      Strictness::STRICT,
                      {{"alerting", "the key is \"alerts\" (a list of alert configs)"}});
    if (auto name = map.RequiredString("project", "ProjectConfig")) {
        project.project = *name;
    }
    project.description = map.String("description").value_or("");
    project.version = map.String("version").value_or(project.version);
    project.owner = map.String("owner").value_or("");
    BuildEngine(map, project);
    if (auto vars = map.Mapping("vars")) {
        project.vars = *vars;
    }

    if (const ConfigValue* connections = map.Get("connections")) {
        if (reader_.ExpectMap(*connections, "connections", "a mapping of connection name to connection")) {
            for (const auto& entry : connections->entries) {
                if (auto connection = BuildConnection(entry.key, entry.value)) {
                    project.connections.emplace(entry.key, std::move(*connection));
                }
            }
        }
    } else {
        reader_.AddError(ConfigError::MissingKey("ProjectConfig", "connections", map.KeyLocation("connections")));
    }

    if (const ConfigValue* story = map.Get("story")) {
        BuildStory(*story, project.story);
    } else {
        reader_.AddError(ConfigError::MissingKey("ProjectConfig", "story", map.KeyLocation("story")));
    }
    if (const ConfigValue* system = map.Get("system")) {
        BuildSystem(*system, project.system);
    } else {
        reader_.AddError(ConfigError::MissingKey("ProjectConfig", "system", map.KeyLocation("system")));
    }
    if (const ConfigValue* retry = map.Get("retry")) {
        BuildRetry(*retry, project.retry);
    }
    // Tests and impatient users shorten retry waits without editing the YAML.
    // An empty value counts as unset, as for a variable cleared with `export NAME=`.
    if (auto text = variables_.Get("ODIBI_RETRY_BASE_SECONDS"); text && !Trim(*text).empty()) {
        char* end = nullptr;
        double seconds = std::strtod(text->c_str(), &end);
        if (end != text->c_str() + text->size() || !(seconds >= 0)) {
            SourceLocation location;
            location.path = "environment variable ODIBI_RETRY_BASE_SECONDS";
            reader_.AddError(ConfigError::InvalidValue(
                fmt::format("ODIBI_RETRY_BASE_SECONDS must be a number of seconds >= 0, found \"{}\"", *text),
                location,
                "set ODIBI_RETRY_BASE_SECONDS to a number such as 0, 0.5 or 1, or unset it"));
        } else {
            project.retry.base_seconds = seconds;
        }
    }
    if (const ConfigValue* logging = map.Get("logging")) {
        BuildLogging(*logging, project.logging);
    }
    if (const ConfigValue* performance = map.Get("performance")) {
        BuildPerformance(*performance, project.performance);
    }
    BuildFeatureBlocks(map, project);

    if (const ConfigValue* pipelines = map.Get("pipelines")) {
        if (!pipelines->IsSequence()) {
            reader_.AddError(ConfigError::InvalidType(
                "pipelines", "a list of pipelines", pipelines->Describe(), MakeLocation(pipelines->mark, "pipelines")));
        } else {
            for (size_t index = 0; index < pipelines->items.size(); ++index) {
                if (auto pipeline = BuildPipeline(pipelines->items[index], ItemPath("pipelines", index))) {
                    if (pipeline->owner.empty()) {
                        pipeline->owner = project.owner;
                    }
                    project.pipelines.push_back(std::move(*pipeline));
                }
            }
        }
    } else {
        reader_.AddError(ConfigError::MissingKey("ProjectConfig", "pipelines", map.KeyLocation("pipelines")));
    }
    CheckConnectionUses(project);
}

void ProjectBuilder::BuildEngine(MapReader& root, ProjectConfig& project) {
    std::string engine = "pandas";
    if (root.Has("engine")) {
        auto chosen = root.Choice("engine", ENGINE_NAMES);
        if (!chosen) {
            return;
        }
        engine = *chosen;
    }
    project.engine = TryParseEngine(engine).value_or(EngineKind::PANDAS);
    SourceLocation location = root.ValueLocation("engine");
    if (options_.engine_override && *options_.engine_override != "duckdb") {
        Error error(ErrorCode::ENGINE_NOT_SUPPORTED,
                    ErrorSource::USER,
                    fmt::format("engine \"{}\" is not supported: odibi runs every pipeline on DuckDB",
                                *options_.engine_override));
        error.WithSuggestion("use --engine duckdb, or leave --engine out");
        reader_.AddError(error);
        return;
    }
    switch (project.engine) {
    case EngineKind::DUCKDB:
        return;
    case EngineKind::PANDAS:
    case EngineKind::POLARS:
        if (root.Has("engine")) {
            reader_.AddInfo(ConfigError::Ignored(
                fmt::format("engine: {} runs on DuckDB in odibi (same YAML, same results)", engine), location));
        }
        return;
    case EngineKind::SPARK:
        if (options_.engine_override) {
            reader_.AddInfo(ConfigError::Ignored("engine: spark runs on DuckDB because of --engine duckdb", location));
            return;
        }
        Error error(ErrorCode::ENGINE_NOT_SUPPORTED,
                    ErrorSource::USER,
                    "engine: spark is not supported: odibi runs pipelines on embedded DuckDB, not on a Spark cluster");
        error.WithLocation(location);
        error.WithSuggestion("run with --engine duckdb to run this project on DuckDB");
        error.WithSuggestion("or set engine: duckdb (Spark-only keys such as streaming are reported separately)");
        reader_.AddError(error);
        return;
    }
}

void ProjectBuilder::BuildStory(const ConfigValue& value, StoryConfig& story) {
    if (!reader_.ExpectMap(value, "story", "a mapping (StoryConfig)")) {
        return;
    }
    MapReader map(reader_, value, "story");
    reader_.CheckKeys(value, "story", "StoryConfig", STORY_KEYS, Strictness::STRICT);
    if (auto connection = map.RequiredString("connection", "StoryConfig")) {
        story.connection = *connection;
        connection_uses_.push_back({*connection, map.ValueLocation("connection"), "story", true});
    }
    story.path = map.RequiredString("path", "StoryConfig").value_or("");
    story.max_sample_rows =
        static_cast<int>(map.Integer("max_sample_rows", 0, MAXIMUM_SAMPLE_ROWS).value_or(story.max_sample_rows));
    story.auto_generate = map.Bool("auto_generate").value_or(story.auto_generate);
    const ConfigValue* days = value.Find("retention_days");
    const ConfigValue* count = value.Find("retention_count");
    if (days != nullptr && days->IsNull()) {
        story.retention_days = 0;
    } else {
        story.retention_days =
            static_cast<int>(map.Integer("retention_days", 1, MAXIMUM_INT).value_or(story.retention_days));
    }
    if (count != nullptr && count->IsNull()) {
        story.retention_count = 0;
    } else {
        story.retention_count =
            static_cast<int>(map.Integer("retention_count", 1, MAXIMUM_INT).value_or(story.retention_count));
    }
    if (story.retention_days == 0 && story.retention_count == 0) {
        reader_.AddError(
            ConfigError::InvalidValue("story.retention_days and story.retention_count are both null; stories would "
                                      "never be cleaned up",
                                      map.KeyLocation("retention_days"),
                                      "set at least one of retention_days or retention_count"));
    }
    story.failure_sample_size = static_cast<int>(
        map.Integer("failure_sample_size", 0, MAXIMUM_FAILURE_SAMPLE_SIZE).value_or(story.failure_sample_size));
    story.max_failure_samples = static_cast<int>(
        map.Integer("max_failure_samples", 0, MAXIMUM_FAILURE_SAMPLES).value_or(story.max_failure_samples));
    story.max_sampled_validations = static_cast<int>(
        map.Integer("max_sampled_validations", 1, MAXIMUM_SAMPLED_VALIDATIONS).value_or(story.max_sampled_validations));
    story.async_generation = map.Bool("async_generation").value_or(story.async_generation);
    story.generate_lineage = map.Bool("generate_lineage").value_or(story.generate_lineage);
    if (const ConfigValue* docs = map.Get("docs")) {
        story.docs = ToJson(*docs);
        bool enabled = false;
        if (docs->IsMap()) {
            MapReader docs_map(reader_, *docs, "story.docs");
            enabled = docs_map.Bool("enabled").value_or(false);
        } else if (docs->IsScalar()) {
            enabled = reader_.Bool(*docs, "story.docs").value_or(false);
        }
        if (enabled) {
            NotSupported(map.KeyLocation("docs"), "story.docs", "generated project documentation is not built yet");
        }
    }
}

void ProjectBuilder::BuildSystem(const ConfigValue& value, SystemConfig& system) {
    if (!reader_.ExpectMap(value, "system", "a mapping (SystemConfig)")) {
        return;
    }
    MapReader map(reader_, value, "system");
    reader_.CheckKeys(value, "system", "SystemConfig", SYSTEM_KEYS, Strictness::STRICT);
    if (auto connection = map.RequiredString("connection", "SystemConfig")) {
        system.connection = *connection;
        connection_uses_.push_back({*connection, map.ValueLocation("connection"), "system", true});
    }
    system.path = map.String("path").value_or(system.path);
    system.environment = map.String("environment");
    system.cost_per_compute_hour = map.Number("cost_per_compute_hour", 0.0);
    if (auto schema_name = map.String("schema_name")) {
        system.extra["schema_name"] = *schema_name;
        reader_.AddWarning(
            ConfigError::Ignored("system.schema_name is deprecated and has no effect", map.KeyLocation("schema_name"))
                .WithSuggestion("remove schema_name from system:"));
    }
    for (const char* key :
         {"databricks_billing_enabled", "async_derived_updates", "async_lineage", "skip_sync_wait_in_databricks"}) {
        if (auto flag = map.Bool(key)) {
            system.extra[key] = *flag;
        }
    }
    if (auto timeout = map.Number("sync_timeout_seconds", 0.0)) {
        system.extra["sync_timeout_seconds"] = *timeout;
    }
    for (const char* key : {"sync_to", "sync_from"}) {
        const ConfigValue* sync = map.Get(key);
        if (sync == nullptr) {
            continue;
        }
        system.extra[key] = ToJson(*sync);
        std::string sync_path = map.PathOf(key);
        if (reader_.ExpectMap(*sync, sync_path, "a mapping with connection, path, ...")) {
            MapReader sync_map(reader_, *sync, sync_path);
            reader_.CheckKeys(*sync, sync_path, key, SYNC_KEYS, Strictness::LAX);
            if (auto connection = sync_map.RequiredString("connection", key)) {
                connection_uses_.push_back(
                    {*connection, sync_map.ValueLocation("connection"), fmt::format("system.{}", key), false});
            }
        }
        NotSupported(map.KeyLocation(key), fmt::format("system.{}", key), "catalog synchronisation is not built yet");
    }
    if (const ConfigValue* retention = map.Get("retention_days")) {
        system.retention_days = ReadCatalogRetention(reader_, *retention, map.PathOf("retention_days"));
    }
    system.optimize_catalog = map.Bool("optimize_catalog").value_or(system.optimize_catalog);
}

void ProjectBuilder::BuildRetry(const ConfigValue& value, RetryConfig& retry) {
    if (!reader_.ExpectMap(value, "retry", "a mapping (enabled, max_attempts, backoff)")) {
        return;
    }
    MapReader map(reader_, value, "retry");
    reader_.CheckKeys(value, "retry", "RetryConfig", RETRY_KEYS, Strictness::LAX);
    retry.enabled = map.Bool("enabled").value_or(retry.enabled);
    retry.max_attempts =
        static_cast<int>(map.Integer("max_attempts", 1, MAXIMUM_RETRY_ATTEMPTS).value_or(retry.max_attempts));
    if (auto backoff = map.Choice("backoff", BACKOFF_NAMES)) {
        retry.backoff = *backoff == "linear"     ? BackoffKind::LINEAR
                        : *backoff == "constant" ? BackoffKind::CONSTANT
                                                 : BackoffKind::EXPONENTIAL;
    }
}

void ProjectBuilder::BuildLogging(const ConfigValue& value, LoggingConfig& logging) {
    if (!reader_.ExpectMap(value, "logging", "a mapping (level, structured, metadata)")) {
        return;
    }
    MapReader map(reader_, value, "logging");
    reader_.CheckKeys(value, "logging", "LoggingConfig", LOGGING_KEYS, Strictness::LAX);
    if (const ConfigValue* level = map.Get("level")) {
        logging.level = reader_.ChoiceIgnoringCase(*level, "logging.level", LOG_LEVELS).value_or(logging.level);
    }
    logging.structured = map.Bool("structured").value_or(logging.structured);
    if (auto metadata = map.Mapping("metadata")) {
        logging.metadata = *metadata;
    }
}

void ProjectBuilder::BuildPerformance(const ConfigValue& value, PerformanceConfig& performance) {
    if (!reader_.ExpectMap(value, "performance", "a mapping (memory_limit, threads, temp_directory, ...)")) {
        return;
    }
    MapReader map(reader_, value, "performance");
    reader_.CheckKeys(value, "performance", "PerformanceConfig", PERFORMANCE_KEYS, Strictness::LAX);
    if (auto limit = map.String("memory_limit")) {
        if (IsMemorySize(*limit)) {
            performance.memory_limit = Trim(*limit);
        } else {
            reader_.AddError(ConfigError::InvalidValue(
                fmt::format("performance.memory_limit \"{}\" is not a memory size", *limit),
                map.ValueLocation("memory_limit"),
                "write a number with a unit: \"512MB\", \"4GB\", \"1.5GiB\" (KB/MB/GB/TB or KiB/MiB/GiB/TiB)"));
        }
    }
    if (auto threads = map.Integer("threads", 1, MAXIMUM_INT)) {
        performance.threads = static_cast<int>(*threads);
    }
    if (auto directory = map.String("temp_directory")) {
        performance.temp_directory = ResolveAgainst(config_directory_, *directory);
    }
    if (map.Has("use_arrow")) {
        (void)map.Bool("use_arrow");
        reader_.AddInfo(ConfigError::Ignored(
            "performance.use_arrow has no effect on DuckDB (data stays in DuckDB's columnar format)",
            map.KeyLocation("use_arrow")));
    }
    if (map.Has("spark_config")) {
        (void)map.Mapping("spark_config");
        reader_.AddInfo(
            ConfigError::Ignored("performance.spark_config has no effect on DuckDB; use memory_limit and threads",
                                 map.KeyLocation("spark_config")));
    }
    if (auto properties = map.Mapping("delta_table_properties")) {
        performance.delta_table_properties = *properties;
    }
    performance.skip_null_profiling = map.Bool("skip_null_profiling").value_or(performance.skip_null_profiling);
    performance.skip_catalog_writes = map.Bool("skip_catalog_writes").value_or(performance.skip_catalog_writes);
    performance.skip_run_logging = map.Bool("skip_run_logging").value_or(performance.skip_run_logging);
}

void ProjectBuilder::BuildFeatureBlocks(MapReader& root, ProjectConfig& project) {
    if (const ConfigValue* alerts = root.Get("alerts")) {
        if (!alerts->IsSequence()) {
            reader_.AddError(ConfigError::InvalidType(
                "alerts", "a list of alert configs", alerts->Describe(), MakeLocation(alerts->mark, "alerts")));
        } else {
            project.alerts = ToJson(*alerts);
            for (size_t index = 0; index < alerts->items.size(); ++index) {
                (void)reader_.ExpectMap(
                    alerts->items[index], ItemPath("alerts", index), "a mapping (type, url, on_events)");
            }
            if (!alerts->items.empty()) {
                NotSupported(root.KeyLocation("alerts"), "alerts", "webhook, Slack and Teams alerts are not built yet");
            }
        }
    }
    if (const ConfigValue* lineage = root.Get("lineage")) {
        if (reader_.ExpectMap(*lineage, "lineage", "a mapping (url, namespace, api_key)")) {
            project.lineage = ToJson(*lineage);
            reader_.CheckKeys(*lineage, "lineage", "LineageConfig", {"url", "namespace", "api_key"}, Strictness::LAX);
            if (const ConfigValue* key = lineage->Find("api_key"); key != nullptr && key->IsScalar()) {
                SecretRegistry::Register(key->text);
            }
            MapReader lineage_map(reader_, *lineage, "lineage");
            if (lineage_map.Has("url")) {
                NotSupported(root.KeyLocation("lineage"), "lineage", "OpenLineage events are not built yet");
            }
        }
    }
    if (const ConfigValue* semantic = root.Get("semantic")) {
        project.semantic = ToJson(*semantic);
        bool empty =
            (semantic->IsMap() && semantic->entries.empty()) || (semantic->IsSequence() && semantic->items.empty());
        if (!empty) {
            NotSupported(root.KeyLocation("semantic"),
                         "semantic",
                         "the semantic layer (metrics, dimensions, views) is not built yet");
        }
    }
}

std::optional<PipelineConfig> ProjectBuilder::BuildPipeline(const ConfigValue& value, const std::string& path) {
    if (!reader_.ExpectMap(value, path, "a pipeline mapping (pipeline, nodes, ...)")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "PipelineConfig", PIPELINE_KEYS, Strictness::STRICT);
    PipelineConfig pipeline;
    pipeline.config_path = path;
    if (auto name = map.RequiredString("pipeline", "PipelineConfig")) {
        pipeline.name = *name;
        if (!IsValidName(*name)) {
            Error error(ErrorCode::INVALID_NAME,
                        ErrorSource::USER,
                        fmt::format("pipeline name \"{}\" is not valid: names use letters, digits and underscores and "
                                    "do not start with a digit",
                                    *name));
            error.WithLocation(map.ValueLocation("pipeline"));
            error.WithSuggestion(fmt::format("use pipeline: {}", SanitizeName(*name)));
            reader_.AddError(error);
        }
    }
    pipeline.description = map.String("description").value_or("");
    pipeline.layer = map.String("layer").value_or("");
    pipeline.owner = map.String("owner").value_or("");
    if (auto sla = map.String("freshness_sla")) {
        static const std::regex DURATION(R"(^\s*[0-9]+\s*[smhd]\s*$)");
        if (std::regex_match(*sla, DURATION)) {
            pipeline.freshness_sla = Trim(*sla);
        } else {
            reader_.AddError(ConfigError::InvalidValue(fmt::format("freshness_sla \"{}\" is not a duration", *sla),
                                                       map.ValueLocation("freshness_sla"),
                                                       "write a number and a unit s, m, h or d, such as 6h or 1d"));
        }
    }
    pipeline.freshness_anchor = map.Choice("freshness_anchor", FRESHNESS_ANCHORS).value_or(pipeline.freshness_anchor);
    pipeline.tags = map.StringList("tags").value_or(std::vector<std::string>{});
    if (const ConfigEntry* threshold = value.FindEntry("auto_cache_threshold"); threshold != nullptr) {
        if (threshold->value.IsNull()) {
            pipeline.auto_cache_threshold = std::nullopt;
        } else if (auto number = map.Integer("auto_cache_threshold", MINIMUM_AUTO_CACHE_THRESHOLD, MAXIMUM_INT)) {
            pipeline.auto_cache_threshold = static_cast<int>(*number);
        }
    }
    const ConfigValue* nodes = map.Get("nodes");
    if (nodes == nullptr) {
        reader_.AddError(ConfigError::MissingKey("PipelineConfig", "nodes", map.KeyLocation("nodes")));
        return pipeline;
    }
    std::string nodes_path = map.PathOf("nodes");
    if (!nodes->IsSequence()) {
        reader_.AddError(ConfigError::InvalidType(
            "nodes", "a list of nodes", nodes->Describe(), MakeLocation(nodes->mark, nodes_path)));
        return pipeline;
    }
    if (nodes->items.empty()) {
        reader_.AddError(ConfigError::InvalidValue(fmt::format("pipeline \"{}\" has no nodes", pipeline.name),
                                                   map.KeyLocation("nodes"),
                                                   "add at least one node under nodes:, or remove the pipeline"));
    }
    std::map<std::string, SourceLocation> seen;
    for (size_t index = 0; index < nodes->items.size(); ++index) {
        std::string node_path = ItemPath(nodes_path, index);
        auto node = BuildNode(nodes->items[index], node_path, pipeline.name);
        if (!node) {
            continue;
        }
        if (!node->name.empty()) {
            SourceLocation location = MakeLocation(nodes->items[index].mark, node_path);
            if (const ConfigEntry* name_entry = nodes->items[index].FindEntry("name")) {
                location = MakeLocation(name_entry->value.mark, ChildPath(node_path, "name"));
            }
            auto [existing, inserted] = seen.emplace(node->name, location);
            if (!inserted) {
                Error error(ErrorCode::DUPLICATE_NAME,
                            ErrorSource::USER,
                            fmt::format("node name \"{}\" is used twice in pipeline \"{}\" (first at {})",
                                        node->name,
                                        pipeline.name,
                                        existing->second.ToString()));
                error.WithLocation(location);
                error.WithSuggestion("give every node of a pipeline its own name");
                reader_.AddError(error);
            }
        }
        pipeline.nodes.push_back(std::move(*node));
    }
    quality_.ResolveRelationships(pipeline);
    return pipeline;
}

void ProjectBuilder::CheckConnectionUses(const ProjectConfig& project) {
    std::vector<std::string> available;
    for (const auto& [name, connection] : project.connections) {
        available.push_back(name);
    }
    for (const auto& use : connection_uses_) {
        const ConnectionConfig* connection = project.TryGetConnection(use.name);
        if (connection == nullptr) {
            std::string message = fmt::format("unknown connection \"{}\" (used by {})", use.name, use.usage);
            std::string hint = DidYouMean(use.name, available);
            if (!hint.empty()) {
                message += ". " + hint;
            }
            Error error(ErrorCode::UNKNOWN_CONNECTION, ErrorSource::USER, message);
            error.WithLocation(use.location);
            error.WithSuggestion(available.empty() ? "define it under connections:"
                                                   : fmt::format("available connections: {}", Join(available, ", ")));
            reader_.AddError(error);
            continue;
        }
        if (use.usage == "system" &&
            (connection->type == ConnectionType::SQL_SERVER || connection->type_name == "azure_sql")) {
            reader_.AddError(ConfigError::InvalidValue(
                fmt::format("system.connection \"{}\" is a SQL Server connection; the system catalog must live on "
                            "storage (local, azure_blob, unity_catalog)",
                            use.name),
                use.location,
                "point system.connection at a storage connection and use system.sync_to to copy the catalog to SQL "
                "Server"));
            continue;
        }
        // The system catalog also lives in PostgreSQL (docs/state-backends.md).
        bool catalog_in_postgres = use.usage == "system" && connection->type == ConnectionType::POSTGRES;
        if (use.needs_built_type && connection->type != ConnectionType::LOCAL && !catalog_in_postgres) {
            Error error = ConfigError::NotSupportedYet(
                fmt::format("connection type: {}", connection->type_name),
                fmt::format("connection \"{}\" is used by {}; this build reads and writes local connections only",
                            use.name,
                            use.usage),
                use.location);
            error.WithSuggestion("copy the data to a local connection (type: local) for now");
            reader_.AddError(error);
        }
    }
}

} // namespace odibi::config
