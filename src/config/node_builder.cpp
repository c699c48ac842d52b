// NodeConfig validation: node keys, read, inputs, transform steps and write (§3.2-§3.5, §3.10).
#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "project_builder.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

const std::vector<std::string> NODE_KEYS = {
    "name",       "description", "explanation", "explanation_file", "runbook_url",  "enabled",     "tags",
    "depends_on", "columns",     "read",        "inputs",           "transform",    "transformer", "params",
    "write",      "streaming",   "pre_sql",     "post_sql",         "materialized", "cache",       "log_level",
    "on_error",   "validation",  "contracts",   "schema_policy",    "privacy",      "sensitive",   "recipe",
    "recipe_vars"};
const std::vector<RejectedKey> REJECTED_NODE_KEYS = {
    {"source", "use read: to read data (connection, format, path or table)"},
    {"sink", "use write: to write the node's output"},
    {"target", "use write: to write the node's output"},
    {"outputs", "use write: to write the node's output"},
    {"sql", "use transform: {steps: [\"SELECT ...\"]} for SQL steps, or read.query for a SQL source"}};
const std::vector<std::string> READ_KEYS = {"connection",
                                            "format",
                                            "table",
                                            "path",
                                            "query",
                                            "sql_file",
                                            "filter",
                                            "incremental",
                                            "time_travel",
                                            "streaming",
                                            "schema_ddl",
                                            "archive_options",
                                            "options"};
const std::vector<std::string> INCREMENTAL_KEYS = {
    "mode", "column", "key_column", "fallback_column", "lookback", "unit", "state_key", "watermark_lag", "date_format"};
const std::vector<std::string> WRITE_KEYS = {"connection",
                                             "format",
                                             "table",
                                             "path",
                                             "mode",
                                             "options",
                                             "partition_by",
                                             "zorder_by",
                                             "table_properties",
                                             "merge_schema",
                                             "overwrite_schema",
                                             "register_table",
                                             "first_run_query",
                                             "auto_optimize",
                                             "add_metadata",
                                             "skip_if_unchanged",
                                             "skip_hash_columns",
                                             "skip_hash_sort_columns",
                                             "streaming",
                                             "merge_keys",
                                             "merge_options",
                                             "overwrite_options"};
const std::vector<std::string> WRITE_MODES = {"overwrite", "append", "upsert", "append_once", "merge"};
const std::vector<std::string> STEP_KEYS = {"sql", "sql_file", "function", "operation", "params"};
const std::vector<std::string> STEP_KINDS = {"sql", "sql_file", "function", "operation"};
const std::vector<std::string> MATERIALIZATIONS = {"table", "view", "incremental"};
const std::vector<std::string> LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR"};
const std::vector<std::string> ERROR_STRATEGIES = {"fail_fast", "fail_later", "ignore"};
const std::vector<std::string> COLUMN_KEYS = {"description", "pii", "tags"};
const std::vector<std::string> SQL_FORMATS = {"sql", "sql_server", "azure_sql"};
// The transformer name of check nodes, typed by the config layer rather than a transformer.
const std::string CROSS_CHECK = "cross_check";

bool IsSqlFormat(const std::string& format) {
    return std::find(SQL_FORMATS.begin(), SQL_FORMATS.end(), format) != SQL_FORMATS.end();
}

bool IsEmptyCollection(const ConfigValue& value) {
    return (value.IsMap() && value.entries.empty()) || (value.IsSequence() && value.items.empty());
}

} // namespace

void ProjectBuilder::CheckFormat(MapReader& map, const std::string& format) {
    if (!IsFormatSupported(format)) {
        NotSupported(map.ValueLocation("format"),
                     fmt::format("format: {}", format),
                     "this build reads and writes csv, parquet and json");
    }
}

std::optional<std::string> ProjectBuilder::ResolveExistingFile(const ConfigValue& value,
                                                               const std::string& path,
                                                               const std::filesystem::path& base_directory,
                                                               std::string_view what) {
    auto text = reader_.String(value, path);
    if (!text) {
        return std::nullopt;
    }
    std::filesystem::path file(*text);
    if (!file.is_absolute()) {
        file = base_directory / file;
    }
    file = file.lexically_normal();
    std::error_code filesystem_error;
    if (!std::filesystem::is_regular_file(file, filesystem_error)) {
        Error error(ErrorCode::CONFIG_FILE_NOT_FOUND,
                    ErrorSource::USER,
                    fmt::format("{} \"{}\" not found (looked for {})", what, *text, file.string()));
        error.WithLocation(MakeLocation(value.mark, path));
        error.WithSuggestion(fmt::format(
            "{} paths are relative to the YAML file that defines the node ({})", what, base_directory.string()));
        reader_.AddError(error);
        return std::nullopt;
    }
    return file.string();
}

