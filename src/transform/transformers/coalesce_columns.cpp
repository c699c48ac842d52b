// coalesce_columns: adds the first non-NULL value of the listed columns, optionally dropping them.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class CoalesceColumns final : public BuiltinTransformer {
public:
    CoalesceColumns()
        : BuiltinTransformer(
              "coalesce_columns",
              "row/column",
              "Adds output_col: the first non-NULL value among the listed columns, in priority order. drop_source "
              "removes the listed columns (output_col then comes last). An output_col that already exists and is "
              "kept is replaced in place.",
              {RequiredParam("columns", "list[string]", "the columns to take values from, in priority order"),
               RequiredParam("output_col", "string", "name of the result column"),
               OptionalParam("drop_source", "bool", "false", "remove the listed columns")},
              {{"columns", {"mobile_phone", "home_phone"}}, {"output_col", "phone"}, {"drop_source", true}}) {}

private:
    void Check(const ParamReader& params) const override { static_cast<void>(params.GetColumnList("columns")); }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto sources = columns.ResolveAll(params.GetStringList("columns"), params, "columns");
        const std::string output = params.GetString("output_col");
        const std::string expression = "COALESCE(" + engine::QuoteIdentifierList(sources) + ")";
        const bool drop_source = params.GetBool("drop_source");
        auto existing = columns.TryFind(output);
        bool output_dropped =
            existing && drop_source &&
            std::find(sources.begin(), sources.end(), columns.Columns()[*existing].name) != sources.end();
        if (existing && !output_dropped) {
            std::vector<std::string> replacements(columns.Columns().size());
            replacements[*existing] = expression;
            std::string sql = SelectReplacing(columns, replacements, input.relation);
            if (!drop_source) {
                return sql;
            }
            return "SELECT * EXCLUDE (" + engine::QuoteIdentifierList(sources) + ") FROM (" + sql + ")";
        }
        std::string kept = drop_source ? "* EXCLUDE (" + engine::QuoteIdentifierList(sources) + ")" : "*";
        return "SELECT " + kept + ", " + expression + " AS " + engine::QuoteIdentifier(output) + " FROM " +
               input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeCoalesceColumnsTransformer() {
    return std::make_unique<CoalesceColumns>();
}

} // namespace odibi::transform
