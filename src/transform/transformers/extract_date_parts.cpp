// extract_date_parts: adds <prefix>_year / _month / _day / _hour columns from a date or timestamp.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class ExtractDateParts final : public BuiltinTransformer {
public:
    ExtractDateParts()
        : BuiltinTransformer(
              "extract_date_parts",
              "row/column",
              "Adds one integer column per part, named <prefix>_<part>, taken from a date or timestamp column. "
              "NULL gives NULL.",
              {RequiredParam("source_col", "string", "the date or timestamp column"),
               OptionalParam("prefix", "string", "", "prefix of the new columns (default: source_col)"),
               OptionalParam("parts",
                             "list[string]",
                             "[year, month, day]",
                             "parts to extract",
                             {"year", "month", "day", "hour"})},
              {{"source_col", "ordered_at"}, {"prefix", "order"}, {"parts", {"year", "month"}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string source =
            engine::QuoteIdentifier(columns.Resolve(params.GetString("source_col"), params, "source_col"));
        const std::string prefix = params.TryGetString("prefix").value_or(params.GetString("source_col"));
        auto parts = params.TryGetStringList("parts").value_or(std::vector<std::string>{"year", "month", "day"});
        std::string sql = "SELECT *";
        for (const auto& part : parts) {
            std::string lowered = ToLower(part);
            sql += ", " + lowered + "(" + source + ") AS " + engine::QuoteIdentifier(prefix + "_" + lowered);
        }
        return sql + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeExtractDatePartsTransformer() {
    return std::make_unique<ExtractDateParts>();
}

} // namespace odibi::transform
