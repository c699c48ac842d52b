// convert_timezone: re-expresses a wall-clock timestamp from one time zone in another.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class ConvertTimezone final : public BuiltinTransformer {
public:
    ConvertTimezone()
        : BuiltinTransformer(
              "convert_timezone",
              "row/column",
              "Adds output_col: the timestamp col, read as wall-clock time in source_tz, as wall-clock time in "
              "target_tz (IANA names such as \"America/New_York\"; daylight saving is applied).",
              {RequiredParam("col", "string", "the timestamp column"),
               OptionalParam("source_tz", "string", "UTC", "time zone that col's values are in"),
               RequiredParam("target_tz", "string", "time zone to express them in"),
               OptionalParam("output_col", "string", "", "name of the new column (default: <col>_converted)")},
              {{"col", "ordered_at"}, {"source_tz", "UTC"}, {"target_tz", "America/New_York"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& column = columns.Resolve(params.GetString("col"), params, "col");
        const std::string output = params.TryGetString("output_col").value_or(params.GetString("col") + "_converted");
        return "SELECT *, timezone(" + engine::QuoteLiteral(params.GetString("target_tz")) + ", timezone(" +
               engine::QuoteLiteral(params.GetString("source_tz")) + ", CAST(" + engine::QuoteIdentifier(column) +
               " AS TIMESTAMP))) AS " + engine::QuoteIdentifier(output) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeConvertTimezoneTransformer() {
    return std::make_unique<ConvertTimezone>();
}

} // namespace odibi::transform
