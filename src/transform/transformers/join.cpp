// join: joins the input with another node's output on equal-named key columns.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

const std::vector<std::string> JOIN_TYPES = {"inner", "left", "right", "full", "cross", "anti", "semi"};

class JoinTransformer final : public BuiltinTransformer {
public:
    JoinTransformer()
        : BuiltinTransformer(
              "join",
              "relational",
              "Joins the input with another node's output (by node name) on equal-named key columns; the keys "
              "appear once. A right column whose name the input already has is renamed "
              "<column>_<prefix or right_dataset>. anti keeps input rows without a match, semi input rows with "
              "at least one (neither adds right columns nor multiplies rows). NULL keys never match.",
              {RequiredParam("right_dataset", "string", "name of the node whose output is joined"),
               OptionalParam("on", "string|list[string]", "", "key column(s), present in both; not for cross"),
               OptionalParam("how", "string", "left", "join type", JOIN_TYPES),
               OptionalParam("prefix", "string", "", "suffix for colliding right columns (default: right_dataset)")},
              {{"right_dataset", "customers"}, {"on", {"customer_id"}}, {"how", "left"}}) {}

private:
    void Check(const ParamReader& params) const override {
        std::string how = params.GetEnum("how");
        auto keys = params.TryGetStringList("on");
        if (how == "cross") {
            if (keys && !keys->empty()) {
                throw params.Invalid("on", "a cross join takes no \"on\" keys");
            }
            return;
        }
        if (!keys || keys->empty()) {
            throw params.Invalid("on", "\"on\" must name at least one key column for a " + how + " join");
        }
        for (const auto& key : *keys) {
            if (Trim(key).empty()) {
                throw params.Invalid("on", "\"on\" holds an empty column name");
            }
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        const std::string how = params.GetEnum("how");
        const std::string dataset = params.GetString("right_dataset");
        auto left = RelationColumns::OfInput(input);
        auto right = RelationColumns::OfDataset(input.connection, dataset, params, "right_dataset");
        const std::string right_relation = engine::QuoteIdentifier(dataset);
        const std::string what = "dataset \"" + dataset + "\"";

        std::vector<std::string> left_keys;
        std::vector<std::string> right_keys;
        for (const auto& key : params.GetStringList("on")) {
            left_keys.push_back(left.Resolve(key, params, "on"));
            right_keys.push_back(right.Resolve(key, params, "on", what));
        }
        std::vector<std::string> conditions;
        for (size_t index = 0; index < left_keys.size(); ++index) {
            conditions.push_back("l." + engine::QuoteIdentifier(left_keys[index]) + " = r." +
                                 engine::QuoteIdentifier(right_keys[index]));
        }
        const std::string on_clause = conditions.empty() ? "" : " ON " + odibi::Join(conditions, " AND ");
        const std::string from = " FROM " + input.relation + " AS l ";

        if (how == "semi" || how == "anti") {
            return "SELECT l.*" + from + (how == "semi" ? "SEMI" : "ANTI") + " JOIN " + right_relation + " AS r" +
                   on_clause;
        }

        std::vector<std::string> select;
        std::vector<std::string> output_names = left.Names();
        for (const auto& column : left.Columns()) {
            std::string quoted = engine::QuoteIdentifier(column.name);
            bool is_key = std::any_of(
                left_keys.begin(), left_keys.end(), [&](const std::string& key) { return key == column.name; });
            if (is_key && (how == "right" || how == "full")) {
                size_t key_index = std::find(left_keys.begin(), left_keys.end(), column.name) - left_keys.begin();
                select.push_back("COALESCE(l." + quoted + ", r." + engine::QuoteIdentifier(right_keys[key_index]) +
                                 ") AS " + quoted);
            } else {
                select.push_back("l." + quoted);
            }
        }
        // As Odibi's pandas path: an empty prefix counts as none.
        const std::string prefix = params.GetString("prefix");
        const std::string suffix = "_" + (prefix.empty() ? dataset : prefix);
        for (const auto& column : right.Columns()) {
            bool is_key = std::any_of(
                right_keys.begin(), right_keys.end(), [&](const std::string& key) { return key == column.name; });
            if (is_key) {
                continue;
            }
            std::string quoted = engine::QuoteIdentifier(column.name);
            if (left.Contains(column.name)) {
                output_names.push_back(column.name + suffix);
                select.push_back("r." + quoted + " AS " + engine::QuoteIdentifier(output_names.back()));
            } else {
                output_names.push_back(column.name);
                select.push_back("r." + quoted);
            }
        }
        EnsureDistinctColumnNames(output_names, params, params.Has("prefix") ? "prefix" : "right_dataset");
        std::string join_type = how == "full" ? "FULL OUTER" : ToUpper(how);
        return "SELECT " + odibi::Join(select, ", ") + from + join_type + " JOIN " + right_relation + " AS r" +
               on_clause;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeJoinTransformer() {
    return std::make_unique<JoinTransformer>();
}

} // namespace odibi::transform
