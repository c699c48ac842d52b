// union: appends other nodes' outputs to the input (UNION ALL), by column name or by position.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class Union final : public BuiltinTransformer {
public:
    Union()
        : BuiltinTransformer(
              "union",
              "relational",
              "Appends the rows of other nodes' outputs to the input, keeping duplicates. by_name aligns columns by "
              "name (a column missing from one side is NULL there); otherwise columns are matched by position.",
              {RequiredParam("datasets", "list[string]", "names of the nodes whose outputs are appended"),
               OptionalParam("by_name", "bool", "true", "match columns by name rather than by position")},
              {{"datasets", {"orders_archive"}}, {"by_name", true}}) {}

private:
    void Check(const ParamReader& params) const override {
        if (params.GetStringList("datasets").empty()) {
            throw params.Invalid("datasets", "\"datasets\" must name at least one node");
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        const std::string union_operator = params.GetBool("by_name") ? " UNION ALL BY NAME " : " UNION ALL ";
        std::string sql = "SELECT * FROM " + input.relation;
        for (const auto& dataset : params.GetStringList("datasets")) {
            static_cast<void>(RelationColumns::OfDataset(input.connection, dataset, params, "datasets"));
            sql += union_operator + "SELECT * FROM " + engine::QuoteIdentifier(dataset);
        }
        return sql;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeUnionTransformer() {
    return std::make_unique<Union>();
}

} // namespace odibi::transform
