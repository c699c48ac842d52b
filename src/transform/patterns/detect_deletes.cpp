// detect_deletes: keys that disappeared since the previous snapshot (or from the source database),
// flagged in a soft-delete column or removed.
#include "pattern_support.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

using engine::QuoteIdentifier;
using engine::QuoteLiteral;

const std::vector<std::string> MODES = {"none", "snapshot_diff", "sql_compare"};
constexpr const char* DEFAULT_FLAG = "_is_deleted";

// A string param written as JSON null (soft_delete_col: null asks for a hard delete).
bool IsNull(const config::Json& params, const char* name) {
    return params.is_object() && params.contains(name) && params[name].is_null();
}

// max_delete_percent: 50 when absent, none when written as null.
std::optional<double> MaxDeletePercent(const ParamReader& params) {
    if (IsNull(params.Raw(), "max_delete_percent")) {
        return std::nullopt;
    }
    return params.GetNumber("max_delete_percent");
}

std::string ModeOf(const config::Json& params) {
    return ToLower(TextParam(params, "mode").value_or("none"));
}

class DetectDeletes final : public BuiltinTransformer {
public:
    DetectDeletes()
        : BuiltinTransformer(
              "detect_deletes",
              PATTERN_CATEGORY,
              "Finds keys that were deleted at the source. snapshot_diff: keys of the previous snapshot of a Delta "
              "table (connection + path; by default the node's Delta target, or its Delta input) that are not in "
              "the input; their previous rows are appended with the soft-delete flag true. sql_compare: input keys "
              "that the source database (source_connection, a postgres connection; source_table or source_query) "
              "no longer has; they are flagged. soft_delete_col: null removes them instead (hard delete). When more "
              "than max_delete_percent of the input's rows would be deleted, on_threshold_breach decides: error "
              "fails the node, warn goes on with a warning, skip flags nothing.",
              {OptionalParam("mode", "string", "none", "none, snapshot_diff or sql_compare", MODES),
               OptionalParam("keys", "list[string]", "", "columns that identify a row (required unless mode: none)"),
               OptionalParam("connection", "string", "", "snapshot_diff: connection of path"),
               OptionalParam("path", "string", "", "snapshot_diff: the Delta table below connection"),
               OptionalParam("soft_delete_col",
                             "string|null",
                             DEFAULT_FLAG,
                             "the boolean flag column; null removes deleted keys instead"),
               OptionalParam("source_connection", "string", "", "sql_compare: a postgres connection"),
               OptionalParam("source_table", "string", "", "sql_compare: the table whose distinct keys are current"),
               OptionalParam("source_query", "string", "", "sql_compare: a SELECT returning the current keys"),
               OptionalParam("snapshot_column", "string", "", "accepted for compatibility; not used"),
               OptionalParam("on_first_run",
                             "string",
                             "skip",
                             "snapshot_diff without a previous snapshot: skip (flag nothing) or error",
                             {"skip", "error"}),
               OptionalParam("max_delete_percent",
                             "number|null",
                             "50.0",
                             "the largest share (0-100) of the input's rows that may be deleted; null: no limit"),
               OptionalParam("on_threshold_breach",
                             "string",
                             "warn",
                             "over max_delete_percent: warn, error or skip",
                             {"warn", "error", "skip"})},
              {{"mode", "snapshot_diff"},
               {"keys", {"customer_id"}},
               {"connection", "silver"},
               {"path", "customers"},
               {"max_delete_percent", 20}}) {}

