// aggregation: measures grouped by a grain, optionally folded into the existing aggregate.
#include "pattern_support.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

using engine::QuoteIdentifier;

class Aggregation final : public BuiltinTransformer {
public:
    Aggregation()
        : BuiltinTransformer(
              "aggregation",
              PATTERN_CATEGORY,
              "Aggregates the input to a grain: SELECT grain, <expr> AS <name> ... GROUP BY grain [HAVING having]. "
              "With incremental and an existing target, the new aggregate is folded into it: replace swaps the "
              "rows of the grains present in the batch, sum adds, min/max keep the extreme. For sum the target "
              "keeps, per grain, the latest incremental.timestamp_column folded in, and input rows at or before "
              "it are not added again, so re-running a batch does not double count. The output is the whole "
              "aggregate: write it with mode overwrite.",
              {RequiredParam("grain", "list[string]", "the grouping columns"),
               RequiredParam("measures", "list[object]", "{name, expr}: each an aggregate SQL expression"),
               OptionalParam("having", "sql", "", "a HAVING condition over the aggregates"),
               OptionalParam("incremental",
                             "object",
                             "",
                             "{timestamp_column, merge_strategy: replace|sum|min|max (default replace)}"),
               OptionalParam("target", "string", "", "the existing aggregate, <connection>.<path>"),
               AuditParam(false)},
              {{"grain", {"customer_id"}},
               {"measures",
                {{{"name", "total_amount"}, {"expr", "SUM(amount)"}}, {{"name", "orders"}, {"expr", "COUNT(*)"}}}},
               {"incremental", {{"timestamp_column", "updated_at"}, {"merge_strategy", "sum"}}},
               {"target", "gold.sales_by_customer"}}) {}

    [[nodiscard]] std::optional<TargetReference> TargetOf(const config::Json& params) const override {
        return TargetReferenceOf(params);
    }

private:
    struct Measure {
        std::string name;
        std::string expr;
    };

    static std::vector<Measure> Measures(const ParamReader& params) {
        std::vector<Measure> measures;
        const config::Json* list = params.TryGet("measures");
        if (list == nullptr || list->empty()) {
            throw params.Invalid("measures", "\"measures\" must list at least one {name, expr}");
        }
        for (size_t index = 0; index < list->size(); ++index) {
            ParamObject entry(params, fmt::format("measures[{}]", index), &(*list)[index]);
            entry.CheckKeys({"name", "expr"});
            measures.push_back({entry.GetString("name"), entry.GetString("expr")});
        }
        return measures;
    }

    static std::optional<std::string> Strategy(const ParamReader& params) {
        ParamObject incremental(params, "incremental", params.TryGet("incremental"));
        if (!params.Has("incremental")) {
            return std::nullopt;
        }
        std::string strategy = ToLower(incremental.TryGetString("merge_strategy").value_or("replace"));
        const std::vector<std::string> strategies = {"replace", "sum", "min", "max"};
        if (std::find(strategies.begin(), strategies.end(), strategy) == strategies.end()) {
            Error error = incremental.Invalid("merge_strategy", fmt::format("cannot be \"{}\"", strategy));
            error.WithSuggestion(DidYouMean(strategy, strategies));
            error.WithSuggestion("valid strategies: " + QuotedList(strategies));
            throw error;
        }
        return strategy;
    }

