// fact: a fact table: surrogate keys looked up in dimensions, orphans handled, measures, grain checked.
#include "pattern_support.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

using engine::QuoteIdentifier;
using engine::QuoteLiteral;

const std::vector<std::string> DIMENSION_KEYS = {"source_column",
                                                 "dimension_table",
                                                 "dimension_key",
                                                 "surrogate_key",
                                                 "scd2",
                                                 "as_of",
                                                 "valid_from_col",
                                                 "valid_to_col",
                                                 "is_current_col"};

struct Lookup {
    std::string source_column;
    std::string dimension_table;
    std::string dimension_key;
    std::string surrogate_key;
    bool scd2 = false;
    std::optional<std::string> as_of; ///< a fact date column: pick the version valid at that time
    std::string valid_from_col;
    std::string valid_to_col;
    std::string is_current_col;
};

// A measure is an expression when it has parentheses or an operator between spaces (Odibi's rule).
bool IsExpression(const std::string& text) {
    if (text.find('(') != std::string::npos || text.find(')') != std::string::npos) {
        return true;
    }
    for (const char* op : {" + ", " - ", " * ", " / "}) {
        if (text.find(op) != std::string::npos) {
            return true;
        }
    }
    return false;
}

class Fact final : public BuiltinTransformer {
public:
    Fact()
        : BuiltinTransformer(
              "fact",
              PATTERN_CATEGORY,
              "Builds a fact table: optional deduplication on keys, then for each dimension a lookup of the "
              "surrogate key by the fact's source column (left join; the source column is kept and the surrogate "
              "key appended), orphan handling, measures and a grain check. A dimension with scd2: true is "
              "matched on its current rows, or with as_of: <fact date column> on the version valid at that time. "
              "Orphans (no matching dimension row) get surrogate key 0 (unknown), fail the node (reject), or are "
              "removed and appended to the quarantine target with the reason (quarantine).",
              {RequiredParam("dimensions",
                             "list[object]",
                             "lookups: {source_column, dimension_table (a node), dimension_key, surrogate_key, "
                             "scd2?, as_of?, valid_from_col?, valid_to_col?, is_current_col?}"),
               OptionalParam("orphan_handling",
                             "string",
                             "unknown",
                             "unknown: surrogate key 0; reject: fail with the orphan count; quarantine: set the rows "
                             "aside",
                             {"unknown", "reject", "quarantine"}),
               OptionalParam("quarantine",
                             "object",
                             "",
                             "orphan_handling: quarantine: {connection, path (or table), format?, add_columns: "
                             "{_rejection_reason, _rejected_at, _source_dimension}}; rows are appended"),
               OptionalParam("measures",
                             "list[string|map[string,string]]",
                             "",
                             "a column name (kept), or {new_name: column} (renamed) or {new_name: expression}"),
               OptionalParam("grain", "list[string]", "", "columns that identify one fact row; duplicates fail"),
               OptionalParam("deduplicate", "bool", "false", "keep one row per keys before the lookups"),
               OptionalParam("keys", "list[string]", "", "the deduplication keys"),
               AuditParam(false)},
              {{"dimensions",
                {{{"source_column", "customer_id"},
                  {"dimension_table", "dim_customer"},
                  {"dimension_key", "customer_id"},
                  {"surrogate_key", "customer_sk"}}}},
               {"orphan_handling", "unknown"},
               {"measures", {"quantity", {{"revenue", "quantity * unit_price"}}}},
               {"grain", {"order_id"}}}) {}

