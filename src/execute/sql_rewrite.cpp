// A small SQL tokenizer that finds bare identifiers so that `df` and aliases can be rewritten safely.
#include "sql_rewrite.hpp"

#include <cctype>

#include "odibi/common/strings.hpp"

namespace odibi::execute {
namespace {

bool IsIdentifierStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsIdentifierPart(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// Index just past a quoted section starting at `start` (quote char doubled inside = escaped).
size_t SkipQuoted(const std::string& sql, size_t start, char quote) {
    size_t position = start + 1;
    while (position < sql.size()) {
        if (sql[position] == quote) {
            if (position + 1 < sql.size() && sql[position + 1] == quote) {
                position += 2;
                continue;
            }
            return position + 1;
        }
        ++position;
    }
    return sql.size();
}

// The previous non-space character before `position`, or '\0'.
char PreviousSignificant(const std::string& sql, size_t position) {
    while (position > 0) {
        --position;
        if (!std::isspace(static_cast<unsigned char>(sql[position]))) {
            return sql[position];
        }
    }
    return '\0';
}

} // namespace

std::string RewriteRelationNames(const std::string& sql, const std::map<std::string, std::string>& replacements) {
    std::map<std::string, std::string> lowered;
    for (const auto& [name, replacement] : replacements) {
        lowered.emplace(ToLower(name), replacement);
    }
    std::string result;
    result.reserve(sql.size());
    size_t position = 0;
    while (position < sql.size()) {
        char c = sql[position];
        if (c == '\'' || c == '"') {
            size_t end = SkipQuoted(sql, position, c);
            result.append(sql, position, end - position);
            position = end;
            continue;
        }
        if (c == '-' && position + 1 < sql.size() && sql[position + 1] == '-') {
            size_t end = sql.find('\n', position);
            end = end == std::string::npos ? sql.size() : end;
            result.append(sql, position, end - position);
            position = end;
            continue;
        }
        if (c == '/' && position + 1 < sql.size() && sql[position + 1] == '*') {
            size_t end = sql.find("*/", position + 2);
            end = end == std::string::npos ? sql.size() : end + 2;
            result.append(sql, position, end - position);
            position = end;
            continue;
        }
        if (IsIdentifierStart(c)) {
            size_t end = position;
            while (end < sql.size() && IsIdentifierPart(sql[end])) {
                ++end;
            }
            std::string word = sql.substr(position, end - position);
            auto found = lowered.find(ToLower(word));
            bool qualified = PreviousSignificant(sql, position) == '.';
            bool function_call = end < sql.size() && sql[end] == '(';
            if (found != lowered.end() && !qualified && !function_call) {
                // `df.col` keeps working: the replacement is a quoted relation name, so `"x".col`.
                result += found->second;
            } else {
                result += word;
            }
            position = end;
            continue;
        }
        if (std::isdigit(static_cast<unsigned char>(c))) {
            // Numbers such as 1e5 must not be read as identifiers.
            size_t end = position;
            while (end < sql.size() && IsIdentifierPart(sql[end])) {
                ++end;
            }
            result.append(sql, position, end - position);
            position = end;
            continue;
        }
        result += c;
        ++position;
    }
    return result;
}

std::string StripTrailingSemicolons(const std::string& sql) {
    std::string text = Trim(sql);
    while (!text.empty() && text.back() == ';') {
        text.pop_back();
        text = Trim(text);
    }
    return text;
}

} // namespace odibi::execute
