// normalize_column_names: renames every column to a consistent style ("First Name" -> first_name).
#include <cctype>
#include <map>

#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

bool IsAsciiLower(char character) {
    return character >= 'a' && character <= 'z';
}
bool IsAsciiUpper(char character) {
    return character >= 'A' && character <= 'Z';
}
bool IsWordCharacter(char character) {
    return IsAsciiLower(character) || IsAsciiUpper(character) || (character >= '0' && character <= '9') ||
           character == '_';
}
bool IsSeparator(char character) {
    return std::isspace(static_cast<unsigned char>(character)) != 0 || character == '-' || character == '.';
}

// Odibi's steps, in its order: lowercase; snake_case (runs of whitespace, '-' and '.' become '_',
// a lower-to-upper boundary gets '_', then lowercase); remove_special (keep [A-Za-z0-9_], collapse
// '_' runs, strip '_' at both ends).
std::string NormalizeName(const std::string& name, bool snake_case, bool lowercase, bool remove_special) {
    std::string result = lowercase ? ToLower(name) : name;
    if (snake_case) {
        std::string joined;
        for (size_t index = 0; index < result.size(); ++index) {
            if (IsSeparator(result[index])) {
                if (index == 0 || !IsSeparator(result[index - 1])) {
                    joined += '_';
                }
                continue;
            }
            joined += result[index];
        }
        std::string split;
        for (size_t index = 0; index < joined.size(); ++index) {
            if (index > 0 && IsAsciiLower(joined[index - 1]) && IsAsciiUpper(joined[index])) {
                split += '_';
            }
            split += joined[index];
        }
        result = ToLower(split);
    }
    if (remove_special) {
        std::string kept;
        for (char character : result) {
            if (!IsWordCharacter(character) || (character == '_' && !kept.empty() && kept.back() == '_')) {
                continue;
            }
            kept += character;
        }
        size_t begin = kept.find_first_not_of('_');
        size_t end = kept.find_last_not_of('_');
        result = begin == std::string::npos ? "" : kept.substr(begin, end - begin + 1);
    }
    return result;
}

class NormalizeColumnNames final : public BuiltinTransformer {
public:
    NormalizeColumnNames()
        : BuiltinTransformer(
              "normalize_column_names",
              "row/column",
              "Renames every column to one style: lowercase; snake_case turns runs of spaces, '-' and '.' into '_' "
              "and splits camelCase; remove_special drops characters other than letters, digits and '_' and "
              "trims '_'. \"First Name\" -> first_name. Two columns that end up with the same name are an error.",
              {OptionalParam("style", "string", "snake_case", "naming style", {"snake_case", "none"}),
               OptionalParam("lowercase", "bool", "true", "lower-case the names"),
               OptionalParam("remove_special", "bool", "true", "drop characters other than [A-Za-z0-9_]")},
              {{"style", "snake_case"}, {"lowercase", true}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const bool snake_case = params.GetEnum("style") == "snake_case";
        const bool lowercase = params.GetBool("lowercase");
        const bool remove_special = params.GetBool("remove_special");
        std::map<std::string, std::string> seen; // lower-cased new name -> the column that took it
        std::vector<std::string> select;
        for (const auto& column : columns.Columns()) {
            std::string new_name = NormalizeName(column.name, snake_case, lowercase, remove_special);
            if (new_name.empty()) {
                throw params.Invalid("style",
                                     "column \"" + column.name + "\" has no characters left after normalizing");
            }
            auto [position, inserted] = seen.emplace(ToLower(new_name), column.name);
            if (!inserted) {
                throw params.Invalid("style",
                                     "columns \"" + position->second + "\" and \"" + column.name +
                                         "\" would both be named \"" + new_name + "\"");
            }
            std::string item = engine::QuoteIdentifier(column.name);
            select.push_back(new_name == column.name ? item : item + " AS " + engine::QuoteIdentifier(new_name));
        }
        return "SELECT " + Join(select, ", ") + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeNormalizeColumnNamesTransformer() {
    return std::make_unique<NormalizeColumnNames>();
}

} // namespace odibi::transform
