// Builds the story JSON model of one pipeline run from its PipelineResult.
#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_set>

#include "story_format.hpp"

#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/observe/story.hpp"

namespace odibi::observe {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* MASKED_VALUE = "***";
constexpr double PERCENT = 100.0;
constexpr double ONE_DECIMAL = 10.0;

double RoundToOneDecimal(double value) {
    return std::round(value * ONE_DECIMAL) / ONE_DECIMAL;
}

Json TimeOrNull(TimePoint time) {
    if (time.time_since_epoch().count() == 0) {
        return nullptr;
    }
    return FormatIsoUtc(time);
}

Json OptionalInteger(const std::optional<int64_t>& value) {
    if (!value) {
        return nullptr;
    }
    return *value;
}

Json TextOrNull(const std::string& text) {
    if (text.empty()) {
        return nullptr;
    }
    return text;
}

int64_t DurationOf(int64_t recorded, TimePoint started, TimePoint finished) {
    if (recorded > 0 || started.time_since_epoch().count() == 0 || finished < started) {
        return recorded;
    }
    return MillisecondsBetween(started, finished);
}

Json StringArray(const std::vector<std::string>& items) {
    Json array = Json::array();
    for (const auto& item : items) {
        array.push_back(item);
    }
    return array;
}

Json SchemaJson(const std::vector<engine::ColumnInfo>& schema) {
    Json columns = Json::array();
    for (const auto& column : schema) {
        columns.push_back(Json{{"name", column.name}, {"type", column.type}});
    }
    return columns;
}

// Columns of `schema_out` missing from `schema_in` (added), the reverse (removed), and columns in both
// whose type changed. A node without an input schema (a read) has no diff.
void AddSchemaDiff(Json& node,
                   const std::vector<engine::ColumnInfo>& schema_in,
                   const std::vector<engine::ColumnInfo>& schema_out) {
    Json added = Json::array();
    Json removed = Json::array();
    Json type_changed = Json::array();
    if (!schema_in.empty() && !schema_out.empty()) {
        for (const auto& column : schema_out) {
            auto match = std::find_if(schema_in.begin(), schema_in.end(), [&](const engine::ColumnInfo& candidate) {
                return candidate.name == column.name;
            });
            if (match == schema_in.end()) {
                added.push_back(column.name);
            } else if (match->type != column.type) {
                type_changed.push_back(Json{{"name", column.name}, {"from", match->type}, {"to", column.type}});
            }
        }
        for (const auto& column : schema_in) {
            auto match = std::find_if(schema_out.begin(), schema_out.end(), [&](const engine::ColumnInfo& candidate) {
                return candidate.name == column.name;
            });
            if (match == schema_out.end()) {
                removed.push_back(column.name);
            }
        }
    }
    node["columns_added"] = std::move(added);
    node["columns_removed"] = std::move(removed);
    node["columns_type_changed"] = std::move(type_changed);
}

// The node's checks as the story shows them; failing samples are already masked for sensitive columns.
Json QualityJson(const std::vector<quality::QualityResult>& results) {
    Json checks = Json::array();
    for (const auto& result : results) {
        checks.push_back(Json{{"name", result.check_name},
                              {"type", result.check_type},
                              {"phase", quality::CheckPhaseName(result.phase)},
                              {"columns", StringArray(result.columns)},
                              {"severity", config::QualitySeverityName(result.severity)},
                              {"status", quality::CheckStatusName(result.status)},
                              {"rows_checked", result.rows_checked},
                              {"violation_count", result.violation_count},
                              {"pass_rate", result.pass_rate},
                              {"threshold", result.threshold ? Json(*result.threshold) : Json(nullptr)},
                              {"observed_value", result.observed_value ? Json(*result.observed_value) : Json(nullptr)},
                              {"failing_sample", StringArray(result.failing_sample)},
                              {"message", TextOrNull(result.message)}});
    }
    return checks;
}

bool IsMaskedColumn(const SensitiveColumns* sensitive, const std::string& column) {
    return sensitive != nullptr && sensitive->Masks(column);
}

Json SampleJson(const execute::Sample& sample, size_t max_rows, const SensitiveColumns* sensitive) {
    if (max_rows == 0 || sample.columns.empty()) {
        return nullptr;
    }
    std::vector<bool> masked(sample.columns.size(), false);
    Json masked_columns = Json::array();
    for (size_t index = 0; index < sample.columns.size(); ++index) {
        masked[index] = IsMaskedColumn(sensitive, sample.columns[index]);
        if (masked[index]) {
            masked_columns.push_back(sample.columns[index]);
        }
    }
    Json rows = Json::array();
    size_t kept = std::min(max_rows, sample.rows.size());
    for (size_t row_index = 0; row_index < kept; ++row_index) {
        const auto& row = sample.rows[row_index];
        Json values = Json::array();
        for (size_t column_index = 0; column_index < sample.columns.size(); ++column_index) {
            if (masked[column_index]) {
                values.push_back(MASKED_VALUE);
            } else if (column_index < row.size() && row[column_index]) {
                values.push_back(*row[column_index]);
            } else {
                values.push_back(nullptr);
            }
        }
        rows.push_back(std::move(values));
    }
    return Json{{"columns", StringArray(sample.columns)},
                {"rows", std::move(rows)},
                {"truncated", sample.rows.size() > kept},
                {"masked_columns", std::move(masked_columns)}};
}

Json StepsJson(const std::vector<execute::StepRecord>& steps) {
    Json array = Json::array();
    for (const auto& step : steps) {
        array.push_back(Json{{"phase", step.phase},
                             {"description", step.description},
                             {"sql", step.sql},
                             {"duration_ms", step.duration_ms}});
    }
    return array;
}

Json ErrorJson(const std::optional<execute::ErrorRecord>& error) {
    if (!error) {
        return nullptr;
    }
    return Json{{"code", error->code},
                {"type", error->type},
                {"message", error->message},
                {"phase", error->phase},
                {"step", error->step},
                {"sql", error->sql},
                {"location", error->location},
                {"available_columns", StringArray(error->available_columns)},
                {"suggestions", StringArray(error->suggestions)}};
}

// The node config arrives as JSON text; keep its structure when it parses, else keep the text.
Json ConfigJson(const std::string& config_text) {
    if (config_text.empty()) {
        return nullptr;
    }
    Json parsed = Json::parse(config_text, nullptr, false);
    if (parsed.is_discarded()) {
        return config_text;
    }
    return parsed;
}

Json NodeJson(const execute::NodeResult& node, const StoryOptions& options) {
    const SensitiveColumns* sensitive = nullptr;
    if (auto found = options.sensitive_columns.find(node.node); found != options.sensitive_columns.end()) {
        sensitive = &found->second;
    }
    Json json = Json::object();
    json["name"] = node.node;
    json["status"] = NodeStatusText(node.status);
    json["skip_cause"] = TextOrNull(node.skip_cause);
    json["operation"] = node.operation;
    json["description"] = node.description;
    json["explanation"] = node.explanation;
    json["runbook_url"] = node.runbook_url;
    json["depends_on"] = StringArray(node.dependencies);
    json["started_at"] = TimeOrNull(node.started_at);
    json["completed_at"] = TimeOrNull(node.finished_at);
    json["duration_ms"] = DurationOf(node.duration_ms, node.started_at, node.finished_at);
    json["attempts"] = node.attempts;
    json["rows_in"] = OptionalInteger(node.rows_in);
    json["rows_out"] = OptionalInteger(node.rows_out);
    json["rows_written"] = OptionalInteger(node.rows_written);
    if (node.rows_in && node.rows_out) {
        int64_t change = *node.rows_out - *node.rows_in;
        json["rows_change"] = change;
        json["rows_change_pct"] =
            *node.rows_in == 0
                ? Json(nullptr)
                : Json(RoundToOneDecimal(PERCENT * static_cast<double>(change) / static_cast<double>(*node.rows_in)));
    } else {
        json["rows_change"] = nullptr;
        json["rows_change_pct"] = nullptr;
    }
    json["schema_in"] = SchemaJson(node.schema_in);
    json["schema_out"] = SchemaJson(node.schema_out);
    AddSchemaDiff(json, node.schema_in, node.schema_out);
    json["sample_in"] = SampleJson(node.sample_in, options.max_sample_rows, sensitive);
    json["sample_out"] = SampleJson(node.sample_out, options.max_sample_rows, sensitive);
    json["steps"] = StepsJson(node.steps);
    json["error"] = ErrorJson(node.error);
    json["warnings"] = StringArray(node.warnings);
    if (node.write_location.empty() && node.write_format.empty() && node.write_mode.empty()) {
        json["write"] = nullptr;
    } else {
        json["write"] =
            Json{{"location", node.write_location}, {"format", node.write_format}, {"mode", node.write_mode}};
    }
    json["rows_quarantined"] = OptionalInteger(node.rows_quarantined);
    json["quarantine_location"] = TextOrNull(node.quarantine_location);
    json["quality"] = QualityJson(node.quality);
    json["quality_score"] =
        node.quality.empty() ? Json(nullptr) : Json(RoundToOneDecimal(quality::QualityScore(node.quality)));
    json["version_hash"] = node.version_hash;
    json["config"] = ConfigJson(node.config_yaml);
    return json;
}

// Every string value and object key of the document passes through the secret registry, so no
// field added later can forget it.
void RedactInPlace(Json& value) {
    if (value.is_string()) {
        value = SecretRegistry::Redact(value.get_ref<const std::string&>());
        return;
    }
    if (value.is_array()) {
        for (auto& item : value) {
            RedactInPlace(item);
        }
        return;
    }
    if (!value.is_object()) {
        return;
    }
    Json redacted = Json::object();
    for (auto& [key, item] : value.items()) {
        RedactInPlace(item);
        redacted[SecretRegistry::Redact(key)] = std::move(item);
    }
    value = std::move(redacted);
}

} // namespace

