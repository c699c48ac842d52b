// scd2: keeps the type-2 history of a target: changed rows close the old version and add a new one.
#include "scd2_history.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

using engine::QuoteIdentifier;

class Scd2 final : public BuiltinTransformer {
public:
    Scd2()
        : BuiltinTransformer(
              "scd2",
              PATTERN_CATEGORY,
              "Type-2 history of target by keys. An incoming row whose track_cols differ from its key's current "
              "version closes that version (end = the new row's effective time, current = false) and becomes the "
              "current version; new keys are inserted; unchanged rows change nothing, so re-running a batch is "
              "idempotent. NULLs equal NULLs; floating-point values equal within a relative 1e-9. A row whose "
              "delete_col is true closes its key's current version. Several rows of one key in a batch each "
              "become a current version, and the old one closes at the latest of them. The output is the whole "
              "history; without a write: block the pattern writes it to target (overwrite).",
              {OptionalParam("target", "string", "", "the history, <connection>.<path> (or give connection + path)"),
               OptionalParam("connection", "string", "", "connection of path"),
               OptionalParam("path", "string", "", "the history's path below connection"),
               RequiredParam("keys", "list[string]", "columns that identify an entity"),
               RequiredParam("track_cols", "list[string]", "columns whose change makes a new version"),
               RequiredParam("effective_time_col", "string", "when the incoming row's version starts"),
               OptionalParam("start_time_col", "string", "valid_from", "version start column"),
               OptionalParam("end_time_col", "string", "valid_to", "version end column (NULL while current)"),
               OptionalParam("current_flag_col", "string", "is_current", "true for the current version"),
               OptionalParam("delete_col", "string", "", "a boolean column: true closes the key's current version"),
               OptionalParam("use_delta_merge", "bool", "true", "accepted for Odibi compatibility")},
              {{"target", "silver.customers_history"},
               {"keys", {"customer_id"}},
               {"track_cols", {"customer", "status"}},
               {"effective_time_col", "updated_at"}}) {}

    [[nodiscard]] std::optional<TargetReference> TargetOf(const config::Json& params) const override {
        return TargetReferenceOf(params);
    }

    [[nodiscard]] std::optional<TargetWrite> WritesTarget(const config::Json& params, bool has_target) const override {
        static_cast<void>(params);
        static_cast<void>(has_target);
        return TargetWrite{config::WriteMode::OVERWRITE, {}, std::nullopt};
    }

private:
    void Check(const ParamReader& params) const override { CheckTargetParams(params); }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto source_columns = RelationColumns::OfInput(input);
        Scd2Step step{input.relation,
                      source_columns,
                      input.target,
                      TargetColumns(input),
                      source_columns.ResolveAll(params.GetColumnList("keys"), params, "keys"),
                      source_columns.ResolveAll(params.GetColumnList("track_cols"), params, "track_cols"),
                      QuoteIdentifier(
                          source_columns.Resolve(params.GetString("effective_time_col"), params, "effective_time_col")),
                      params.GetString("start_time_col"),
                      params.GetString("end_time_col"),
                      params.GetString("current_flag_col"),
                      std::nullopt,
                      {}};
        if (auto delete_column = params.TryGetString("delete_col")) {
            step.delete_column = source_columns.Resolve(*delete_column, params, "delete_col");
        }
        std::vector<std::string> select;
        for (const auto& column : Scd2OutputColumns(step)) {
            select.push_back(QuoteIdentifier(column));
        }
        return fmt::format("SELECT {} FROM ({}) AS odibi_history", Join(select, ", "), Scd2HistorySql(step, params));
    }
};

} // namespace

std::unique_ptr<Transformer> MakeScd2Pattern() {
    return std::make_unique<Scd2>();
}

} // namespace odibi::transform
