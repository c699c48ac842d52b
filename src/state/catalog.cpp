// Backend-independent parts of the Catalog interface.
#include "odibi/state/catalog.hpp"

#include <fmt/format.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/error.hpp"

namespace odibi::state {
namespace {

std::string TextOf(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

int64_t IntegerOf(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_number_integer() ? found->get<int64_t>() : 0;
}

nlohmann::json StateToJson(const StateEntry& entry) {
    return {{"key", entry.key},
            {"value", entry.value},
            {"environment", entry.environment},
            {"updated_at", entry.updated_at}};
}

nlohmann::json OutputToJson(const OutputRecord& output) {
    nlohmann::json json = {{"pipeline_name", output.pipeline_name},
                           {"node_name", output.node_name},
                           {"output_type", output.output_type},
                           {"connection_name", output.connection_name},
                           {"path", output.path},
                           {"format", output.format},
                           {"table_name", output.table_name},
                           {"last_run", output.last_run},
                           {"updated_at", output.updated_at}};
    json["row_count"] = output.row_count ? nlohmann::json(*output.row_count) : nlohmann::json(nullptr);
    return json;
}

OutputRecord OutputFromJson(const nlohmann::json& json) {
    OutputRecord output;
    output.pipeline_name = TextOf(json, "pipeline_name");
    output.node_name = TextOf(json, "node_name");
    output.output_type = TextOf(json, "output_type");
    output.connection_name = TextOf(json, "connection_name");
    output.path = TextOf(json, "path");
    output.format = TextOf(json, "format");
    output.table_name = TextOf(json, "table_name");
    output.last_run = TextOf(json, "last_run");
    output.updated_at = TextOf(json, "updated_at");
    auto row_count = json.find("row_count");
    if (row_count != json.end() && row_count->is_number_integer()) {
        output.row_count = row_count->get<int64_t>();
    }
    return output;
}

nlohmann::json NodeRunToJson(const NodeRunRecord& record) {
    return {{"run_id", record.run_id},
            {"project", record.project},
            {"pipeline_name", record.pipeline_name},
            {"node_name", record.node_name},
            {"status", record.status},
            {"run_start_at", record.run_start_at},
            {"run_end_at", record.run_end_at},
            {"duration_ms", record.duration_ms},
            {"rows_processed", record.rows_processed},
            {"metrics", record.metrics},
            {"environment", record.environment}};
}

NodeRunRecord NodeRunFromJson(const nlohmann::json& json) {
    NodeRunRecord record;
    record.run_id = TextOf(json, "run_id");
    record.project = TextOf(json, "project");
    record.pipeline_name = TextOf(json, "pipeline_name");
    record.node_name = TextOf(json, "node_name");
    record.status = TextOf(json, "status");
    record.run_start_at = TextOf(json, "run_start_at");
    record.run_end_at = TextOf(json, "run_end_at");
    record.duration_ms = IntegerOf(json, "duration_ms");
    record.rows_processed = IntegerOf(json, "rows_processed");
    auto metrics = json.find("metrics");
    record.metrics = metrics != json.end() && metrics->is_object() ? *metrics : nlohmann::json::object();
    record.environment = TextOf(json, "environment");
    return record;
}

} // namespace

nlohmann::json WriteCommitToJson(const WriteCommit& commit) {
    nlohmann::json json = nlohmann::json::object();
    json["intent_id"] = commit.intent_id;
    json["state_updates"] = nlohmann::json::array();
    for (const auto& entry : commit.state_updates) {
        json["state_updates"].push_back(StateToJson(entry));
    }
    json["output"] = commit.output ? OutputToJson(*commit.output) : nlohmann::json(nullptr);
    json["node_run"] = commit.node_run ? NodeRunToJson(*commit.node_run) : nlohmann::json(nullptr);
    return json;
}

WriteCommit WriteCommitFromJson(const nlohmann::json& json, const std::string& intent_id) {
    auto state_updates = json.is_object() ? json.find("state_updates") : json.end();
    if (!json.is_object() || state_updates == json.end() || !state_updates->is_array()) {
        Error error(ErrorCode::CATALOG_ERROR,
                    ErrorSource::EXTERNAL,
                    fmt::format("the commit stored with write intent {} is not a commit odibi wrote", intent_id));
        error.WithPhase("recovery");
        error.WithContext("intent_id", intent_id);
        error.WithSuggestion("inspect the row of meta_write_intents; delete it by hand once its target is checked");
        throw error;
    }
    WriteCommit commit;
    commit.intent_id = intent_id;
    for (const auto& entry : *state_updates) {
        StateEntry state;
        state.key = TextOf(entry, "key");
        state.value = TextOf(entry, "value");
        state.environment = TextOf(entry, "environment");
        state.updated_at = TextOf(entry, "updated_at");
        commit.state_updates.push_back(std::move(state));
    }
    auto output = json.find("output");
    if (output != json.end() && output->is_object()) {
        commit.output = OutputFromJson(*output);
    }
    auto node_run = json.find("node_run");
    if (node_run != json.end() && node_run->is_object()) {
        commit.node_run = NodeRunFromJson(*node_run);
    }
    return commit;
}

StateEntry Catalog::GetState(const std::string& key) {
    auto entry = TryGetState(key);
    if (!entry) {
        Error error(ErrorCode::STATE_NOT_FOUND, ErrorSource::USER, fmt::format("no state stored for key \"{}\"", key));
        error.WithPhase("catalog");
        error.WithContext("key", key);
        error.WithSuggestion("list the stored keys with `odibi state list <config>`; a key is written only after "
                             "the node that owns it succeeds");
        throw error;
    }
    return *entry;
}

int64_t HistoryDeleted::Total() const {
    int64_t total = 0;
    for (const auto& table : tables) {
        total += table.rows;
    }
    return total;
}

int64_t HistoryDeleted::RowsOf(std::string_view table) const {
    for (const auto& entry : tables) {
        if (entry.table == table) {
            return entry.rows;
        }
    }
    return 0;
}

std::string CutoffBefore(std::chrono::system_clock::time_point now, std::chrono::milliseconds age) {
    return FormatIsoUtc(now - age);
}

} // namespace odibi::state