    [[nodiscard]] std::optional<BaselineReference> BaselineOf(const config::Json& params) const override {
        std::string mode = ModeOf(params);
        if (mode == "snapshot_diff") {
            BaselineReference baseline;
            if (auto path = TextParam(params, "path")) {
                baseline.table = TargetReference{TextParam(params, "connection"), *path, "path"};
            }
            baseline.param = "path";
            return baseline;
        }
        if (mode == "sql_compare") {
            BaselineReference baseline;
            baseline.database_connection = TextParam(params, "source_connection");
            baseline.param = "source_connection";
            if (auto query = TextParam(params, "source_query")) {
                baseline.query = *query;
            } else {
                std::vector<std::string> keys;
                for (const auto& key : params.value("keys", config::Json::array())) {
                    if (key.is_string()) {
                        keys.push_back(QuoteIdentifier(key.get<std::string>()));
                    }
                }
                baseline.query = fmt::format(
                    "SELECT DISTINCT {} FROM {}", Join(keys, ", "), TextParam(params, "source_table").value_or(""));
            }
            return baseline;
        }
        return std::nullopt;
    }

    [[nodiscard]] std::optional<std::string> WarningSql(const config::Json& params,
                                                        const TransformInput& input) const override {
        ParamReader reader(Info(), params);
        auto limit = MaxDeletePercent(reader);
        if (reader.GetEnum("mode") == "none" || reader.GetEnum("on_threshold_breach") != "warn" || !input.baseline ||
            !limit) {
            return std::nullopt;
        }
        Detection detection = Detect(reader, input);
        return fmt::format("WITH {} SELECT CASE WHEN breached THEN 'detect_deletes: ' || deleted || ' of ' || total || "
                           "' row(s) (' || round(percent, 1) || '%) are deleted, more than max_delete_percent {}; "
                           "they are flagged anyway (on_threshold_breach: warn)' END FROM odibi_threshold",
                           detection.ctes,
                           *limit);
    }

private:
    void Check(const ParamReader& params) const override {
        std::string mode = params.GetEnum("mode");
        if (mode == "none") {
            return;
        }
        if (params.GetStringList("keys").empty()) {
            throw params.Invalid("keys", fmt::format("mode: {} needs keys (the columns that identify a row)", mode));
        }
        if (mode == "snapshot_diff" && params.Has("path") != params.Has("connection")) {
            throw params.Invalid(params.Has("path") ? "connection" : "path",
                                 "snapshot_diff names its Delta table with both connection and path (or neither, to "
                                 "use the node's Delta target)");
        }
        if (mode == "sql_compare") {
            if (!params.Has("source_connection")) {
                throw params.Invalid("source_connection",
                                     "sql_compare needs source_connection: the database that still holds the keys");
            }
            if (params.Has("source_table") == params.Has("source_query")) {
                throw params.Invalid("source_table", "sql_compare needs exactly one of source_table and source_query");
            }
        }
        if (auto percent = MaxDeletePercent(params)) {
            if (*percent < 0 || *percent > 100) {
                throw params.Invalid("max_delete_percent",
                                     fmt::format("max_delete_percent must be from 0 to 100, found {}", *percent));
            }
        }
    }

    // The deleted keys and the threshold, as common table expressions over the input and the baseline:
    // odibi_deleted (distinct deleted keys) and odibi_threshold (deleted, total, percent, breached).
    struct Detection {
        std::vector<std::string> keys; ///< input key columns as spelled by the input
        std::string ctes;
    };