std::optional<NodeConfig>
ProjectBuilder::BuildNode(const ConfigValue& value, const std::string& path, const std::string& pipeline) {
    if (!reader_.ExpectMap(value, path, "a node mapping (name, read, transform, write, ...)")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "NodeConfig", NODE_KEYS, Strictness::STRICT, REJECTED_NODE_KEYS);
    NodeConfig node;
    node.config_path = path;
    if (value.mark.file) {
        node.source_file = value.mark.file->absolute_path;
    }
    std::filesystem::path source_directory =
        node.source_file.empty() ? config_directory_ : std::filesystem::path(node.source_file).parent_path();

    if (auto name = map.RequiredString("name", "NodeConfig")) {
        node.name = *name;
        if (!IsValidName(*name)) {
            Error error(ErrorCode::INVALID_NAME,
                        ErrorSource::USER,
                        fmt::format("node name \"{}\" is not valid: node names are table names and use letters, "
                                    "digits and underscores, not starting with a digit",
                                    *name));
            error.WithLocation(map.ValueLocation("name"));
            error.WithSuggestion(fmt::format("use name: {}", SanitizeName(*name)));
            reader_.AddError(error);
        }
    }
    node.description = map.String("description").value_or("");
    node.runbook_url = map.String("runbook_url").value_or("");
    if (map.Has("explanation") && map.Has("explanation_file")) {
        reader_.AddError(ConfigError::Conflict("explanation",
                                               "explanation_file",
                                               map.KeyLocation("explanation_file"),
                                               "keep either the inline explanation or the explanation_file"));
    } else if (const ConfigValue* file = map.Get("explanation_file")) {
        if (auto resolved =
                ResolveExistingFile(*file, map.PathOf("explanation_file"), source_directory, "explanation_file")) {
            std::ifstream stream(*resolved, std::ios::binary);
            std::stringstream buffer;
            buffer << stream.rdbuf();
            node.explanation = buffer.str();
            node.explanation_file = *resolved;
        }
    } else {
        node.explanation = map.String("explanation").value_or("");
    }
    node.enabled = map.Bool("enabled").value_or(true);
    node.tags = map.StringList("tags").value_or(std::vector<std::string>{});
    node.depends_on = map.StringList("depends_on").value_or(std::vector<std::string>{});
    if (const ConfigValue* columns = map.Get("columns")) {
        std::string columns_path = map.PathOf("columns");
        if (reader_.ExpectMap(*columns, columns_path, "a mapping of column name to {description, pii, tags}")) {
            for (const auto& entry : columns->entries) {
                std::string column_path = ChildPath(columns_path, entry.key);
                if (entry.value.IsNull()) {
                    continue;
                }
                if (reader_.ExpectMap(entry.value, column_path, "a mapping (description, pii, tags)")) {
                    reader_.CheckKeys(entry.value, column_path, "ColumnMetadata", COLUMN_KEYS, Strictness::LAX);
                }
            }
            node.columns = ToJson(*columns);
        }
    }

    if (const ConfigValue* read = map.Get("read")) {
        node.read = BuildRead(*read, map.PathOf("read"), source_directory, "read");
    }
    if (const ConfigValue* inputs = map.Get("inputs")) {
        BuildInputs(*inputs, map.PathOf("inputs"), source_directory, pipeline, node);
        if (map.Has("read")) {
            reader_.AddError(ConfigError::Conflict("read",
                                                   "inputs",
                                                   map.KeyLocation("inputs"),
                                                   "use read: for one source or inputs: for several, not both"));
        }
    }
    if (const ConfigValue* transform = map.Get("transform")) {
        BuildTransform(*transform, map.PathOf("transform"), source_directory, node);
    }
    node.transformer = map.String("transformer");
    if (auto params = map.Mapping("params")) {
        node.params = *params;
    }
    if (node.transformer && node.params.empty()) {
        reader_.AddError(
            ConfigError::Missing(fmt::format("transformer \"{}\" needs params", *node.transformer),
                                 map.Has("params") ? map.KeyLocation("params") : map.KeyLocation("transformer"),
                                 fmt::format("add params: {{...}} with the parameters of \"{}\" (patterns such as "
                                             "date_dimension need them too)",
                                             *node.transformer)));
    }
    if (const ConfigValue* write = map.Get("write")) {
        node.write = BuildWrite(*write, map.PathOf("write"));
    }
    node.streaming = map.Bool("streaming").value_or(false);
    if (node.streaming) {
        NotSupported(map.KeyLocation("streaming"), "streaming: true", "streaming runs on Spark only");
    }
    node.pre_sql = map.StringList("pre_sql").value_or(std::vector<std::string>{});
    node.post_sql = map.StringList("post_sql").value_or(std::vector<std::string>{});
    if ((node.materialized = map.Choice("materialized", MATERIALIZATIONS))) {
        NotSupported(map.KeyLocation("materialized"),
                     fmt::format("materialized: {}", *node.materialized),
                     "materialisation as a view or incremental table is not built yet");
    }
    node.cache = map.Bool("cache").value_or(false);
    if (const ConfigValue* level = map.Get("log_level")) {
        node.log_level = reader_.ChoiceIgnoringCase(*level, map.PathOf("log_level"), LOG_LEVELS);
    }
    if (auto strategy = map.Choice("on_error", ERROR_STRATEGIES)) {
        node.on_error = TryParseErrorStrategy(*strategy).value_or(ErrorStrategy::FAIL_LATER);
    }
    if (const ConfigValue* validation = map.Get("validation")) {
        node.validation_source = ToJson(*validation);
        node.validation = quality_.BuildValidation(*validation, map.PathOf("validation"));
    }
    if (const ConfigValue* contracts = map.Get("contracts")) {
        node.contracts_source = ToJson(*contracts);
        node.contracts = quality_.BuildContracts(*contracts, map.PathOf("contracts"));
    }
    for (auto& use : quality_.TakeConnectionUses()) {
        connection_uses_.push_back({std::move(use.name), std::move(use.location), "validation.quarantine", true});
    }
    if (node.transformer && *node.transformer == CROSS_CHECK) {
        BuildCrossCheckNode(map, node);
    }
    if (const ConfigValue* privacy = map.Get("privacy")) {
        node.privacy = ToJson(*privacy);
        NotSupported(map.KeyLocation("privacy"), "privacy", "PII anonymisation is not built yet");
    }
    if (const ConfigValue* policy = map.Get("schema_policy")) {
        node.schema_policy = ToJson(*policy);
        NotSupported(map.KeyLocation("schema_policy"), "schema_policy", "schema evolution policies are not built yet");
    }
    if (const ConfigValue* sensitive = map.Get("sensitive")) {
        if (sensitive->IsSequence()) {
            if (auto columns = reader_.StringList(*sensitive, map.PathOf("sensitive"))) {
                node.sensitive = Json(*columns);
            }
        } else if (auto flag = reader_.Bool(*sensitive, map.PathOf("sensitive"))) {
            node.sensitive = *flag;
        }
    } else {
        node.sensitive = false;
    }
    if (!map.Has("read") && !map.Has("inputs") && !map.Has("transform") && !map.Has("write") &&
        !map.Has("transformer")) {
        reader_.AddError(
            ConfigError::Missing(fmt::format("node \"{}\" has nothing to do", node.name),
                                 map.Location(),
                                 "give the node at least one of read, inputs, transform, transformer or write"));
    }
    return node;
}

