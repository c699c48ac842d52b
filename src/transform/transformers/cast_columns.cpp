// cast_columns: casts listed columns to SQL types (with Odibi's short aliases) and keeps the order.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

// Odibi's simple type names; anything else is a SQL type written as the user wrote it.
std::string SqlTypeFor(const std::string& type) {
    static const std::vector<std::pair<std::string, std::string>> ALIASES = {
        {"int", "INTEGER"},
        {"integer", "INTEGER"},
        {"str", "VARCHAR"},
        {"string", "VARCHAR"},
        {"float", "DOUBLE"},
        {"double", "DOUBLE"},
        {"bool", "BOOLEAN"},
        {"boolean", "BOOLEAN"},
        {"date", "DATE"},
        {"timestamp", "TIMESTAMP"},
    };
    std::string lowered = ToLower(Trim(type));
    for (const auto& [alias, sql_type] : ALIASES) {
        if (lowered == alias) {
            return sql_type;
        }
    }
    return type;
}

class CastColumns final : public BuiltinTransformer {
public:
    CastColumns()
        : BuiltinTransformer(
              "cast_columns",
              "row/column",
              "Casts the listed columns to SQL types; other columns and the column order are kept. Aliases (any "
              "case): int/integer -> INTEGER, str/string -> VARCHAR, float/double -> DOUBLE, bool/boolean -> "
              "BOOLEAN, date -> DATE, timestamp -> TIMESTAMP; any other text is used as a SQL type. A value that "
              "cannot be cast is an error.",
              {RequiredParam("casts", "map[string,string]", "column -> type (alias or SQL type)")},
              {{"casts", {{"amount", "double"}, {"order_id", "string"}, {"ordered_at", "DATE"}}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        std::vector<std::string> replacements(columns.Columns().size());
        for (const auto& [name, type] : params.GetStringMap("casts")) {
            const std::string& column = columns.Resolve(name, params, "casts");
            if (Trim(type).empty()) {
                throw params.Invalid("casts", "the type for column \"" + name + "\" is empty");
            }
            replacements[*columns.TryFind(column)] =
                "CAST(" + engine::QuoteIdentifier(column) + " AS " + SqlTypeFor(type) + ")";
        }
        return SelectReplacing(columns, replacements, input.relation);
    }
};

} // namespace

std::unique_ptr<Transformer> MakeCastColumnsTransformer() {
    return std::make_unique<CastColumns>();
}

} // namespace odibi::transform
