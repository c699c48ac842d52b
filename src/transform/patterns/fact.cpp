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
              "Orphans (no matching dimension row) get surrogate key 0 (unknown), or fail the node (reject).",
              {RequiredParam("dimensions",
                             "list[object]",
                             "lookups: {source_column, dimension_table (a node), dimension_key, surrogate_key, "
                             "scd2?, as_of?, valid_from_col?, valid_to_col?, is_current_col?}"),
               OptionalParam("orphan_handling",
                             "string",
                             "unknown",
                             "unknown: surrogate key 0; reject: fail with the orphan count",
                             {"unknown", "reject"}),
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

private:
    void Check(const ParamReader& params) const override {
        static_cast<void>(Lookups(params));
        if (params.GetBool("deduplicate") && params.GetColumnList("keys").empty()) {
            throw params.Invalid("keys", "deduplicate: true needs keys (the columns that identify a duplicate)");
        }
        CheckAuditParam(params);
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

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto fact_columns = RelationColumns::OfInput(input);
        std::string rows = input.relation;
        if (params.GetBool("deduplicate")) {
            auto keys = fact_columns.ResolveAll(params.GetColumnList("keys"), params, "keys");
            rows = fmt::format("(SELECT * FROM {} QUALIFY row_number() OVER (PARTITION BY {}) = 1)",
                               input.relation,
                               engine::QuoteIdentifierList(keys));
        }
        std::vector<std::string> joins;
        std::vector<std::string> keys_found;
        std::vector<std::string> orphan_terms;
        std::vector<std::string> surrogate_names;
        auto lookups = Lookups(params);
        for (size_t index = 0; index < lookups.size(); ++index) {
            const Lookup& lookup = lookups[index];
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
            std::string found = fmt::format("{}.{}", alias, QuoteIdentifier(surrogate));
            keys_found.push_back(fmt::format("coalesce({}, 0) AS {}", found, QuoteIdentifier(lookup.surrogate_key)));
            orphan_terms.push_back(fmt::format("count(*) FILTER (WHERE {} IS NULL)", found));
            surrogate_names.push_back(lookup.surrogate_key);
        }
        std::vector<std::string> replaced;
        for (const auto& name : surrogate_names) {
            if (auto existing = fact_columns.TryFind(name)) {
                replaced.push_back(fact_columns.Columns()[*existing].name);
            }
        }
        std::string fact_star =
            replaced.empty() ? "f.*" : fmt::format("f.* EXCLUDE ({})", engine::QuoteIdentifierList(replaced));
        std::string from = fmt::format("{} AS f {}", rows, Join(joins, " "));
        std::string looked_up = fmt::format("SELECT {}, {} FROM {}", fact_star, Join(keys_found, ", "), from);
        if (params.GetEnum("orphan_handling") == "reject") {
            looked_up = RejectOrphans(looked_up, from, orphan_terms, lookups);
        }
        std::string measured = Measures(params, looked_up, fact_columns, surrogate_names);
        return CheckGrain(params, measured, AuditColumnsOf(params, input, false));
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