void ProjectBuilder::BuildCrossCheckNode(MapReader& map, NodeConfig& node) {
    node.cross_check = quality_.BuildCrossCheck(map.Get("params"), map.PathOf("params"), node.name);
    // A check node reads the outputs of the nodes it names and writes nothing.
    for (const char* key : {"read", "inputs", "transform", "write"}) {
        if (map.Has(key)) {
            reader_.AddError(
                ConfigError::Conflict(fmt::format("transformer: {}", CROSS_CHECK),
                                      key,
                                      map.KeyLocation(key),
                                      fmt::format("remove {}: from the check node; a cross_check reads the nodes named "
                                                  "in params.inputs and writes nothing",
                                                  key)));
        }
    }
    for (const auto& input : node.cross_check->inputs) {
        if (std::find(node.depends_on.begin(), node.depends_on.end(), input) == node.depends_on.end()) {
            node.depends_on.push_back(input);
        }
    }
}

std::optional<ReadConfig> ProjectBuilder::BuildRead(const ConfigValue& value,
                                                    const std::string& path,
                                                    const std::filesystem::path& source_directory,
                                                    const std::string& usage) {
    if (!reader_.ExpectMap(value, path, "a mapping (connection, format, path or table, ...)")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "ReadConfig", READ_KEYS, Strictness::STRICT);
    ReadConfig read;
    read.config_path = path;
    if (auto format = map.RequiredString("format", "ReadConfig")) {
        if (auto chosen = reader_.Choice(*map.Get("format"), map.PathOf("format"), FormatNames())) {
            read.format = *chosen;
            CheckFormat(map, read.format);
        }
    }
    read.connection = map.String("connection");
    if (read.connection) {
        connection_uses_.push_back({*read.connection, map.ValueLocation("connection"), usage, true});
    } else if (read.format != "simulation" && !read.format.empty()) {
        reader_.AddError(ConfigError::MissingKey("ReadConfig", "connection", map.Location()));
    }
    read.table = map.String("table");
    read.path = map.String("path");
    if (read.table && read.path) {
        reader_.AddError(
            ConfigError::Conflict("table", "path", map.KeyLocation("path"), "read either a table or a path"));
    }
    read.query = map.String("query");
    if (const ConfigValue* sql_file = map.Get("sql_file")) {
        if (read.query) {
            reader_.AddError(ConfigError::Conflict(
                "query", "sql_file", map.KeyLocation("sql_file"), "keep either the inline query or the sql_file"));
        }
        read.sql_file = ResolveExistingFile(*sql_file, map.PathOf("sql_file"), source_directory, "sql_file");
    }
    read.filter = map.String("filter");
    if (auto options = map.Mapping("options")) {
        read.options = *options;
    }
    if (auto archive = map.Mapping("archive_options")) {
        for (const auto& [key, option] : archive->items()) {
            read.options[key] = option;
        }
    }
    // query / filter may also be written under options (Odibi moves them there); one place each.
    for (const char* key : {"query", "filter"}) {
        std::optional<std::string>& field = std::string(key) == "query" ? read.query : read.filter;
        if (!read.options.contains(key)) {
            continue;
        }
        const Json& option = read.options[key];
        std::string text = option.is_string() ? option.get<std::string>() : option.dump();
        if (field && *field != text) {
            reader_.AddError(
                ConfigError::Conflict(key,
                                      fmt::format("options.{}", key),
                                      map.KeyLocation(key),
                                      fmt::format("write the {} once, either as {}: or under options:", key, key)));
        }
        field = text;
        read.options.erase(key);
    }
    bool simulation = read.format == "simulation";
    if (!read.format.empty() && !simulation && !read.table && !read.path && !read.query && !map.Has("sql_file")) {
        reader_.AddError(ConfigError::Missing("ReadConfig needs one of table, path, query or sql_file",
                                              map.Location(),
                                              "add path: <file> (files) or table: <name> (tables)"));
    } else if (IsSqlFormat(read.format) && !read.table && !read.query && !map.Has("sql_file")) {
        reader_.AddError(ConfigError::Missing(fmt::format("format: {} needs table, query or sql_file", read.format),
                                              map.Location(),
                                              "add table: <schema.table> or query: SELECT ..."));
    }
    if (read.query && !read.format.empty() && !IsSqlFormat(read.format)) {
        NotSupported(map.KeyLocation(map.Has("query") ? "query" : "options"),
                     fmt::format("read.query on format: {}", read.format),
                     "a query over a file source (pandas df.query) is not built; use filter: (a SQL WHERE clause) or a "
                     "transform step");
    }
    if (const ConfigValue* incremental = map.Get("incremental")) {
        if (usage != "read") {
            NotSupported(map.KeyLocation("incremental"),
                         "incremental under inputs:",
                         "incremental loading applies to a node's read: block; move the source to read:");
        } else {
            read.incremental = BuildIncremental(*incremental, map.PathOf("incremental"));
        }
    }
    if (const ConfigValue* travel = map.Get("time_travel")) {
        read.time_travel = BuildTimeTravel(*travel, map.PathOf("time_travel"));
        if (!read.time_travel.is_null() && !read.format.empty() && ToLower(read.format) != "delta") {
            reader_.AddError(ConfigError::InvalidValue(
                fmt::format("read.time_travel reads an older version of a Delta table; format {} has no versions",
                            read.format),
                map.KeyLocation("time_travel"),
                "remove time_travel, or read a table with format: delta"));
        }
    }
    read.streaming = map.Bool("streaming").value_or(false);
    if (read.streaming) {
        NotSupported(map.KeyLocation("streaming"), "read.streaming: true", "streaming reads run on Spark only");
    }
    if (const ConfigValue* ddl = map.Get("schema_ddl")) {
        read.extra["schema_ddl"] = ToJson(*ddl);
        NotSupported(
            map.KeyLocation("schema_ddl"), "read.schema_ddl", "Spark DDL schemas for streaming reads are not built");
    }
    return read;
}

