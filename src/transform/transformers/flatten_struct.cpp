// flatten_struct: turns the fields of a STRUCT column, down to a given depth, into prefixed columns.
#include "builtin_transformer.hpp"
#include "struct_fields.hpp"

namespace odibi::transform {
namespace {

class FlattenStruct final : public BuiltinTransformer {
public:
    FlattenStruct()
        : BuiltinTransformer(
              "flatten_struct",
              "advanced",
              "Appends one column per field of the STRUCT column, named prefix + the field names joined by separator "
              "(address_geo_lat). Nested STRUCT fields are flattened until depth levels are done; a STRUCT at the "
              "last level stays one column. A NULL struct gives NULL fields. The struct column is dropped unless "
              "drop_source is false.",
              {RequiredParam("column", "string", "the STRUCT column"),
               OptionalParam("prefix", "string", "", "prefix of the new columns (default: <column><separator>)"),
               OptionalParam("depth", "int", "1", "how many levels of nesting to flatten (at least 1)"),
               OptionalParam("separator", "string", "_", "joins the prefix-less names of nested fields"),
               OptionalParam("drop_source", "bool", "true", "drop the struct column after flattening")},
              {{"column", "address"}, {"prefix", "addr_"}, {"depth", 2}}) {}

private:
    void Check(const ParamReader& params) const override {
        if (params.GetInt("depth") < 1) {
            throw params.Invalid("depth", "\"depth\" must be at least 1 (1 flattens the top-level fields)");
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& name = columns.Resolve(params.GetString("column"), params, "column");
        const std::string& type = columns.Columns()[*columns.TryFind(name)].type;
        if (!IsStructType(type)) {
            Error error = params.Invalid("column", "column \"" + name + "\" is " + type + ", not a STRUCT");
            error.WithSuggestion("for JSON text use normalize_json, which parses and flattens it");
            throw error;
        }
        const std::string separator = params.GetString("separator");
        const std::string prefix = params.TryGetString("prefix").value_or(name + separator);
        bool drop_source = params.GetBool("drop_source");
        std::vector<std::string> select;
        std::vector<std::string> output_names;
        for (const auto& column : columns.Columns()) {
            if (drop_source && column.name == name) {
                continue;
            }
            select.push_back(engine::QuoteIdentifier(column.name));
            output_names.push_back(column.name);
        }
        auto leaves = FlattenStructFields(
            input.connection, input.relation, engine::QuoteIdentifier(name), params.GetInt("depth"));
        for (const auto& leaf : leaves) {
            std::string output = prefix + Join(leaf.path, separator);
            select.push_back(leaf.sql + " AS " + engine::QuoteIdentifier(output));
            output_names.push_back(output);
        }
        EnsureDistinctColumnNames(output_names, params, params.Has("prefix") ? "prefix" : "column");
        return "SELECT " + Join(select, ", ") + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeFlattenStructTransformer() {
    return std::make_unique<FlattenStruct>();
}

} // namespace odibi::transform