    [[nodiscard]] std::optional<RejectedRows> RejectedRowsOf(const config::Json& params,
                                                             const TransformInput& input) const override {
        ParamReader reader(Info(), params);
        if (reader.GetEnum("orphan_handling") != "quarantine") {
            return std::nullopt;
        }
        Quarantine quarantine = QuarantineOf(reader);
        LookupSql lookup = LookUp(reader, input);
        std::vector<std::string> select = {lookup.fact_star};
        std::vector<std::string> reasons;
        std::vector<std::string> dimensions;
        // A row orphaned on a dimension is set aside before the later lookups: their keys stay NULL.
        std::vector<std::string> matched_so_far;
        for (size_t index = 0; index < lookup.lookups.size(); ++index) {
            const Lookup& dimension = lookup.lookups[index];
            std::string earlier = matched_so_far.empty() ? "true" : Join(matched_so_far, " AND ");
            select.push_back(fmt::format("CASE WHEN {} THEN {} END AS {}",
                                         earlier,
                                         lookup.found[index],
                                         QuoteIdentifier(dimension.surrogate_key)));
            reasons.push_back(
                fmt::format("WHEN {} IS NULL THEN {}",
                            lookup.found[index],
                            QuoteLiteral(fmt::format("Orphan record: no match in dimension '{}' on column '{}'",
                                                     dimension.dimension_table,
                                                     dimension.source_column))));
            dimensions.push_back(
                fmt::format("WHEN {} IS NULL THEN {}", lookup.found[index], QuoteLiteral(dimension.dimension_table)));
            matched_so_far.push_back(lookup.found[index] + " IS NOT NULL");
        }
        if (quarantine.add_rejection_reason) {
            select.push_back(fmt::format("CASE {} END AS _rejection_reason", Join(reasons, " ")));
        }
        if (quarantine.add_rejected_at) {
            select.push_back(fmt::format("{} AT TIME ZONE 'UTC' AS _rejected_at", input.load_time));
        }
        if (quarantine.add_source_dimension) {
            select.push_back(fmt::format("CASE {} END AS _source_dimension", Join(dimensions, " ")));
        }
        return RejectedRows{
            quarantine.destination,
            quarantine.format,
            fmt::format(
                "SELECT {} FROM {} WHERE NOT ({})", Join(select, ", "), lookup.from, Join(matched_so_far, " AND ")),
            "orphan row(s)"};
    }

private:
    void Check(const ParamReader& params) const override {
        static_cast<void>(Lookups(params));
        if (params.GetBool("deduplicate") && params.GetColumnList("keys").empty()) {
            throw params.Invalid("keys", "deduplicate: true needs keys (the columns that identify a duplicate)");
        }
        CheckAuditParam(params);
        bool quarantines = params.GetEnum("orphan_handling") == "quarantine";
        if (quarantines != params.Has("quarantine")) {
            throw params.Invalid("quarantine",
                                 quarantines
                                     ? "orphan_handling: quarantine needs quarantine: {connection, path}, where "
                                       "the orphan rows go"
                                     : "quarantine: applies only with orphan_handling: quarantine");
        }
        if (quarantines) {
            static_cast<void>(QuarantineOf(params));
        }
    }

    static std::vector<Lookup> Lookups(const ParamReader& params) {
        std::vector<Lookup> lookups;
        const config::Json* dimensions = params.TryGet("dimensions");
        if (dimensions == nullptr || dimensions->empty()) {
            throw params.Invalid("dimensions", "\"dimensions\" must list at least one lookup");
        }
        for (size_t index = 0; index < dimensions->size(); ++index) {
            ParamObject entry(params, fmt::format("dimensions[{}]", index), &(*dimensions)[index]);
            entry.CheckKeys(DIMENSION_KEYS);
            Lookup lookup;
            lookup.source_column = entry.GetString("source_column");
            lookup.dimension_table = entry.GetString("dimension_table");
            lookup.dimension_key = entry.GetString("dimension_key");
            lookup.surrogate_key = entry.GetString("surrogate_key");
            lookup.scd2 = entry.GetBool("scd2", false);
            lookup.as_of = entry.TryGetString("as_of");
            lookup.valid_from_col = entry.TryGetString("valid_from_col").value_or("valid_from");
            lookup.valid_to_col = entry.TryGetString("valid_to_col").value_or("valid_to");
            lookup.is_current_col = entry.TryGetString("is_current_col").value_or("is_current");
            if (lookup.as_of && !lookup.scd2) {
                throw entry.Invalid("as_of", "needs scd2: true (only a type-2 dimension has versions in time)");
            }
            lookups.push_back(std::move(lookup));
        }
        return lookups;
    }

