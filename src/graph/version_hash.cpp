// Node version hashes: canonical JSON of a node's functional config, SQL file contents and upstream hashes.
#include "version_hash.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "odibi/common/identity.hpp"
#include "odibi/common/log.hpp"

namespace odibi::graph {
namespace {

using CanonicalJson = nlohmann::json; // keys sorted: the dump of equal configs is byte-for-byte equal

// Free-form YAML values keep their declaration order in config::Json; the hash must not.
CanonicalJson Canonical(const config::Json& value) {
    return CanonicalJson::parse(value.dump());
}

CanonicalJson OptionalText(const std::optional<std::string>& value) {
    return value ? CanonicalJson(*value) : CanonicalJson(nullptr);
}

// The file's text stands in for its path; an unreadable file hashes as such and fails at run time.
CanonicalJson
SqlFileJson(const std::string& path, const config::NodeConfig& node, const config::ProjectConfig& project) {
    auto content = TryReadTextFile(ResolveSqlFilePath(path, node, project));
    CanonicalJson result = CanonicalJson::object();
    if (content) {
        result["content"] = *content;
    } else {
        result["unreadable"] = std::filesystem::path(path).filename().string();
    }
    return result;
}

// Every field decides which rows are read; the lag is hashed as seconds so "60m" and "1h" agree.
CanonicalJson IncrementalJson(const std::optional<config::IncrementalConfig>& incremental) {
    if (!incremental) {
        return nullptr;
    }
    CanonicalJson result = CanonicalJson::object();
    result["mode"] = config::IncrementalModeName(incremental->mode);
    result["column"] = incremental->column;
    result["fallback_column"] = OptionalText(incremental->fallback_column);
    result["lookback"] = incremental->lookback;
    result["unit"] = config::LookbackUnitName(incremental->unit);
    result["state_key"] = OptionalText(incremental->state_key);
    result["watermark_lag_seconds"] = incremental->watermark_lag_seconds;
    result["date_format"] = incremental->date_format ? CanonicalJson(config::DateFormatName(*incremental->date_format))
                                                     : CanonicalJson(nullptr);
    return result;
}

CanonicalJson
ReadJson(const config::ReadConfig& read, const config::NodeConfig& node, const config::ProjectConfig& project) {
    CanonicalJson result = CanonicalJson::object();
    result["connection"] = OptionalText(read.connection);
    result["format"] = read.format;
    result["table"] = OptionalText(read.table);
    result["path"] = OptionalText(read.path);
    result["query"] = OptionalText(read.query);
    result["sql_file"] = read.sql_file ? SqlFileJson(*read.sql_file, node, project) : CanonicalJson(nullptr);
    result["filter"] = OptionalText(read.filter);
    result["options"] = Canonical(read.options);
    result["incremental"] = IncrementalJson(read.incremental);
    result["time_travel"] = Canonical(read.time_travel);
    result["streaming"] = read.streaming;
    result["extra"] = Canonical(read.extra);
    return result;
}

CanonicalJson WriteJson(const config::WriteConfig& write) {
    CanonicalJson result = CanonicalJson::object();
    result["connection"] = write.connection;
    result["format"] = write.format;
    result["table"] = OptionalText(write.table);
    result["path"] = OptionalText(write.path);
    result["mode"] = config::WriteModeName(write.mode);
    result["options"] = Canonical(write.options);
    result["partition_by"] = write.partition_by;
    if (write.merge_schema || write.overwrite_schema || !write.table_properties.empty()) {
        // Only when set, so that the hashes of writes without Delta settings stay as they were.
        result["merge_schema"] = write.merge_schema;
        result["overwrite_schema"] = write.overwrite_schema;
        result["table_properties"] = write.table_properties;
    }
    if (!write.zorder_by.empty()) {
        result["zorder_by"] = write.zorder_by;
    }
    result["first_run_query"] = OptionalText(write.first_run_query);
    result["extra"] = Canonical(write.extra);
    return result;
}

CanonicalJson
StepJson(const config::TransformStep& step, const config::NodeConfig& node, const config::ProjectConfig& project) {
    CanonicalJson result = CanonicalJson::object();
    result["kind"] = config::StepKindName(step.kind);
    if (step.kind == config::StepKind::SQL_FILE) {
        result["sql_file"] = SqlFileJson(step.text, node, project);
    } else {
        result["text"] = step.text;
    }
    result["params"] = Canonical(step.params);
    return result;
}

CanonicalJson
InputJson(const config::InputConfig& input, const config::NodeConfig& node, const config::ProjectConfig& project) {
    CanonicalJson result = CanonicalJson::object();
    result["alias"] = input.alias;
    if (input.reference_pipeline) {
        result["reference"] = "$" + *input.reference_pipeline + "." + input.reference_node.value_or("");
    }
    result["read"] = input.read ? ReadJson(*input.read, node, project) : CanonicalJson(nullptr);
    return result;
}

CanonicalJson Redacted(CanonicalJson value) {
    if (value.is_string()) {
        return SecretRegistry::Redact(value.get<std::string>());
    }
    if (!value.is_structured()) {
        return value;
    }
    for (auto& item : value) {
        item = Redacted(item);
    }
    return value;
}

// The connections the node reads and writes through, as written (base_path, container, ...): a
// moved base_path reads or writes other data. Secret values are redacted, so that the snapshot
// shown in the story holds none and a rotated password does not make every node "changed".
CanonicalJson ConnectionsJson(const config::NodeConfig& node, const config::ProjectConfig& project) {
    std::vector<std::string> names;
    if (node.read && node.read->connection) {
        names.push_back(*node.read->connection);
    }
    for (const auto& input : node.inputs) {
        if (input.read && input.read->connection) {
            names.push_back(*input.read->connection);
        }
    }
    if (node.write) {
        names.push_back(node.write->connection);
    }
    CanonicalJson result = CanonicalJson::object();
    for (const auto& name : names) {
        const config::ConnectionConfig* connection = project.TryGetConnection(name);
        if (connection == nullptr || result.contains(name)) {
            continue;
        }
        result[name] = Redacted(Canonical(connection->fields));
    }
    return result;
}

} // namespace

std::string
ResolveSqlFilePath(const std::string& path, const config::NodeConfig& node, const config::ProjectConfig& project) {
    std::filesystem::path file(path);
    if (file.is_absolute()) {
        return file.lexically_normal().string();
    }
    std::filesystem::path base;
    if (!node.source_file.empty()) {
        base = std::filesystem::path(node.source_file).parent_path();
    } else if (!project.config_dir.empty()) {
        base = project.config_dir;
    }
    return (base / file).lexically_normal().string();
}

std::optional<std::string> TryReadTextFile(const std::string& path) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        return std::nullopt;
    }
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        return std::nullopt;
    }
    std::ostringstream content;
    content << stream.rdbuf();
    if (stream.bad()) {
        return std::nullopt;
    }
    return content.str();
}