Json ProjectBuilder::BuildTimeTravel(const ConfigValue& value, const std::string& path) {
    if (!reader_.ExpectMap(value, path, "a mapping with as_of_version: <int> or as_of_timestamp: <text>")) {
        return nullptr;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "TimeTravelConfig", {"as_of_version", "as_of_timestamp"}, Strictness::STRICT);
    Json travel = Json::object();
    auto version = map.Integer("as_of_version");
    auto timestamp = map.String("as_of_timestamp");
    if (version && timestamp) {
        reader_.AddError(ConfigError::Conflict("as_of_version",
                                               "as_of_timestamp",
                                               map.KeyLocation("as_of_timestamp"),
                                               "name a version or a time, not both"));
    } else if (!version && !timestamp) {
        reader_.AddError(ConfigError::Missing("read.time_travel needs as_of_version or as_of_timestamp",
                                              map.Location(),
                                              "add as_of_version: 3 or as_of_timestamp: \"2024-01-31 00:00:00\""));
    }
    if (version && *version < 0) {
        reader_.AddError(ConfigError::InvalidValue(fmt::format("as_of_version must be 0 or more, found {}", *version),
                                                   map.KeyLocation("as_of_version"),
                                                   "Delta versions count from 0"));
    }
    if (version) {
        travel["as_of_version"] = *version;
    }
    if (timestamp) {
        travel["as_of_timestamp"] = *timestamp;
    }
    return travel;
}

