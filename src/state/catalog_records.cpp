// Record helpers shared by the catalog backends: required fields, JSON columns, state value order.
#include "catalog_records.hpp"

#include <cmath>

#include "catalog_text.hpp"
#include "catalog_time.hpp"
#include <fmt/format.h>

#include "odibi/common/error.hpp"
#include "odibi/common/identity.hpp"

namespace odibi::state {

void RequireRecordField(const std::string& value, std::string_view field, std::string_view operation) {
    if (value.empty()) {
        throw InternalError(fmt::format("catalog {}: {} is empty", operation, field));
    }
}

PipelineRunRecord BeginRunRow(const PipelineRunRecord& record, const std::string& now) {
    RequireRecordField(record.run_id, "run_id", "begin pipeline run");
    RequireRecordField(record.pipeline_name, "pipeline_name", "begin pipeline run");
    PipelineRunRecord row = record;
    row.run_start_at = ValueOrDefault(record.run_start_at, now);
    row.status = record.status.empty() ? std::string("RUNNING") : NormalizeStatus(record.status);
    row.heartbeat_at = ValueOrDefault(record.heartbeat_at, row.run_start_at);
    return row;
}

void RequireWriteIntentFields(const WriteIntent& intent) {
    constexpr std::string_view OPERATION = "record write intent";
    RequireRecordField(intent.intent_id, "intent_id", OPERATION);
    RequireRecordField(intent.run_id, "run_id", OPERATION);
    RequireRecordField(intent.pipeline_name, "pipeline_name", OPERATION);
    RequireRecordField(intent.node_name, "node_name", OPERATION);
    RequireRecordField(intent.target, "target", OPERATION);
    RequireRecordField(intent.staging, "staging", OPERATION);
    RequireRecordField(intent.mode, "mode", OPERATION);
    RequireRecordField(intent.format, "format", OPERATION);
    RequireRecordField(intent.published_marker, "published_marker", OPERATION);
}

PipelineRunRecord AbandonedRunRow(PipelineRunRecord run, const std::string& host, const std::string& now) {
    run.run_end_at = ValueOrDefault(run.heartbeat_at, now);
    auto started = ParseIsoUtc(run.run_start_at);
    auto ended = ParseIsoUtc(run.run_end_at);
    if (started && ended && *ended >= *started) {
        run.duration_ms = MillisecondsBetween(*started, *ended);
    }
    run.error_summary = ValueOrDefault(
        run.error_summary, fmt::format("abandoned: process {} on {} ended without finishing the run", run.pid, host));
    run.status = "ABANDONED";
    return run;
}

QualityRecord QualityRow(const QualityRecord& record, const std::string& now) {
    constexpr std::string_view OPERATION = "record quality results";
    RequireRecordField(record.run_id, "run_id", OPERATION);
    RequireRecordField(record.pipeline_name, "pipeline_name", OPERATION);
    RequireRecordField(record.check_name, "check_name", OPERATION);
    RequireRecordField(record.check_type, "check_type", OPERATION);
    RequireRecordField(record.status, "status", OPERATION);
    if (std::isnan(record.pass_rate)) {
        throw InternalError(
            fmt::format("catalog {}: pass_rate of check {} is not a number", OPERATION, record.check_name));
    }
    auto number_or_null = [](const std::optional<double>& value) {
        return value && std::isnan(*value) ? std::nullopt : value;
    };
    QualityRecord row = record;
    row.quality_id = ValueOrDefault(record.quality_id, NewUuid());
    row.timestamp = ValueOrDefault(record.timestamp, now);
    row.threshold = number_or_null(record.threshold);
    row.observed_value = number_or_null(record.observed_value);
    row.failing_sample = record.failing_sample.is_null() ? nlohmann::json::array() : record.failing_sample;
    row.message = RedactForCatalog(record.message, ERROR_MESSAGE_MAX_CHARACTERS);
    return row;
}

std::string DumpCatalogJson(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json ParseCatalogJson(const std::string& text, nlohmann::json empty) {
    if (text.empty()) {
        return empty;
    }
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json(text) : parsed;
}

bool IsLargerStateValue(const std::string& candidate, const std::string& stored) {
    auto candidate_json = nlohmann::json::parse(candidate, nullptr, false);
    auto stored_json = nlohmann::json::parse(stored, nullptr, false);
    if (candidate_json.is_discarded() || stored_json.is_discarded()) {
        return true;
    }
    if (candidate_json.is_number() && stored_json.is_number()) {
        if (candidate_json.is_number_integer() && stored_json.is_number_integer()) {
            return candidate_json.get<int64_t>() > stored_json.get<int64_t>();
        }
        return candidate_json.get<double>() > stored_json.get<double>();
    }
    if (candidate_json.is_string() && stored_json.is_string()) {
        return candidate_json.get<std::string>() > stored_json.get<std::string>();
    }
    return true;
}

} // namespace odibi::state
