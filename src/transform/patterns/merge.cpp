// merge: upserts, appends or deletes the input's rows in a target by key, copy-on-write.
#include "pattern_support.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

using engine::QuoteIdentifier;

const std::vector<std::string> STRATEGIES = {"upsert", "append_only", "delete_match"};
/// The column that marks the rows delete_condition deletes (TargetWrite::delete_flag_column).
constexpr const char* DELETE_FLAG = "_odibi_delete";

class Merge final : public BuiltinTransformer {
public:
    Merge()
        : BuiltinTransformer(
              "merge",
              PATTERN_CATEGORY,
              "Merges the input into target by keys. upsert: target rows whose keys are in the input are replaced "
              "by the input rows (whole rows), other target rows are kept, new keys inserted; append_only: only "
              "input rows with new keys are added; delete_match: target rows whose keys are in the input are "
              "removed. Only the target files that can hold a matching key are rewritten. audit_cols stamps "
              "updated_col with the load time on every row and created_col on new rows (an updated row keeps the "
              "target's). update_condition and insert_condition (SQL over source.<col> and target.<col>) limit "
              "which matched rows are updated and which new rows are inserted; delete_condition deletes the matched "
              "target "
              "rows where it holds. The output is the merged input "
              "rows; the pattern writes the target itself (the node needs no write: block).",
              {OptionalParam("target", "string", "", "the target, <connection>.<path> (or give connection + path)"),
               OptionalParam("connection", "string", "", "connection of path"),
               OptionalParam("path", "string", "", "the target's path below connection"),
               RequiredParam("keys", "list[string]", "columns that identify a row"),
               OptionalParam("strategy", "string", "upsert", "upsert, append_only or delete_match", STRATEGIES),
               OptionalParam("audit_cols", "object", "", "{created_col, updated_col}: timestamp columns to stamp"),
               OptionalParam("update_condition", "sql", "", "upsert: update a matched row only where this holds"),
               OptionalParam("insert_condition", "sql", "", "insert a new row only where this holds"),
               OptionalParam("delete_condition",
                             "sql",
                             "",
                             "upsert: delete a matched target row where this holds (before update_condition)")},
              {{"target", "silver.customers"},
               {"keys", {"customer_id"}},
               {"strategy", "upsert"},
               {"audit_cols", {{"created_col", "created_at"}, {"updated_col", "updated_at"}}}}) {}

    [[nodiscard]] std::optional<TargetReference> TargetOf(const config::Json& params) const override {
        return TargetReferenceOf(params);
    }