std::optional<IncrementalConfig> ProjectBuilder::BuildIncremental(const ConfigValue& value, const std::string& path) {
    if (!reader_.ExpectMap(value, path, "a mapping (mode, column, lookback, unit, state_key, ...)")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "IncrementalConfig", INCREMENTAL_KEYS, Strictness::STRICT);
    IncrementalConfig incremental;
    incremental.config_path = path;
    if (auto mode = map.Choice("mode", IncrementalModeNames())) {
        incremental.mode = TryParseIncrementalMode(*mode).value_or(IncrementalMode::ROLLING_WINDOW);
    }
    auto column = map.String("column");
    auto key_column = map.String("key_column");
    if (column && key_column && *column != *key_column) {
        reader_.AddError(ConfigError::Conflict("column",
                                               "key_column",
                                               map.KeyLocation("key_column"),
                                               "key_column is another name for column: write the column once"));
    }
    if (!column && !key_column) {
        reader_.AddError(
            ConfigError::Missing("read.incremental needs column: the column that tells new rows from old ones",
                                 map.Location(),
                                 "add column: <timestamp or id column> under incremental:"));
    }
    incremental.column = column.value_or(key_column.value_or(""));
    incremental.fallback_column = map.String("fallback_column");
    bool stateful = incremental.mode == IncrementalMode::STATEFUL;
    if (auto lookback = map.Integer("lookback", 1)) {
        incremental.lookback = *lookback;
    }
    if (auto unit = map.Choice("unit", LookbackUnitNames())) {
        incremental.unit = TryParseLookbackUnit(*unit).value_or(LookbackUnit::DAY);
    }
    incremental.state_key = map.String("state_key");
    if (incremental.state_key && Trim(*incremental.state_key).empty()) {
        Error error(ErrorCode::INVALID_VALUE, ErrorSource::USER, "incremental.state_key is empty");
        error.WithLocation(map.ValueLocation("state_key"));
        error.WithSuggestion("remove state_key to use \"<node>_hwm\", or give it a name");
        reader_.AddError(error);
    }
    if ((incremental.watermark_lag = map.String("watermark_lag"))) {
        if (auto seconds = TryParseWatermarkLag(*incremental.watermark_lag)) {
            incremental.watermark_lag_seconds = *seconds;
        } else {
            Error error(ErrorCode::INVALID_VALUE,
                        ErrorSource::USER,
                        fmt::format("watermark_lag \"{}\" is not a duration", *incremental.watermark_lag));
            error.WithLocation(map.ValueLocation("watermark_lag"));
            error.WithSuggestion("write a whole number and a unit: s, m, h, d or w (e.g. watermark_lag: 2h)");
            reader_.AddError(error);
        }
    }
    if (auto format = map.Choice("date_format", DateFormatNames())) {
        incremental.date_format = TryParseDateFormat(*format);
    }
    // Keys of the other mode are accepted (Odibi ignores them) but said to do nothing.
    auto ignored = [&](const char* key, const char* fix) {
        Error warning(
            ErrorCode::SETTING_IGNORED,
            ErrorSource::USER,
            fmt::format("incremental.{} has no effect in mode {}", key, IncrementalModeName(incremental.mode)));
        warning.WithLocation(map.KeyLocation(key));
        warning.WithSuggestion(fix);
        reader_.AddWarning(warning);
    };
    for (const char* key : {"lookback", "unit"}) {
        if (stateful && map.Has(key)) {
            ignored(key, "remove it, or use mode: rolling_window to read a time window");
        }
    }
    for (const char* key : {"state_key", "watermark_lag"}) {
        if (!stateful && map.Has(key)) {
            ignored(key, "remove it, or use mode: stateful to keep a high-water mark");
        }
    }
    return incremental;
}