    // The lookups as SQL: the fact rows (deduplicated) left-joined to each dimension.
    struct LookupSql {
        std::vector<Lookup> lookups;
        std::string from;               ///< "<rows> AS f LEFT JOIN ... AS odibi_d0 ..."
        std::vector<std::string> found; ///< per lookup: the dimension's surrogate key, NULL for an orphan
        std::string fact_star;          ///< f.* without columns named like a surrogate key
        RelationColumns fact_columns;
    };

    static LookupSql LookUp(const ParamReader& params, const TransformInput& input) {
        LookupSql sql{Lookups(params), "", {}, "", RelationColumns::OfInput(input)};
        const RelationColumns& fact_columns = sql.fact_columns;
        std::string rows = input.relation;
        if (params.GetBool("deduplicate")) {
            auto keys = fact_columns.ResolveAll(params.GetColumnList("keys"), params, "keys");
            rows = fmt::format("(SELECT * FROM {} QUALIFY row_number() OVER (PARTITION BY {}) = 1)",
                               input.relation,
                               engine::QuoteIdentifierList(keys));
        }
        std::vector<std::string> joins;
        std::vector<std::string> replaced;
        for (size_t index = 0; index < sql.lookups.size(); ++index) {
            const Lookup& lookup = sql.lookups[index];
            std::string what = fmt::format("dimension \"{}\"", lookup.dimension_table);
            std::string param = fmt::format("dimensions[{}]", index);
            auto dimension = RelationColumns::OfDataset(input.connection, lookup.dimension_table, params, param);
            std::string source = fact_columns.Resolve(lookup.source_column, params, param);
            std::string key = dimension.Resolve(lookup.dimension_key, params, param, what);
            std::string surrogate = dimension.Resolve(lookup.surrogate_key, params, param, what);
            std::string alias = fmt::format("odibi_d{}", index);
            std::string on = fmt::format("f.{} = {}.{}", QuoteIdentifier(source), alias, QuoteIdentifier(key));
            std::string filter;
            if (lookup.scd2 && lookup.as_of) {
                std::string as_of = "f." + QuoteIdentifier(fact_columns.Resolve(*lookup.as_of, params, param));
                std::string from = QuoteIdentifier(dimension.Resolve(lookup.valid_from_col, params, param, what));
                std::string to = QuoteIdentifier(dimension.Resolve(lookup.valid_to_col, params, param, what));
                on += fmt::format(" AND {0} >= {1}.{2} AND ({1}.{3} IS NULL OR {0} < {1}.{3})", as_of, alias, from, to);
            } else if (lookup.scd2 && dimension.Contains(lookup.is_current_col)) {
                filter = fmt::format(" WHERE {} IS TRUE",
                                     QuoteIdentifier(dimension.Resolve(lookup.is_current_col, params, param, what)));
            }
            joins.push_back(fmt::format("LEFT JOIN (SELECT * FROM {}{}) AS {} ON {}",
                                        QuoteIdentifier(lookup.dimension_table),
                                        filter,
                                        alias,
                                        on));
            sql.found.push_back(fmt::format("{}.{}", alias, QuoteIdentifier(surrogate)));
            if (auto existing = fact_columns.TryFind(lookup.surrogate_key)) {
                replaced.push_back(fact_columns.Columns()[*existing].name);
            }
        }
        sql.fact_star =
            replaced.empty() ? "f.*" : fmt::format("f.* EXCLUDE ({})", engine::QuoteIdentifierList(replaced));
        sql.from = fmt::format("{} AS f {}", rows, Join(joins, " "));
        return sql;
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        LookupSql lookup = LookUp(params, input);
        std::string orphan_handling = params.GetEnum("orphan_handling");
        std::vector<std::string> keys_found;
        std::vector<std::string> orphan_terms;
        std::vector<std::string> matched;
        std::vector<std::string> surrogate_names;
        for (size_t index = 0; index < lookup.lookups.size(); ++index) {
            const std::string& found = lookup.found[index];
            std::string name = QuoteIdentifier(lookup.lookups[index].surrogate_key);
            keys_found.push_back(orphan_handling == "quarantine" ? fmt::format("{} AS {}", found, name)
                                                                 : fmt::format("coalesce({}, 0) AS {}", found, name));
            orphan_terms.push_back(fmt::format("count(*) FILTER (WHERE {} IS NULL)", found));
            matched.push_back(found + " IS NOT NULL");
            surrogate_names.push_back(lookup.lookups[index].surrogate_key);
        }
        std::string looked_up =
            fmt::format("SELECT {}, {} FROM {}", lookup.fact_star, Join(keys_found, ", "), lookup.from);
        if (orphan_handling == "reject") {
            looked_up = RejectOrphans(looked_up, lookup.from, orphan_terms, lookup.lookups);
        } else if (orphan_handling == "quarantine") {
            looked_up += " WHERE " + Join(matched, " AND "); // the orphans go to the quarantine (RejectedRowsOf)
        }
        std::string measured = Measures(params, looked_up, lookup.fact_columns, surrogate_names);
        return CheckGrain(params, measured, AuditColumnsOf(params, input, false));
    }

