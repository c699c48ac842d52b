// explode_list_column: one row per element of a LIST column, the other columns repeated.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class ExplodeListColumn final : public BuiltinTransformer {
public:
    ExplodeListColumn()
        : BuiltinTransformer(
              "explode_list_column",
              "advanced",
              "Turns each element of the LIST column into its own row (other columns repeated, the column keeps its "
              "place). Without outer, rows whose element is NULL, whose list is empty or NULL are dropped; with "
              "outer they are kept with NULL.",
              {RequiredParam("column", "string", "the LIST column"),
               OptionalParam("outer", "bool", "false", "keep rows with an empty or NULL list (as NULL)")},
              {{"column", "tags"}, {"outer", true}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& name = columns.Resolve(params.GetString("column"), params, "column");
        const std::string& type = columns.Columns()[*columns.TryFind(name)].type;
        if (!EndsWith(type, "[]")) {
            throw params.Invalid("column",
                                 "column \"" + name + "\" is " + type +
                                     ", not a LIST; explode_list_column needs a list column (e.g. VARCHAR[])");
        }
        const std::string quoted = engine::QuoteIdentifier(name);
        if (params.GetBool("outer")) {
            return "SELECT * REPLACE (unnest(CASE WHEN len(" + quoted + ") > 0 THEN " + quoted +
                   " ELSE [NULL]::" + type + " END) AS " + quoted + ") FROM " + input.relation;
        }
        return "SELECT * FROM (SELECT * REPLACE (unnest(" + quoted + ") AS " + quoted + ") FROM " + input.relation +
               ") WHERE " + quoted + " IS NOT NULL";
    }
};

} // namespace

std::unique_ptr<Transformer> MakeExplodeListColumnTransformer() {
    return std::make_unique<ExplodeListColumn>();
}

} // namespace odibi::transform
