// The projection behind add_prefix and add_suffix.
#include "column_renaming.hpp"

namespace odibi::transform {

std::string CompileColumnRenaming(const ParamReader& params,
                                  const TransformInput& input,
                                  const std::function<std::string(const std::string&)>& rename) {
    auto columns = RelationColumns::OfInput(input);
    std::vector<bool> chosen(columns.Columns().size(), true);
    if (auto listed = params.TryGetStringList("columns")) {
        std::fill(chosen.begin(), chosen.end(), false);
        for (const auto& name : *listed) {
            chosen[*columns.TryFind(columns.Resolve(name, params, "columns"))] = true;
        }
    }
    for (const auto& name : params.GetStringList("exclude")) {
        chosen[*columns.TryFind(columns.Resolve(name, params, "exclude"))] = false;
    }
    std::vector<std::string> new_names;
    std::vector<std::string> select;
    for (size_t index = 0; index < chosen.size(); ++index) {
        const std::string& name = columns.Columns()[index].name;
        new_names.push_back(chosen[index] ? rename(name) : name);
        std::string item = engine::QuoteIdentifier(name);
        select.push_back(chosen[index] ? item + " AS " + engine::QuoteIdentifier(new_names.back()) : item);
    }
    EnsureDistinctColumnNames(new_names, params, params.TryGet("columns") != nullptr ? "columns" : "exclude");
    return "SELECT " + Join(select, ", ") + " FROM " + input.relation;
}

} // namespace odibi::transform