    static Detection Detect(const ParamReader& params, const TransformInput& input) {
        auto columns = RelationColumns::OfInput(input);
        Detection detection;
        detection.keys = columns.ResolveAll(params.GetColumnList("keys"), params, "keys");
        RelationColumns baseline_columns(input.connection.Describe(*input.baseline));
        std::string what = params.GetEnum("mode") == "snapshot_diff" ? "the previous snapshot" : "the source keys";
        std::vector<std::string> baseline_keys;
        for (const auto& key : detection.keys) {
            baseline_keys.push_back(baseline_columns.Resolve(key, params, "keys", what));
        }
        std::vector<std::string> pairs;
        for (size_t index = 0; index < detection.keys.size(); ++index) {
            pairs.push_back(fmt::format("c.{} IS NOT DISTINCT FROM b.{}",
                                        QuoteIdentifier(detection.keys[index]),
                                        QuoteIdentifier(baseline_keys[index])));
        }
        std::string matches = Join(pairs, " AND ");
        std::string deleted;
        if (params.GetEnum("mode") == "snapshot_diff") {
            std::vector<std::string> renamed;
            for (size_t index = 0; index < detection.keys.size(); ++index) {
                renamed.push_back(fmt::format(
                    "b.{} AS {}", QuoteIdentifier(baseline_keys[index]), QuoteIdentifier(detection.keys[index])));
            }
            deleted = fmt::format("SELECT DISTINCT {} FROM {} AS b WHERE NOT EXISTS (SELECT 1 FROM {} AS c WHERE {})",
                                  Join(renamed, ", "),
                                  *input.baseline,
                                  input.relation,
                                  matches);
        } else {
            std::vector<std::string> quoted;
            for (const auto& key : detection.keys) {
                quoted.push_back("c." + QuoteIdentifier(key));
            }
            deleted = fmt::format("SELECT DISTINCT {} FROM {} AS c WHERE NOT EXISTS (SELECT 1 FROM {} AS b WHERE {})",
                                  Join(quoted, ", "),
                                  input.relation,
                                  *input.baseline,
                                  matches);
        }
        auto max_percent = MaxDeletePercent(params);
        std::string limit = max_percent ? fmt::format("percent > {}", *max_percent) : std::string("false");
        detection.ctes = fmt::format(
            "odibi_deleted AS ({}), odibi_counts AS (SELECT (SELECT count(*) FROM odibi_deleted) AS deleted, (SELECT "
            "count(*) FROM {}) AS total), odibi_percent AS (SELECT deleted, total, CASE WHEN total = 0 THEN 0.0 ELSE "
            "deleted * 100.0 / total END AS percent FROM odibi_counts), odibi_threshold AS (SELECT *, {} AS breached "
            "FROM odibi_percent)",
            deleted,
            input.relation,
            limit);
        return detection;
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        std::string mode = params.GetEnum("mode");
        if (mode == "none") {
            return "SELECT * FROM " + input.relation;
        }
        std::optional<std::string> flag;
        if (!IsNull(params.Raw(), "soft_delete_col")) {
            flag = params.GetString("soft_delete_col");
        }
        auto columns = RelationColumns::OfInput(input);
        if (!input.baseline) {
            if (mode == "snapshot_diff" && params.GetEnum("on_first_run") == "error") {
                throw params
                    .Invalid("on_first_run",
                             "No previous version exists of the snapshot table: there is nothing to compare "
                             "the input with (on_first_run: error)")
                    .WithSuggestion("write the table once first, or use on_first_run: skip to flag nothing on the "
                                    "first run");
            }
            return WithFlag(input.relation, columns, flag, "false");
        }
        Detection detection = Detect(params, input);
        std::vector<std::string> keys;
        for (const auto& key : detection.keys) {
            keys.push_back("c." + QuoteIdentifier(key));
        }
        std::string is_deleted = KeyIsDeleted(keys, detection.keys);
        std::string breach = params.GetEnum("on_threshold_breach");
        std::string act = breach == "skip" ? "NOT t.breached" : "true";
        std::string guard =
            breach == "error"
                ? fmt::format(" WHERE NOT t.breached OR error('detect_deletes: ' || t.deleted || ' of ' || t.total "
                              "|| ' row(s) (' || round(t.percent, 1) || '%) would be deleted, which exceeds threshold "
                              "max_delete_percent {}. Check the source (an empty or partial extract?), raise "
                              "max_delete_percent, or set on_threshold_breach: warn')",
                              MaxDeletePercent(params).value_or(100))
                : std::string();
        std::string body;
        if (mode == "snapshot_diff") {
            // Current rows are never deleted ones: the previous rows of the deleted keys are appended.
            std::vector<std::string> aligned;
            RelationColumns previous(input.connection.Describe(*input.baseline));
            for (const auto& column : columns.Columns()) {
                if (flag && SameColumnName(column.name, *flag)) {
                    continue;
                }
                aligned.push_back(
                    previous.Contains(column.name)
                        ? fmt::format("CAST(b.{} AS {}) AS {}",
                                      QuoteIdentifier(previous.Columns()[*previous.TryFind(column.name)].name),
                                      column.type,
                                      QuoteIdentifier(column.name))
                        : fmt::format("CAST(NULL AS {}) AS {}", column.type, QuoteIdentifier(column.name)));
            }
            std::vector<std::string> baseline_keys;
            for (const auto& key : detection.keys) {
                baseline_keys.push_back("b." + QuoteIdentifier(previous.Columns()[*previous.TryFind(key)].name));
            }
            std::string previous_deleted = KeyIsDeleted(baseline_keys, detection.keys);
            if (!flag) {
                body = fmt::format("SELECT c.* FROM {} AS c", input.relation); // the deleted keys are already absent
            } else {
                std::string kept = ColumnsWithout(columns, flag);
                body = fmt::format("SELECT {kept}, false AS {flag} FROM {input} AS c UNION ALL SELECT {aligned}, true "
                                   "AS {flag} FROM {baseline} AS b, odibi_threshold AS t WHERE {act} AND {deleted}",
                                   fmt::arg("kept", kept),
                                   fmt::arg("flag", QuoteIdentifier(*flag)),
                                   fmt::arg("input", input.relation),
                                   fmt::arg("aligned", Join(aligned, ", ")),
                                   fmt::arg("baseline", *input.baseline),
                                   fmt::arg("act", act),
                                   fmt::arg("deleted", previous_deleted));
            }
        } else if (!flag) {
            body = fmt::format("SELECT {} FROM {} AS c, odibi_threshold AS t WHERE NOT coalesce({} AND {}, false)",
                               ColumnsWithout(columns, std::nullopt),
                               input.relation,
                               act,
                               is_deleted);
        } else {
            body = fmt::format("SELECT {}, coalesce({} AND {}, false) AS {} FROM {} AS c, odibi_threshold AS t",
                               ColumnsWithout(columns, flag),
                               act,
                               is_deleted,
                               QuoteIdentifier(*flag),
                               input.relation);
        }
        return fmt::format(
            "WITH {} SELECT odibi_rows.* FROM ({}) AS odibi_rows, odibi_threshold AS t{}", detection.ctes, body, guard);
    }

