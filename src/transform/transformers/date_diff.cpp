// date_diff: adds diff_<unit>, the time from start_col to end_col.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class DateDiff final : public BuiltinTransformer {
public:
    DateDiff()
        : BuiltinTransformer(
              "date_diff",
              "row/column",
              "Adds diff_<unit>: end_col minus start_col. day counts day boundaries crossed (an integer); hour and "
              "minute are whole seconds / 3600.0 or / 60.0 (fractional); second is whole seconds. Negative when "
              "end_col is earlier.",
              {RequiredParam("start_col", "string", "the earlier date or timestamp"),
               RequiredParam("end_col", "string", "the later date or timestamp"),
               OptionalParam(
                   "unit", "string", "day", "the unit of the difference", {"day", "hour", "minute", "second"})},
              {{"start_col", "ordered_at"}, {"end_col", "shipped_at"}, {"unit", "hour"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string start =
            engine::QuoteIdentifier(columns.Resolve(params.GetString("start_col"), params, "start_col"));
        const std::string end =
            engine::QuoteIdentifier(columns.Resolve(params.GetString("end_col"), params, "end_col"));
        const std::string unit = params.GetEnum("unit");
        std::string expression;
        if (unit == "day") {
            expression = "date_diff('day', " + start + ", " + end + ")";
        } else {
            std::string seconds = "date_diff('second', " + start + ", " + end + ")";
            if (unit == "hour") {
                expression = "(" + seconds + " / 3600.0)";
            } else if (unit == "minute") {
                expression = "(" + seconds + " / 60.0)";
            } else {
                expression = seconds;
            }
        }
        return "SELECT *, " + expression + " AS " + engine::QuoteIdentifier("diff_" + unit) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDateDiffTransformer() {
    return std::make_unique<DateDiff>();
}

} // namespace odibi::transform