    // Where orphans go (orphan_handling: quarantine) and which columns describe them.
    struct Quarantine {
        TargetReference destination;
        std::optional<std::string> format;
        bool add_rejection_reason = true;
        bool add_rejected_at = true;
        bool add_source_dimension = true;
    };

    static Quarantine QuarantineOf(const ParamReader& params) {
        ParamObject entry(params, "quarantine", params.TryGet("quarantine"));
        entry.CheckKeys({"connection", "path", "table", "format", "add_columns"});
        Quarantine quarantine;
        auto path = entry.TryGetString("path");
        auto table = entry.TryGetString("table");
        if (path.has_value() == table.has_value()) {
            throw entry.Invalid("path", "give the quarantine either path or table (below connection)");
        }
        quarantine.destination = TargetReference{entry.GetString("connection"), path ? *path : *table, "quarantine"};
        quarantine.format = entry.TryGetString("format");
        const config::Json* columns = params.TryGet("quarantine")->contains("add_columns")
                                          ? &(*params.TryGet("quarantine"))["add_columns"]
                                          : nullptr;
        ParamObject add(params, "quarantine.add_columns", columns);
        // Odibi writes these keys with the underscore (the column names); without it counts too.
        std::vector<std::string> allowed;
        for (const char* name : {"rejection_reason", "rejected_at", "source_dimension"}) {
            allowed.emplace_back(name);
            allowed.push_back(std::string("_") + name);
        }
        add.CheckKeys(allowed);
        auto flag = [&add](const std::string& name) { return add.GetBool("_" + name, add.GetBool(name, true)); };
        quarantine.add_rejection_reason = flag("rejection_reason");
        quarantine.add_rejected_at = flag("rejected_at");
        quarantine.add_source_dimension = flag("source_dimension");
        return quarantine;
    }

    // Fails the query (DuckDB's error()) when any lookup found no dimension row.
    static std::string RejectOrphans(const std::string& looked_up,
                                     const std::string& from,
                                     const std::vector<std::string>& orphan_terms,
                                     const std::vector<Lookup>& lookups) {
        std::vector<std::string> parts;
        for (size_t index = 0; index < lookups.size(); ++index) {
            parts.push_back(fmt::format("{} || ' on {} -> {}'",
                                        orphan_terms[index],
                                        EscapeForLiteral(lookups[index].source_column),
                                        EscapeForLiteral(lookups[index].dimension_table)));
        }
        std::string counts = fmt::format("SELECT {} AS odibi_orphans, concat_ws(', ', {}) AS odibi_detail FROM {}",
                                         Join(orphan_terms, " + "),
                                         Join(parts, ", "),
                                         from);
        return fmt::format(
            "SELECT odibi_rows.* FROM ({}) AS odibi_rows, ({}) AS odibi_check WHERE odibi_check.odibi_orphans = 0 OR "
            "error('fact: ' || odibi_check.odibi_orphans || ' orphan records found (' || odibi_check.odibi_detail || "
            "'): no matching dimension row. Use orphan_handling: unknown to map them to surrogate key 0, or load the "
            "missing dimension members first')",
            looked_up,
            counts);
    }

