// normalize_json: parses a JSON column and flattens every nested object key into its own column.
#include "builtin_transformer.hpp"
#include "struct_fields.hpp"

namespace odibi::transform {
namespace {

// json_structure spells non-negative integers UBIGINT and keys that are always null NULL; the
// columns a user expects are BIGINT and VARCHAR.
void UseFriendlyTypes(config::Json& structure) {
    if (structure.is_string()) {
        const std::string type = structure.get<std::string>();
        if (type == "UBIGINT") {
            structure = "BIGINT";
        } else if (type == "NULL") {
            structure = "VARCHAR";
        }
        return;
    }
    if (structure.is_object() || structure.is_array()) {
        for (auto& child : structure) {
            UseFriendlyTypes(child);
        }
    }
}

// A name for a helper column that no input column has.
std::string HelperColumnName(const RelationColumns& columns) {
    std::string name = "__odibi_parsed_json";
    while (columns.Contains(name)) {
        name += "_";
    }
    return name;
}

class NormalizeJson final : public BuiltinTransformer {
public:
    NormalizeJson()
        : BuiltinTransformer(
              "normalize_json",
              "advanced",
              "Parses column (JSON text, JSON or STRUCT) and appends one column per key of its objects, nested "
              "objects flattened to every level and named by their keys joined with sep (customer_address_city); "
              "the source column is kept, and a name the input already has gets the suffix _json. Arrays stay "
              "one column. For JSON text the set of keys and their types is read from the data once, when the "
              "step is compiled (a key holding different types in different rows becomes a JSON column); no "
              "columns are added when every value is NULL.",
              {RequiredParam("column", "string", "the column holding JSON objects"),
               OptionalParam("sep", "string", "_", "joins the keys of nested objects in column names")},
              {{"column", "payload"}, {"sep", "_"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& name = columns.Resolve(params.GetString("column"), params, "column");
        const std::string& type = columns.Columns()[*columns.TryFind(name)].type;
        const std::string helper = engine::QuoteIdentifier(HelperColumnName(columns));
        std::string parsed;
        if (IsStructType(type)) {
            parsed = engine::QuoteIdentifier(name);
        } else if (type == "VARCHAR" || type == "JSON") {
            const std::string json = "CAST(" + engine::QuoteIdentifier(name) + " AS JSON)";
            // A view's columns are fixed when it is created, so the keys (a small result) are read now,
            // with whether every value is an object (or null).
            auto result = input.connection.Query(
                "SELECT CAST(json_group_structure(value) AS VARCHAR), bool_and(json_type(value) IN ('OBJECT', "
                "'NULL')) FROM (SELECT " +
                json + " AS value FROM " + input.relation + ")");
            const auto& cell = result.Rows().at(0).at(0);
            const bool only_objects = result.Rows().at(0).at(1).value_or("true") == "true";
            auto structure = config::Json::parse(cell.value_or("null"));
            if (only_objects && !structure.is_object()) {
                return "SELECT * FROM " + input.relation; // no keys at all: every value is NULL or {}
            }
            if (!structure.is_object()) {
                Error error = params.Invalid(
                    "column",
                    "column \"" + name + "\" does not hold a JSON object in every row (its values have the shape " +
                        cell.value_or("NULL") + ")");
                error.WithSuggestion("filter out rows whose value is not an object, e.g. with filter_rows and "
                                     "json_type(" +
                                     engine::QuoteIdentifier(name) + ") = 'OBJECT'");
                throw error;
            }
            UseFriendlyTypes(structure);
            parsed = "json_transform(" + json + ", " + engine::QuoteLiteral(structure.dump()) + ")";
        } else {
            throw params.Invalid("column",
                                 "column \"" + name + "\" is " + type +
                                     "; normalize_json needs JSON text (VARCHAR), JSON or a STRUCT");
        }
        const std::string parsed_relation = "(SELECT " + parsed + " AS " + helper + " FROM " + input.relation + ")";
        auto leaves = FlattenStructFields(input.connection, parsed_relation, helper, 0);
        std::vector<std::string> select = {"* EXCLUDE (" + helper + ")"};
        std::vector<std::string> output_names = columns.Names();
        for (const auto& leaf : leaves) {
            std::string output = Join(leaf.path, params.GetString("sep"));
            if (columns.Contains(output)) {
                output += "_json";
            }
            select.push_back(leaf.sql + " AS " + engine::QuoteIdentifier(output));
            output_names.push_back(output);
        }
        EnsureDistinctColumnNames(output_names, params, "column");
        return "SELECT " + Join(select, ", ") + " FROM (SELECT *, " + parsed + " AS " + helper + " FROM " +
               input.relation + ")";
    }
};

} // namespace

std::unique_ptr<Transformer> MakeNormalizeJsonTransformer() {
    return std::make_unique<NormalizeJson>();
}

} // namespace odibi::transform
