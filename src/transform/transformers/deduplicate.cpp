// deduplicate: keeps one row per key combination, the first by an optional SQL ordering.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class Deduplicate final : public BuiltinTransformer {
public:
    Deduplicate()
        : BuiltinTransformer(
              "deduplicate",
              "advanced",
              "Keeps one row per combination of the key columns: the first by order_by (e.g. the "
              "latest with \"updated_at DESC\"). NULL keys form one group. Without order_by the kept "
              "row is arbitrary.",
              {RequiredParam("keys", "list[string]", "the columns that identify a row"),
               OptionalParam(
                   "order_by", "sql", "", "SQL ORDER BY list that ranks rows within a key; the first is kept")},
              {{"keys", {"order_id"}}, {"order_by", "updated_at DESC"}}) {}

private:
    void Check(const ParamReader& params) const override { static_cast<void>(params.GetColumnList("keys")); }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto keys = columns.ResolveAll(params.GetStringList("keys"), params, "keys");
        std::string window = "PARTITION BY " + engine::QuoteIdentifierList(keys);
        if (auto order_by = params.TryGetSql("order_by"); order_by && !Trim(*order_by).empty()) {
            window += " ORDER BY " + *order_by;
        }
        return "SELECT * FROM " + input.relation + " QUALIFY row_number() OVER (" + window + ") = 1";
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDeduplicateTransformer() {
    return std::make_unique<Deduplicate>();
}

} // namespace odibi::transform
