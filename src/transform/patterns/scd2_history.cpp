// Scd2HistorySql: classify incoming rows (new, unchanged, changed, deleted) and close old versions.
#include "scd2_history.hpp"

#include <fmt/format.h>

namespace odibi::transform {
namespace {

using engine::QuoteIdentifier;

bool IsFloatingPoint(const std::string& type) {
    std::string upper = ToUpper(type);
    return upper == "DOUBLE" || upper == "FLOAT" || upper == "REAL";
}

// Whether the incoming row `s` and the history row `c` agree on one tracked column.
std::string TrackedEqual(const Scd2Step& step, const std::string& column) {
    std::string quoted = QuoteIdentifier(column);
    auto in_history = step.target_columns.TryFind(column);
    if (!in_history) {
        return fmt::format("s.{} IS NULL", quoted);
    }
    std::string equal = fmt::format("s.{0} IS NOT DISTINCT FROM c.{0}", quoted);
    auto incoming = step.source_columns.TryFind(column);
    bool floating = incoming && IsFloatingPoint(step.source_columns.Columns()[*incoming].type) &&
                    IsFloatingPoint(step.target_columns.Columns()[*in_history].type);
    if (!floating) {
        return equal;
    }
    return fmt::format(
        "({1} OR abs(s.{0} - c.{0}) <= greatest(1e-9 * greatest(abs(s.{0}), abs(c.{0})), 1e-12))", quoted, equal);
}

std::string RequireHistoryColumn(const Scd2Step& step, const std::string& column, const ParamReader& params) {
    auto index = step.target_columns.TryFind(column);
    if (!index) {
        Error error = params.Invalid(
            "target", fmt::format("the existing target has no column \"{}\", so it is not a type-2 history", column));
        error.WithSuggestion(fmt::format("columns of the target: {}", Join(step.target_columns.Names(), ", ")));
        error.WithSuggestion("point target at the history this pattern wrote, or name its columns with the "
                             "start/end/current params");
        throw error;
    }
    return step.target_columns.Columns()[*index].name;
}

bool IsVersionColumn(const Scd2Step& step, const std::string& name) {
    std::string lowered = ToLower(name);
    return lowered == ToLower(step.start_column) || lowered == ToLower(step.end_column) ||
           lowered == ToLower(step.current_column);
}

} // namespace

std::vector<std::string> Scd2OutputColumns(const Scd2Step& step) {
    std::vector<std::string> columns;
    for (const auto& name : step.source_columns.Names()) {
        if (!IsVersionColumn(step, name)) {
            columns.push_back(name);
        }
    }
    for (const auto& name : step.target_columns.Names()) {
        if (!IsVersionColumn(step, name) && !step.source_columns.Contains(name)) {
            columns.push_back(name);
        }
    }
    columns.push_back(step.start_column);
    columns.push_back(step.end_column);
    columns.push_back(step.current_column);
    return columns;
}

std::string Scd2HistorySql(const Scd2Step& step, const ParamReader& params) {
    std::vector<std::string> incoming;
    for (const auto& name : step.source_columns.Names()) {
        if (!IsVersionColumn(step, name)) {
            incoming.push_back(QuoteIdentifier(name));
        }
    }
    // The end column takes the start's type: NULL typed by a CASE over the effective time.
    incoming.push_back(step.effective_time + " AS " + QuoteIdentifier(step.start_column));
    incoming.push_back(
        fmt::format("CASE WHEN false THEN {} END AS {}", step.effective_time, QuoteIdentifier(step.end_column)));
    incoming.push_back("true AS " + QuoteIdentifier(step.current_column));
    std::string source = fmt::format("SELECT {} FROM {}", Join(incoming, ", "), step.source);
    std::string inserted_extra = step.inserted_columns.empty() ? "" : ", " + Join(step.inserted_columns, ", ");
    if (!step.target) {
        return fmt::format("SELECT *{} FROM ({}) AS odibi_source", inserted_extra, source);
    }
    std::string end = QuoteIdentifier(RequireHistoryColumn(step, step.end_column, params));
    std::string current = QuoteIdentifier(RequireHistoryColumn(step, step.current_column, params));
    std::vector<std::string> equal;
    for (const auto& column : step.track_cols) {
        equal.push_back(TrackedEqual(step, column));
    }
    std::string same_key = engine::ColumnsMatch("s", "c", step.keys);
    std::string deleted = step.delete_column
                              ? fmt::format("WHEN s.{} IS TRUE THEN 'delete' ", QuoteIdentifier(*step.delete_column))
                              : std::string();
    std::string key_list = engine::QuoteIdentifierList(step.keys);
    return fmt::format(
        "WITH odibi_source AS ({source}), "
        "odibi_current AS (SELECT * FROM {target} WHERE {current} IS TRUE), "
        "odibi_classified AS (SELECT s.*, CASE {deleted}"
        "WHEN NOT EXISTS (SELECT 1 FROM odibi_current AS c WHERE {same_key}) THEN 'new' "
        "WHEN EXISTS (SELECT 1 FROM odibi_current AS c WHERE {same_key} AND {equal}) THEN 'same' "
        "ELSE 'changed' END AS odibi_action FROM odibi_source AS s), "
        "odibi_closing AS (SELECT {keys}, max({start}) AS odibi_closed_at FROM odibi_classified "
        "WHERE odibi_action IN ('changed', 'delete') GROUP BY {keys}) "
        "SELECT h.* REPLACE ("
        "CASE WHEN h.{current} IS TRUE AND k.odibi_closed_at IS NOT NULL THEN k.odibi_closed_at ELSE h.{end} END "
        "AS {end}, "
        "CASE WHEN h.{current} IS TRUE AND k.odibi_closed_at IS NOT NULL THEN false ELSE h.{current} END AS {current}) "
        "FROM {target} AS h LEFT JOIN odibi_closing AS k ON {history_key} "
        "UNION ALL BY NAME "
        "SELECT * EXCLUDE (odibi_action){inserted_extra} "
        "FROM odibi_classified WHERE odibi_action IN ('new', 'changed')",
        fmt::arg("source", source),
        fmt::arg("target", *step.target),
        fmt::arg("current", current),
        fmt::arg("end", end),
        fmt::arg("deleted", deleted),
        fmt::arg("same_key", same_key),
        fmt::arg("equal", equal.empty() ? "true" : Join(equal, " AND ")),
        fmt::arg("keys", key_list),
        fmt::arg("start", QuoteIdentifier(step.start_column)),
        fmt::arg("history_key", engine::ColumnsMatch("h", "k", step.keys)),
        fmt::arg("inserted_extra", inserted_extra));
}

} // namespace odibi::transform
