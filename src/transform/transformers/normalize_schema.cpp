// normalize_schema: drops, renames and (optionally) selects and orders columns in one step.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class NormalizeSchema final : public BuiltinTransformer {
public:
    NormalizeSchema()
        : BuiltinTransformer(
              "normalize_schema",
              "row/column",
              "Renames columns and then either drops the listed ones (missing ones are ignored) keeping the order, "
              "or, with select_order, keeps exactly the listed final names in that order (drop is then not used; "
              "unlisted columns are dropped, as Odibi does).",
              {OptionalParam("rename", "map[string,string]", "{}", "old column name -> new column name"),
               OptionalParam("drop", "list[string]", "[]", "columns to remove (missing ones are ignored)"),
               OptionalParam("select_order", "list[string]", "", "final column names, in output order")},
              {{"rename", {{"customer", "customer_name"}}}, {"drop", {"status"}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto renames = params.GetStringMap("rename");
        // The final name of each input column.
        std::vector<std::string> final_names = columns.Names();
        for (const auto& [old_name, new_name] : renames) {
            const std::string& column = columns.Resolve(old_name, params, "rename");
            final_names[*columns.TryFind(column)] = new_name;
        }
        std::vector<std::string> output_names;
        auto project = [&](size_t index) {
            const std::string& name = columns.Columns()[index].name;
            output_names.push_back(final_names[index]);
            std::string item = engine::QuoteIdentifier(name);
            return final_names[index] == name ? item : item + " AS " + engine::QuoteIdentifier(final_names[index]);
        };
        std::vector<std::string> select;
        if (auto order = params.TryGetStringList("select_order"); order && !order->empty()) {
            for (const auto& wanted : *order) {
                // A final name of a renamed column first, then an input column by its own name.
                std::optional<size_t> renamed;
                for (size_t index = 0; index < final_names.size() && !renamed; ++index) {
                    if (final_names[index] != columns.Columns()[index].name &&
                        SameColumnName(final_names[index], wanted)) {
                        renamed = index;
                    }
                }
                if (renamed) {
                    select.push_back(project(*renamed));
                    continue;
                }
                if (auto original = columns.TryFind(wanted)) {
                    output_names.push_back(columns.Columns()[*original].name);
                    select.push_back(engine::QuoteIdentifier(columns.Columns()[*original].name));
                    continue;
                }
                Error error = params.Invalid("select_order",
                                             "column \"" + wanted +
                                                 "\" (param \"select_order\") is neither an input column nor a "
                                                 "renamed one");
                error.WithSuggestion(DidYouMean(wanted, final_names));
                error.WithSuggestion("available columns after renaming: " + QuotedList(final_names));
                throw error;
            }
        } else {
            auto dropped = params.GetStringList("drop");
            for (size_t index = 0; index < final_names.size(); ++index) {
                const std::string& name = columns.Columns()[index].name;
                bool drop = std::any_of(dropped.begin(), dropped.end(), [&](const std::string& item) {
                    return SameColumnName(item, name);
                });
                if (!drop) {
                    select.push_back(project(index));
                }
            }
            if (select.empty()) {
                throw params.Invalid("drop", "\"drop\" removes every column of the input");
            }
        }
        EnsureDistinctColumnNames(output_names, params, params.Has("select_order") ? "select_order" : "rename");
        return "SELECT " + Join(select, ", ") + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeNormalizeSchemaTransformer() {
    return std::make_unique<NormalizeSchema>();
}

} // namespace odibi::transform