    void Check(const ParamReader& params) const override {
        static_cast<void>(Measures(params));
        if (params.GetStringList("grain").empty()) {
            throw params.Invalid("grain", "\"grain\" must list at least one column");
        }
        ParamObject incremental(params, "incremental", params.TryGet("incremental"));
        incremental.CheckKeys({"timestamp_column", "merge_strategy"});
        if (params.Has("incremental")) {
            static_cast<void>(incremental.GetString("timestamp_column"));
            static_cast<void>(Strategy(params));
            if (!params.TryGetString("target")) {
                throw params.Invalid("target", "incremental aggregation needs target: the existing aggregate");
            }
        }
        CheckAuditParam(params);
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto grain = columns.ResolveAll(params.GetStringList("grain"), params, "grain");
        auto measures = Measures(params);
        auto strategy = Strategy(params);
        std::string grain_list = engine::QuoteIdentifierList(grain);
        std::vector<std::string> select;
        for (const auto& column : grain) {
            select.push_back(QuoteIdentifier(column));
        }
        for (const auto& measure : measures) {
            select.push_back(fmt::format("{} AS {}", measure.expr, QuoteIdentifier(measure.name)));
        }
        std::string source = input.relation;
        std::optional<std::string> watermark;
        if (strategy) {
            ParamObject incremental(params, "incremental", params.TryGet("incremental"));
            watermark = columns.Resolve(incremental.GetString("timestamp_column"), params, "incremental");
            select.push_back(fmt::format("max({0}) AS {0}", QuoteIdentifier(*watermark)));
            if (*strategy == "sum" && input.target && TargetColumns(input).Contains(*watermark)) {
                // Rows at or before their grain's mark were folded in by an earlier run.
                source = fmt::format("(SELECT s.* FROM {} AS s LEFT JOIN (SELECT {}, {} AS odibi_mark FROM {}) AS t ON "
                                     "{} WHERE t.odibi_mark IS NULL OR s.{} > t.odibi_mark)",
                                     input.relation,
                                     grain_list,
                                     QuoteIdentifier(*watermark),
                                     *input.target,
                                     engine::ColumnsMatch("s", "t", grain),
                                     QuoteIdentifier(*watermark));
            }
        }
        std::string aggregate = fmt::format("SELECT {} FROM {} GROUP BY {}", Join(select, ", "), source, grain_list);
        if (auto having = params.TryGetSql("having")) {
            aggregate += " HAVING " + *having;
        }
        AuditColumns audit = AuditColumnsOf(params, input, false);
        std::string audited = audit.select_items.empty() ? std::string() : ", " + Join(audit.select_items, ", ");
        if (!strategy || !input.target) {
            return fmt::format("SELECT *{} FROM ({}) AS odibi_aggregate", audited, aggregate);
        }
        return fmt::format("SELECT *{} FROM ({}) AS odibi_aggregate",
                           audited,
                           Fold(*strategy, aggregate, *input.target, grain, measures, *watermark, audit.names));
    }

    // The new aggregate folded into the existing one.
    static std::string Fold(const std::string& strategy,
                            const std::string& aggregate,
                            const std::string& target,
                            const std::vector<std::string>& grain,
                            const std::vector<Measure>& measures,
                            const std::string& watermark,
                            const std::vector<std::string>& audit_names) {
        std::string audit_excluded =
            audit_names.empty() ? "" : fmt::format(" EXCLUDE ({})", engine::QuoteIdentifierList(audit_names));
        std::string existing = fmt::format("(SELECT *{} FROM {})", audit_excluded, target);
        if (strategy == "replace") {
            return fmt::format("SELECT * FROM {0} AS e WHERE NOT EXISTS (SELECT 1 FROM ({1}) AS n WHERE {2}) "
                               "UNION ALL BY NAME {1}",
                               existing,
                               aggregate,
                               engine::ColumnsMatch("e", "n", grain));
        }
        std::vector<std::string> select;
        for (const auto& column : grain) {
            select.push_back(fmt::format("coalesce(n.{0}, e.{0}) AS {0}", QuoteIdentifier(column)));
        }
        for (const auto& measure : measures) {
            std::string name = QuoteIdentifier(measure.name);
            if (strategy == "sum") {
                select.push_back(fmt::format("coalesce(e.{0}, 0) + coalesce(n.{0}, 0) AS {0}", name));
            } else {
                select.push_back(
                    fmt::format("{1}(e.{0}, n.{0}) AS {0}", name, strategy == "min" ? "least" : "greatest"));
            }
        }
        std::string mark = QuoteIdentifier(watermark);
        select.push_back(fmt::format("greatest(e.{0}, n.{0}) AS {0}", mark));
        std::vector<std::string> excluded = grain;
        for (const auto& measure : measures) {
            excluded.push_back(measure.name);
        }
        excluded.push_back(watermark);
        return fmt::format("SELECT {}, e.* EXCLUDE ({}) FROM {} AS e FULL OUTER JOIN ({}) AS n ON {}",
                           Join(select, ", "),
                           engine::QuoteIdentifierList(excluded),
                           existing,
                           aggregate,
                           engine::ColumnsMatch("e", "n", grain));
    }
};

} // namespace

std::unique_ptr<Transformer> MakeAggregationPattern() {
    return std::make_unique<Aggregation>();
}

} // namespace odibi::transform