StoryOptions MakeStoryOptions(const config::StoryConfig& story, const config::PipelineConfig& pipeline) {
    StoryOptions options;
    options.max_sample_rows = story.max_sample_rows > 0 ? static_cast<size_t>(story.max_sample_rows) : 0;
    for (const auto& node : pipeline.nodes) {
        SensitiveColumns sensitive = ParseSensitiveColumns(node.sensitive);
        if (sensitive.all || !sensitive.columns.empty()) {
            options.sensitive_columns[node.name] = std::move(sensitive);
        }
    }
    return options;
}

Json BuildStory(const execute::PipelineResult& result, const StoryOptions& options) {
    Json story = Json::object();
    story["schema_version"] = STORY_SCHEMA_VERSION;
    story["kind"] = STORY_KIND;
    story["project"] = result.project;
    story["pipeline"] = result.pipeline;
    story["layer"] = result.layer;
    story["owner"] = result.owner;
    story["run_id"] = result.run_id;
    story["environment"] = result.environment ? Json(*result.environment) : Json(nullptr);
    story["status"] = RunStatusText(result.status);
    story["started_at"] = TimeOrNull(result.started_at);
    story["completed_at"] = TimeOrNull(result.finished_at);
    story["duration_ms"] = DurationOf(result.duration_ms, result.started_at, result.finished_at);

    size_t succeeded = 0;
    size_t failed = 0;
    size_t skipped = 0;
    for (const auto& node : result.nodes) {
        switch (node.status) {
        case execute::NodeStatus::SUCCESS:
            ++succeeded;
            break;
        case execute::NodeStatus::FAILED:
            ++failed;
            break;
        case execute::NodeStatus::SKIPPED:
            ++skipped;
            break;
        }
    }
    size_t total = result.nodes.size();
    double success_rate =
        total == 0 ? 0.0 : RoundToOneDecimal(PERCENT * static_cast<double>(succeeded) / static_cast<double>(total));
    story["counts"] = Json{{"total", total},
                           {"succeeded", succeeded},
                           {"failed", failed},
                           {"skipped", skipped},
                           {"success_rate", success_rate}};

    // Root nodes depend on no node of this run; their input is the pipeline's input.
    std::unordered_set<std::string> names;
    for (const auto& node : result.nodes) {
        names.insert(node.node);
    }
    std::optional<int64_t> rows_in;
    std::optional<int64_t> rows_written;
    for (const auto& node : result.nodes) {
        bool is_root = std::none_of(node.dependencies.begin(), node.dependencies.end(), [&](const std::string& name) {
            return names.count(name) > 0;
        });
        if (is_root && node.rows_in) {
            rows_in = rows_in.value_or(0) + *node.rows_in;
        }
        if (node.rows_written) {
            rows_written = rows_written.value_or(0) + *node.rows_written;
        }
    }
    story["rows"] = Json{{"rows_in", OptionalInteger(rows_in)}, {"rows_written", OptionalInteger(rows_written)}};

    // The run's data-quality score is over every check of every node, so a node with many checks
    // weighs more than one with a single check.
    std::vector<quality::QualityResult> checks;
    for (const auto& node : result.nodes) {
        checks.insert(checks.end(), node.quality.begin(), node.quality.end());
    }
    auto count_status = [&](quality::CheckStatus status) {
        return std::count_if(
            checks.begin(), checks.end(), [&](const quality::QualityResult& check) { return check.status == status; });
    };
    story["quality"] =
        Json{{"score", checks.empty() ? Json(nullptr) : Json(RoundToOneDecimal(quality::QualityScore(checks)))},
             {"checks", checks.size()},
             {"passed", count_status(quality::CheckStatus::PASSED)},
             {"warned", count_status(quality::CheckStatus::WARNED)},
             {"failed", count_status(quality::CheckStatus::FAILED)},
             {"quarantined", count_status(quality::CheckStatus::QUARANTINED)}};

    Json dag_nodes = Json::array();
    Json dag_edges = Json::array();
    for (const auto& node : result.nodes) {
        dag_nodes.push_back(Json{{"name", node.node}, {"status", NodeStatusText(node.status)}});
        std::set<std::string> seen;
        for (const auto& dependency : node.dependencies) {
            if (names.count(dependency) > 0 && seen.insert(dependency).second) {
                dag_edges.push_back(Json{{"source", dependency}, {"target", node.node}});
            }
        }
    }
    story["dag"] = Json{{"nodes", std::move(dag_nodes)}, {"edges", std::move(dag_edges)}};

    Json nodes = Json::array();
    for (const auto& node : result.nodes) {
        nodes.push_back(NodeJson(node, options));
    }
    story["nodes"] = std::move(nodes);
    RedactInPlace(story);
    return story;
}

} // namespace odibi::observe
