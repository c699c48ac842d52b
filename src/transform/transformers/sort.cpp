// sort: orders rows by one or more columns in one direction, NULLs last.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class Sort final : public BuiltinTransformer {
public:
    Sort()
        : BuiltinTransformer(
              "sort",
              "row/column",
              "Orders rows by the given columns, all ascending or all descending; NULLs sort last either way. An "
              "item that is not a column name is used as a SQL expression.",
              {RequiredParam("by", "string|list[string]", "column(s) to sort by, most significant first"),
               OptionalParam("ascending", "bool", "true", "ascending (true) or descending (false)")},
              {{"by", {"customer", "amount"}}, {"ascending", false}}) {}

private:
    void Check(const ParamReader& params) const override {
        if (params.GetStringList("by").empty()) {
            throw params.Invalid("by", "\"by\" must name at least one column");
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string direction = params.GetBool("ascending") ? " ASC NULLS LAST" : " DESC NULLS LAST";
        std::vector<std::string> order;
        for (const auto& item : params.GetStringList("by")) {
            order.push_back(ColumnOrExpression(item, columns) + direction);
        }
        return "SELECT * FROM " + input.relation + " ORDER BY " + Join(order, ", ");
    }
};

} // namespace

std::unique_ptr<Transformer> MakeSortTransformer() {
    return std::make_unique<Sort>();
}

} // namespace odibi::transform