std::optional<WriteConfig> ProjectBuilder::BuildWrite(const ConfigValue& value, const std::string& path) {
    if (!reader_.ExpectMap(value, path, "a mapping (connection, format, path or table, mode, ...)")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "WriteConfig", WRITE_KEYS, Strictness::STRICT);
    WriteConfig write;
    write.config_path = path;
    if (auto connection = map.RequiredString("connection", "WriteConfig")) {
        write.connection = *connection;
        connection_uses_.push_back({*connection, map.ValueLocation("connection"), "write", true});
    }
    if (map.RequiredString("format", "WriteConfig")) {
        if (auto chosen = reader_.Choice(*map.Get("format"), map.PathOf("format"), FormatNames())) {
            write.format = *chosen;
            CheckFormat(map, write.format);
        }
    }
    write.table = map.String("table");
    write.path = map.String("path");
    if (write.table && write.path) {
        reader_.AddError(
            ConfigError::Conflict("table", "path", map.KeyLocation("path"), "write either a table or a path"));
    } else if (!write.table && !write.path) {
        reader_.AddError(ConfigError::Missing("WriteConfig needs exactly one of table or path",
                                              map.Location(),
                                              "add path: <file or folder> (files) or table: <name> (tables)"));
    }
    if (auto mode = map.Choice("mode", WRITE_MODES)) {
        write.mode = TryParseWriteMode(*mode).value_or(WriteMode::OVERWRITE);
    }
    write.merge_keys = map.StringList("merge_keys").value_or(std::vector<std::string>{});
    if (write.mode == WriteMode::MERGE && write.merge_keys.empty()) {
        SourceLocation location = map.Has("merge_keys") ? map.ValueLocation("merge_keys") : map.ValueLocation("mode");
        location.path = map.PathOf("merge_keys");
        Error error(
            ErrorCode::MISSING_WRITE_KEYS, ErrorSource::USER, "write.mode merge needs merge_keys (the key columns)");
        error.WithLocation(std::move(location));
        error.WithSuggestion("add merge_keys: [id] under write:");
        reader_.AddError(error);
    } else if (write.mode != WriteMode::MERGE && !write.merge_keys.empty()) {
        reader_.AddError(ConfigError::InvalidValue(
            fmt::format("write.merge_keys belongs to mode: merge, but the mode is {}", WriteModeName(write.mode)),
            map.KeyLocation("merge_keys"),
            "set mode: merge, or name the keys of upsert/append_once in options: {keys: [...]}"));
    }
    if (auto options = map.Mapping("options")) {
        write.options = *options;
    }
    if (write.mode == WriteMode::UPSERT || write.mode == WriteMode::APPEND_ONCE) {
        const Json* keys = write.options.contains("keys") ? &write.options["keys"] : nullptr;
        bool has_keys = keys != nullptr && ((keys->is_array() && !keys->empty()) ||
                                            (keys->is_string() && !keys->get<std::string>().empty()));
        if (!has_keys) {
            std::string mode = WriteModeName(write.mode);
            SourceLocation location = map.Has("options") ? map.KeyLocation("options") : map.ValueLocation("mode");
            location.path = map.PathOf("options");
            Error error(ErrorCode::MISSING_WRITE_KEYS,
                        ErrorSource::USER,
                        fmt::format("write.mode {} needs options.keys (the key columns)", mode));
            error.WithLocation(std::move(location));
            error.WithSuggestion("add options: {keys: [id]} under write: (keys go under options, not write.keys)");
            reader_.AddError(error);
        }
    }
    write.partition_by = map.StringList("partition_by").value_or(std::vector<std::string>{});
    write.merge_schema = map.Bool("merge_schema").value_or(false);
    write.overwrite_schema = map.Bool("overwrite_schema").value_or(false);
    if (auto properties = map.Mapping("table_properties")) {
        for (const auto& [key, value] : properties->items()) {
            write.table_properties[key] = value.is_string() ? value.get<std::string>() : value.dump();
        }
    }
    write.zorder_by = map.StringList("zorder_by").value_or(std::vector<std::string>{});
    if (const ConfigValue* optimize = map.Get("auto_optimize")) {
        write.extra["auto_optimize"] = ToJson(*optimize);
        std::string path = map.PathOf("auto_optimize");
        if (optimize->IsMap()) {
            MapReader settings(reader_, *optimize, path);
            reader_.CheckKeys(
                *optimize, path, "AutoOptimizeConfig", {"enabled", "vacuum_retention_hours"}, Strictness::STRICT);
            if (settings.Bool("enabled").value_or(true)) {
                write.auto_optimize_vacuum_hours = settings.Number("vacuum_retention_hours", 0.0).value_or(168.0);
            }
        } else if (reader_.Bool(*optimize, path).value_or(false)) {
            write.auto_optimize_vacuum_hours = 168.0;
        }
    }
    write.skip_if_unchanged = map.Bool("skip_if_unchanged").value_or(false);
    write.skip_hash_columns = map.StringList("skip_hash_columns").value_or(std::vector<std::string>{});
    write.skip_hash_sort_columns = map.StringList("skip_hash_sort_columns").value_or(std::vector<std::string>{});
    bool delta = ToLower(write.format) == "delta";
    bool asks_delta[] = {write.merge_schema,
                         write.overwrite_schema,
                         !write.table_properties.empty(),
                         !write.zorder_by.empty(),
                         write.auto_optimize_vacuum_hours.has_value(),
                         write.skip_if_unchanged};
    const char* delta_keys[] = {
        "merge_schema", "overwrite_schema", "table_properties", "zorder_by", "auto_optimize", "skip_if_unchanged"};
    for (size_t i = 0; i < std::size(delta_keys); ++i) {
        const char* key = delta_keys[i];
        if (asks_delta[i] && !delta && !write.format.empty()) {
            reader_.AddError(ConfigError::InvalidValue(
                fmt::format("write.{} is a Delta table setting; format {} has no table schema or properties",
                            key,
                            write.format),
                map.KeyLocation(key),
                fmt::format("remove {}, or write with format: delta", key)));
        }
    }
    if (const ConfigValue* query = map.Get("first_run_query")) {
        write.first_run_query = reader_.String(*query, map.PathOf("first_run_query"));
        NotSupported(map.KeyLocation("first_run_query"),
                     "write.first_run_query",
                     "first-run queries belong to SQL sources, which are not built yet");
    }
    // Keys of later features: kept whole in `extra`, rejected when they ask for the feature.
    struct LaterKey {
        const char* key;
        const char* why;
    };
    static const std::vector<LaterKey> LATER_KEYS = {
        {"register_table", "registering outputs as tables is not built yet"},
        {"add_metadata", "metadata columns (_extracted_at, _source_file, ...) are not built yet"},
        {"streaming", "streaming writes run on Spark only"},
        {"merge_options", "SQL Server MERGE options are not built yet"},
        {"overwrite_options", "SQL Server overwrite options are not built yet"}};
    for (const auto& later : LATER_KEYS) {
        const ConfigValue* option = map.Get(later.key);
        if (option == nullptr) {
            continue;
        }
        write.extra[later.key] = ToJson(*option);
        std::string key = later.key;
        bool asks = false;
        if (key == "add_metadata") {
            if (option->IsMap()) {
                const ConfigValue* enabled = option->Find("enabled");
                asks = enabled == nullptr || enabled->IsNull() ||
                       reader_.Bool(*enabled, ChildPath(map.PathOf(key), "enabled")).value_or(false);
            } else {
                asks = reader_.Bool(*option, map.PathOf(key)).value_or(false);
            }
        } else {
            asks = !IsEmptyCollection(*option);
        }
        if (asks) {
            std::string shown = option->IsScalar() ? fmt::format("write.{}: {}", key, option->text) : "write." + key;
            NotSupported(map.KeyLocation(key), shown, later.why);
        }
    }
    return write;
}