    static std::string EscapeForLiteral(const std::string& text) {
        std::string quoted = QuoteLiteral(text);
        return quoted.substr(1, quoted.size() - 2);
    }

    static std::string Measures(const ParamReader& params,
                                const std::string& rows,
                                const RelationColumns& fact_columns,
                                const std::vector<std::string>& surrogate_names) {
        const config::Json* measures = params.TryGet("measures");
        if (measures == nullptr) {
            return rows;
        }
        std::vector<std::pair<std::string, std::string>> renames;
        std::vector<std::string> computed;
        for (const auto& measure : *measures) {
            if (measure.is_string()) {
                static_cast<void>(fact_columns.Resolve(measure.get<std::string>(), params, "measures"));
                continue;
            }
            for (const auto& [name, value] : measure.items()) {
                std::string text = value.get<std::string>();
                if (IsExpression(text)) {
                    computed.push_back(fmt::format("{} AS {}", text, QuoteIdentifier(name)));
                } else {
                    renames.emplace_back(fact_columns.Resolve(text, params, "measures"), name);
                }
            }
        }
        std::vector<std::string> select;
        std::vector<std::string> output_names;
        for (const auto& column : fact_columns.Names()) {
            if (std::find(surrogate_names.begin(), surrogate_names.end(), column) != surrogate_names.end()) {
                continue;
            }
            auto renamed = std::find_if(
                renames.begin(), renames.end(), [&column](const auto& rename) { return rename.first == column; });
            std::string name = renamed == renames.end() ? column : renamed->second;
            select.push_back(renamed == renames.end()
                                 ? QuoteIdentifier(column)
                                 : fmt::format("{} AS {}", QuoteIdentifier(column), QuoteIdentifier(name)));
        }
        for (const auto& name : surrogate_names) {
            select.push_back(QuoteIdentifier(name));
        }
        select.insert(select.end(), computed.begin(), computed.end());
        return fmt::format("SELECT {} FROM ({}) AS odibi_measured", Join(select, ", "), rows);
    }

    // Fails the query when two rows share the grain; appends the audit columns.
    static std::string CheckGrain(const ParamReader& params, const std::string& rows, const AuditColumns& audit) {
        std::string audited =
            audit.select_items.empty()
                ? rows
                : fmt::format("SELECT *, {} FROM ({}) AS odibi_facts", Join(audit.select_items, ", "), rows);
        auto grain = params.GetStringList("grain");
        if (grain.empty()) {
            return audited;
        }
        std::string columns = engine::QuoteIdentifierList(grain);
        return fmt::format(
            "SELECT odibi_rows.* FROM ({rows}) AS odibi_rows, (SELECT count(*) AS odibi_duplicates FROM (SELECT "
            "{columns} "
            "FROM ({rows}) GROUP BY ALL HAVING count(*) > 1)) AS odibi_grain WHERE odibi_grain.odibi_duplicates = 0 OR "
            "error('fact: Grain validation failed: ' || odibi_grain.odibi_duplicates || ' value(s) of the grain "
            "({grain}) "
            "occur more than once. Deduplicate the input (deduplicate: true with keys), or fix the grain')",
            fmt::arg("rows", audited),
            fmt::arg("columns", columns),
            fmt::arg("grain", EscapeForLiteral(Join(grain, ", "))));
    }
};

} // namespace

std::unique_ptr<Transformer> MakeFactPattern() {
    return std::make_unique<Fact>();
}

} // namespace odibi::transform