    [[nodiscard]] std::optional<TargetWrite> WritesTarget(const config::Json& params, bool has_target) const override {
        std::string strategy = ToLower(TextParam(params, "strategy").value_or("upsert"));
        std::vector<std::string> keys;
        for (const auto& key : params.value("keys", config::Json::array())) {
            if (key.is_string()) {
                keys.push_back(key.get<std::string>());
            }
        }
        if (strategy == "delete_match") {
            if (!has_target) {
                return std::nullopt; // nothing to delete from
            }
            return TargetWrite{config::WriteMode::DELETE_MATCHING, keys, std::nullopt};
        }
        TargetWrite write{
            strategy == "append_only" ? config::WriteMode::APPEND_ONCE : config::WriteMode::UPSERT, keys, std::nullopt};
        if (has_target && params.contains("delete_condition") && !params["delete_condition"].is_null()) {
            write.delete_flag_column = DELETE_FLAG;
        }
        return write;
    }

private:
    void Check(const ParamReader& params) const override {
        CheckTargetParams(params);
        if (params.GetColumnList("keys").empty()) {
            throw params.Invalid("keys", "\"keys\" must list at least one column");
        }
        ParamObject audit(params, "audit_cols", params.TryGet("audit_cols"));
        audit.CheckKeys({"created_col", "updated_col"});
        std::string strategy = params.GetEnum("strategy");
        if (params.Has("audit_cols")) {
            if (strategy == "delete_match") {
                throw params.Invalid("audit_cols", "delete_match removes rows: there is nothing to stamp");
            }
            if (!audit.Has("created_col") && !audit.Has("updated_col")) {
                throw params.Invalid("audit_cols", "audit_cols needs created_col, updated_col or both");
            }
        }
        for (const char* condition : {"update_condition", "delete_condition"}) {
            if (params.Has(condition) && strategy != "upsert") {
                throw params.Invalid(condition, fmt::format("{} applies to strategy: upsert only", condition));
            }
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto keys = columns.ResolveAll(params.GetColumnList("keys"), params, "keys");
        ParamObject audit(params, "audit_cols", params.TryGet("audit_cols"));
        std::string load_time = input.load_time;
        std::vector<std::string> replaced;
        std::vector<std::string> added;
        auto stamp = [&columns, &replaced, &added](const std::string& name, const std::string& value) {
            if (auto index = columns.TryFind(name)) {
                replaced.push_back(fmt::format("{} AS {}", value, QuoteIdentifier(columns.Columns()[*index].name)));
            } else {
                added.push_back(fmt::format("{} AS {}", value, QuoteIdentifier(name)));
            }
        };
        std::optional<std::string> target = input.target;
        if (target) {
            auto target_columns = TargetColumns(input);
            for (const auto& key : keys) {
                static_cast<void>(target_columns.Resolve(key, params, "keys", "the target"));
            }
            // The target is joined only when a row's outcome depends on it: a created_col kept from the
            // target, or a condition on matched rows. A plain upsert never scans the target here.
            bool uses_target =
                params.Has("update_condition") || params.Has("insert_condition") || params.Has("delete_condition") ||
                (audit.TryGetString("created_col") && target_columns.Contains(*audit.TryGetString("created_col")));
            if (!uses_target) {
                target.reset();
            }
        }
        std::string matched =
            target ? fmt::format("{}.{} IS NOT NULL", QuoteIdentifier("target"), QuoteIdentifier("odibi_matched"))
                   : std::string("false");
        if (auto created = audit.TryGetString("created_col")) {
            std::string source_value =
                columns.Contains(*created)
                    ? fmt::format(
                          "coalesce({}.{}, {})", QuoteIdentifier("source"), QuoteIdentifier(*created), load_time)
                    : load_time;
            bool target_has = target && TargetColumns(input).Contains(*created);
            stamp(*created,
                  target_has
                      ? fmt::format(
                            "coalesce({}.{}, {})", QuoteIdentifier("target"), QuoteIdentifier(*created), source_value)
                      : source_value);
        }
        if (auto updated = audit.TryGetString("updated_col")) {
            stamp(*updated, load_time);
        }
        std::string star = QuoteIdentifier("source") + ".*";
        if (!replaced.empty()) {
            star += " REPLACE (" + Join(replaced, ", ") + ")";
        }
        std::vector<std::string> select = {star};
        select.insert(select.end(), added.begin(), added.end());
        std::string from = input.relation + " AS " + QuoteIdentifier("source");
        if (target) {
            // One target row per key: a target that already holds duplicates must not multiply the input.
            from += fmt::format(" LEFT JOIN (SELECT *, true AS odibi_matched FROM {} QUALIFY row_number() OVER "
                                "(PARTITION BY {}) = 1) AS {} ON {}",
                                *target,
                                engine::QuoteIdentifierList(keys),
                                QuoteIdentifier("target"),
                                engine::ColumnsMatch(QuoteIdentifier("source"), QuoteIdentifier("target"), keys));
        }
        std::vector<std::string> conditions;
        std::string deleted = "false";
        if (auto condition = params.TryGetSql("delete_condition"); condition && target) {
            // Spark's order: a matched row that meets delete_condition is deleted, whatever update_condition says.
            deleted = fmt::format("coalesce(({}) AND ({}), false)", matched, *condition);
            select.push_back(fmt::format("{} AS {}", deleted, QuoteIdentifier(DELETE_FLAG)));
        }
        if (auto update = params.TryGetSql("update_condition")) {
            conditions.push_back(fmt::format("({} OR NOT ({}) OR ({}))", deleted, matched, *update));
        }
        if (auto insert = params.TryGetSql("insert_condition")) {
            conditions.push_back(fmt::format("(({}) OR ({}))", matched, *insert));
        }
        std::string sql = fmt::format("SELECT {} FROM {}", Join(select, ", "), from);
        if (!conditions.empty()) {
            sql += " WHERE " + Join(conditions, " AND ");
        }
        return sql;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeMergePattern() {
    return std::make_unique<Merge>();
}

} // namespace odibi::transform
