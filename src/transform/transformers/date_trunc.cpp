// date_trunc: adds <col>_trunc, the date or timestamp truncated to a unit.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class DateTrunc final : public BuiltinTransformer {
public:
    DateTrunc()
        : BuiltinTransformer(
              "date_trunc",
              "row/column",
              "Adds <col>_trunc: the date or timestamp col truncated to the start of its unit.",
              {RequiredParam("col", "string", "the date or timestamp column"),
               RequiredParam(
                   "unit", "string", "the precision to keep", {"year", "month", "day", "hour", "minute", "second"})},
              {{"col", "ordered_at"}, {"unit", "month"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& column = columns.Resolve(params.GetString("col"), params, "col");
        return "SELECT *, date_trunc(" + engine::QuoteLiteral(params.GetEnum("unit")) + ", " +
               engine::QuoteIdentifier(column) + ") AS " + engine::QuoteIdentifier(params.GetString("col") + "_trunc") +
               " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDateTruncTransformer() {
    return std::make_unique<DateTrunc>();
}

} // namespace odibi::transform