void ProjectBuilder::BuildTransform(const ConfigValue& value,
                                    const std::string& path,
                                    const std::filesystem::path& source_directory,
                                    NodeConfig& node) {
    if (!reader_.ExpectMap(value, path, "a mapping with steps: [...]")) {
        return;
    }
    MapReader map(reader_, value, path);
    reader_.CheckKeys(value, path, "TransformConfig", {"steps"}, Strictness::STRICT);
    const ConfigValue* steps = map.Get("steps");
    if (steps == nullptr) {
        reader_.AddError(ConfigError::MissingKey("TransformConfig", "steps", map.Location()));
        return;
    }
    std::string steps_path = map.PathOf("steps");
    if (!steps->IsSequence()) {
        reader_.AddError(ConfigError::InvalidType(
            "steps", "a list of steps", steps->Describe(), MakeLocation(steps->mark, steps_path)));
        return;
    }
    for (size_t index = 0; index < steps->items.size(); ++index) {
        const ConfigValue& item = steps->items[index];
        std::string step_path = ItemPath(steps_path, index);
        TransformStep step;
        step.config_path = step_path;
        if (item.IsScalar()) {
            step.kind = StepKind::SQL;
            step.text = item.text;
            node.transform_steps.push_back(std::move(step));
            continue;
        }
        if (!item.IsMap()) {
            reader_.AddError(
                ConfigError::InvalidType("step",
                                         "a SQL string or a mapping with sql, sql_file, function or operation",
                                         item.Describe(),
                                         MakeLocation(item.mark, step_path)));
            continue;
        }
        MapReader step_map(reader_, item, step_path);
        reader_.CheckKeys(item, step_path, "TransformStep", STEP_KEYS, Strictness::STRICT);
        std::vector<std::string> kinds;
        for (const auto& kind : STEP_KINDS) {
            if (step_map.Has(kind)) {
                kinds.push_back(kind);
            }
        }
        if (kinds.empty()) {
            reader_.AddError(
                ConfigError::Missing("a transform step needs exactly one of sql, sql_file, function or operation",
                                     step_map.Location(),
                                     "add sql: SELECT ... FROM df, or function: <name> with params:"));
            continue;
        }
        if (kinds.size() > 1) {
            reader_.AddError(
                ConfigError::Conflict(kinds[0],
                                      kinds[1],
                                      step_map.KeyLocation(kinds[1]),
                                      "split this into one step per sql, sql_file, function or operation"));
            continue;
        }
        const std::string& kind = kinds.front();
        if (kind == "sql") {
            step.kind = StepKind::SQL;
            step.text = step_map.String("sql").value_or("");
        } else if (kind == "sql_file") {
            step.kind = StepKind::SQL_FILE;
            auto resolved = ResolveExistingFile(
                *step_map.Get("sql_file"), step_map.PathOf("sql_file"), source_directory, "sql_file");
            if (!resolved) {
                continue;
            }
            step.text = *resolved;
        } else {
            step.kind = kind == "function" ? StepKind::FUNCTION : StepKind::OPERATION;
            step.text = step_map.String(kind).value_or("");
        }
        if (auto params = step_map.Mapping("params")) {
            step.params = *params;
        }
        node.transform_steps.push_back(std::move(step));
    }
}

