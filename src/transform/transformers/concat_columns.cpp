// concat_columns: adds a text column joining the listed columns with a separator, skipping NULLs.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class ConcatColumns final : public BuiltinTransformer {
public:
    ConcatColumns()
        : BuiltinTransformer("concat_columns",
                             "row/column",
                             "Adds output_col: the listed columns as text joined by separator. NULLs are skipped "
                             "(no doubled separators); all NULL gives ''.",
                             {RequiredParam("columns", "list[string]", "the columns to join, in order"),
                              OptionalParam("separator", "string", "", "text between values (default: none)"),
                              RequiredParam("output_col", "string", "name of the new column")},
                             {{"columns", {"customer", "status"}}, {"separator", " / "}, {"output_col", "label"}}) {}

private:
    void Check(const ParamReader& params) const override { static_cast<void>(params.GetColumnList("columns")); }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        return "SELECT *, " + ConcatColumnsSql(params, input, false) + " AS " +
               engine::QuoteIdentifier(params.GetString("output_col")) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeConcatColumnsTransformer() {
    return std::make_unique<ConcatColumns>();
}

} // namespace odibi::transform
