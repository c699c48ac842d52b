// date_add: adds <col>_future = col + value units.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class DateAdd final : public BuiltinTransformer {
public:
    DateAdd()
        : BuiltinTransformer(
              "date_add",
              "row/column",
              "Adds <col>_future: the date or timestamp col plus value units (value may be "
              "negative). Adding to a DATE gives a TIMESTAMP.",
              {RequiredParam("col", "string", "the date or timestamp column"),
               RequiredParam("value", "int", "how many units to add"),
               RequiredParam(
                   "unit", "string", "the unit of value", {"day", "month", "year", "hour", "minute", "second"})},
              {{"col", "ordered_at"}, {"value", 30}, {"unit", "day"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& column = columns.Resolve(params.GetString("col"), params, "col");
        return "SELECT *, " + engine::QuoteIdentifier(column) + " + INTERVAL (" +
               std::to_string(params.GetInt("value")) + ") " + ToUpper(params.GetEnum("unit")) + " AS " +
               engine::QuoteIdentifier(params.GetString("col") + "_future") + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDateAddTransformer() {
    return std::make_unique<DateAdd>();
}

} // namespace odibi::transform
