// docs/errors.md documents every ErrorCode: each enumerator's "E%03d" code and its name share a line.
#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace odibi {
namespace {

std::string ReadWholeFile(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        ADD_FAILURE() << "cannot read " << path;
        return "";
    }
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

/// The body of `enum class ErrorCode ... { ... };` in the header's text.
std::string ErrorCodeEnumBody(const std::string& header) {
    static const std::regex enum_body(R"(enum\s+class\s+ErrorCode[^{]*\{([^}]*)\})");
    std::smatch match;
    if (!std::regex_search(header, match, enum_body)) {
        return "";
    }
    return match[1].str();
}

/// Every `NAME = number` of the enum body, in declaration order.
std::vector<std::pair<std::string, int>> Enumerators(const std::string& body) {
    static const std::regex enumerator(R"(\b([A-Z][A-Z0-9_]*)\s*=\s*([0-9]+))");
    std::vector<std::pair<std::string, int>> result;
    for (auto match = std::sregex_iterator(body.begin(), body.end(), enumerator); match != std::sregex_iterator();
         ++match) {
        result.emplace_back((*match)[1].str(), std::stoi((*match)[2].str()));
    }
    return result;
}

/// Whether `word` occurs in `line` with no letter, digit or underscore on either side.
bool ContainsWord(const std::string& line, const std::string& word) {
    auto is_word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
    for (size_t position = line.find(word); position != std::string::npos; position = line.find(word, position + 1)) {
        bool starts_word = position == 0 || !is_word_char(line[position - 1]);
        size_t end = position + word.size();
        bool ends_word = end == line.size() || !is_word_char(line[end]);
        if (starts_word && ends_word) {
            return true;
        }
    }
    return false;
}

/// Whether some line of `doc` names both the code ("E102") and the enumerator ("UNKNOWN_KEY").
bool DocumentsCode(const std::string& doc, const std::string& code, const std::string& name) {
    std::istringstream lines(doc);
    std::string line;
    while (std::getline(lines, line)) {
        if (ContainsWord(line, code) && ContainsWord(line, name)) {
            return true;
        }
    }
    return false;
}

TEST(ErrorsDoc, ListsEveryErrorCode) {
    std::string header = ReadWholeFile(ODIBI_SOURCE_DIR "/include/odibi/common/error.hpp");
    std::string doc = ReadWholeFile(ODIBI_SOURCE_DIR "/docs/errors.md");
    auto enumerators = Enumerators(ErrorCodeEnumBody(header));
    // The enum has dozens of codes; finding only a few means the header's shape changed.
    ASSERT_GE(enumerators.size(), 10u) << "could not read the ErrorCode enumerators of error.hpp";
    for (const auto& [name, number] : enumerators) {
        std::string code = fmt::format("E{:03}", number);
        if (!DocumentsCode(doc, code, name)) {
            ADD_FAILURE() << "docs/errors.md has no line naming both " << code << " and " << name
                          << ": add its row (code, name, source, when, triggered by) and its section";
        }
    }
}

} // namespace
} // namespace odibi