nlohmann::json CanonicalNodeJson(const config::NodeConfig& node, const config::ProjectConfig& project) {
    CanonicalJson result = CanonicalJson::object();
    result["name"] = node.name;
    result["depends_on"] = node.depends_on;
    result["read"] = node.read ? ReadJson(*node.read, node, project) : CanonicalJson(nullptr);
    CanonicalJson inputs = CanonicalJson::array();
    for (const auto& input : node.inputs) {
        inputs.push_back(InputJson(input, node, project));
    }
    result["inputs"] = std::move(inputs);
    result["transformer"] = OptionalText(node.transformer);
    result["params"] = Canonical(node.params);
    CanonicalJson steps = CanonicalJson::array();
    for (const auto& step : node.transform_steps) {
        steps.push_back(StepJson(step, node, project));
    }
    result["transform_steps"] = std::move(steps);
    result["write"] = node.write ? WriteJson(*node.write) : CanonicalJson(nullptr);
    result["connections"] = ConnectionsJson(node, project);
    result["pre_sql"] = node.pre_sql;
    result["post_sql"] = node.post_sql;
    result["validation"] = Canonical(node.validation_source);
    result["contracts"] = Canonical(node.contracts_source);
    result["privacy"] = Canonical(node.privacy);
    result["schema_policy"] = Canonical(node.schema_policy);
    result["materialized"] = OptionalText(node.materialized);
    result["streaming"] = node.streaming;
    return result;
}

std::string ComputeVersionHash(const nlohmann::json& canonical_node,
                               const std::vector<std::pair<std::string, std::string>>& upstream) {
    CanonicalJson document = CanonicalJson::object();
    document["node"] = canonical_node;
    CanonicalJson upstream_json = CanonicalJson::array();
    for (const auto& [name, hash] : upstream) {
        upstream_json.push_back(CanonicalJson::array({name, hash}));
    }
    document["upstream"] = std::move(upstream_json);
    return Sha256Hex(document.dump());
}

} // namespace odibi::graph