void ProjectBuilder::BuildInputs(const ConfigValue& value,
                                 const std::string& path,
                                 const std::filesystem::path& source_directory,
                                 const std::string& pipeline,
                                 NodeConfig& node) {
    if (!reader_.ExpectMap(value, path, "a mapping of alias to \"$pipeline.node\" or a read mapping")) {
        return;
    }
    static const std::regex REFERENCE(R"(^\$([^.\s]+)\.([^.\s]+)$)");
    for (const auto& entry : value.entries) {
        std::string input_path = ChildPath(path, entry.key);
        InputConfig input;
        input.alias = entry.key;
        input.config_path = input_path;
        if (entry.value.IsMap()) {
            input.read = BuildRead(entry.value, input_path, source_directory, fmt::format("input \"{}\"", entry.key));
            if (!input.read) {
                continue;
            }
        } else if (entry.value.IsScalar()) {
            std::smatch match;
            if (!std::regex_match(entry.value.text, match, REFERENCE)) {
                Error error(ErrorCode::INVALID_VALUE,
                            ErrorSource::USER,
                            fmt::format("input \"{}\" is \"{}\"; a reference looks like \"$pipeline.node\"",
                                        entry.key,
                                        entry.value.text));
                error.WithLocation(MakeLocation(entry.value.mark, input_path));
                error.WithSuggestion(fmt::format("write {}: $<pipeline>.<node>, or a read mapping", entry.key));
                reader_.AddError(error);
                continue;
            }
            input.reference_pipeline = match[1].str();
            input.reference_node = match[2].str();
            if (*input.reference_pipeline == pipeline &&
                std::find(node.depends_on.begin(), node.depends_on.end(), *input.reference_node) ==
                    node.depends_on.end()) {
                node.depends_on.push_back(*input.reference_node);
            }
        } else {
            reader_.AddError(ConfigError::InvalidType(entry.key,
                                                      "\"$pipeline.node\" or a read mapping",
                                                      entry.value.Describe(),
                                                      MakeLocation(entry.value.mark, input_path)));
            continue;
        }
        node.inputs.push_back(std::move(input));
    }
}

} // namespace odibi::config