    // Whether the row's key (qualified key columns) is one of odibi_deleted's (`keys`).
    static std::string KeyIsDeleted(const std::vector<std::string>& row_keys, const std::vector<std::string>& keys) {
        return fmt::format(
            "({}) IN (SELECT ({}) FROM odibi_deleted)", Join(row_keys, ", "), engine::QuoteIdentifierList(keys));
    }

    // The input's columns as `c.<column>`, without the flag column (it is recomputed).
    static std::string ColumnsWithout(const RelationColumns& columns, const std::optional<std::string>& flag) {
        std::vector<std::string> kept;
        for (const auto& column : columns.Columns()) {
            if (!flag || !SameColumnName(column.name, *flag)) {
                kept.push_back("c." + QuoteIdentifier(column.name));
            }
        }
        return Join(kept, ", ");
    }

    // The input with the flag column set to `value` (a first run, or nothing to compare with).
    static std::string WithFlag(const std::string& relation,
                                const RelationColumns& columns,
                                const std::optional<std::string>& flag,
                                const std::string& value) {
        if (!flag) {
            return "SELECT * FROM " + relation;
        }
        return fmt::format(
            "SELECT {}, {} AS {} FROM {} AS c", ColumnsWithout(columns, flag), value, QuoteIdentifier(*flag), relation);
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDetectDeletesPattern() {
    return std::make_unique<DetectDeletes>();
}

} // namespace odibi::transform
