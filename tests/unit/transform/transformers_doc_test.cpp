// docs/transformers.md is exactly what the registry generates, and it documents every transformer.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "odibi/common/strings.hpp"
#include "odibi/transform/transformer.hpp"
#include "odibi/transform/transformer_docs.hpp"

namespace odibi::transform {
namespace {

const std::string DOC_PATH = ODIBI_SOURCE_DIR "/docs/transformers.md";

std::string ReadWholeFile(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

TEST(TransformersDoc, MatchesTheRegistry) {
    const std::string generated = TransformersMarkdown(TransformerRegistry::Builtins());
    const char* update = std::getenv("ODIBI_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        std::ofstream(DOC_PATH, std::ios::binary) << generated;
    }
    const std::string written = ReadWholeFile(DOC_PATH);
    if (written == generated) {
        return;
    }
    // Point at the first differing line rather than dumping two long documents.
    std::istringstream written_lines(written);
    std::istringstream generated_lines(generated);
    std::string written_line;
    std::string generated_line;
    int line = 1;
    while (std::getline(generated_lines, generated_line)) {
        if (!std::getline(written_lines, written_line) || written_line != generated_line) {
            break;
        }
        ++line;
    }
    ADD_FAILURE() << "docs/transformers.md is out of date at line " << line << ":\n  file:      " << written_line
                  << "\n  generated: " << generated_line
                  << "\nregenerate it: odibi list transformers --format markdown > docs/transformers.md "
                     "(or run this test with ODIBI_UPDATE_GOLDEN=1)";
}

TEST(TransformersDoc, HasASectionWithParamsAndExampleForEveryTransformer) {
    const std::string generated = TransformersMarkdown(TransformerRegistry::Builtins());
    for (const auto& name : TransformerRegistry::Builtins().Names()) {
        SCOPED_TRACE(name);
        const auto& info = TransformerRegistry::Builtins().Get(name).Info();
        if (info.category == "pattern") {
            continue; // docs/patterns.md
        }
        size_t section = generated.find("\n### " + name + "\n");
        ASSERT_NE(section, std::string::npos);
        size_t next = generated.find("\n### ", section + 1);
        const std::string body =
            generated.substr(section, next == std::string::npos ? std::string::npos : next - section);
        const std::string description = ReplaceAll(ReplaceAll(info.description, "&", "&amp;"), "<", "&lt;");
        EXPECT_THAT(body, ::testing::HasSubstr("\n\n" + description + "\n\n"));
        for (const auto& param : info.params) {
            EXPECT_THAT(body, ::testing::HasSubstr("| `" + param.name + "` |"));
        }
        EXPECT_THAT(body, ::testing::HasSubstr("```yaml\n" + info.example_yaml + "```"));
        EXPECT_THAT(generated, ::testing::HasSubstr("| [" + name + "](#" + name + ") |"));
    }
}

TEST(TransformersDoc, ProseIsEscapedAndTheIndexKeepsWholeSentences) {
    const std::string generated = TransformersMarkdown(TransformerRegistry::Builtins());
    // "<col>" would be an HTML tag to a Markdown renderer.
    EXPECT_THAT(generated, ::testing::HasSubstr("Adds &lt;col>_future"));
    EXPECT_THAT(generated, ::testing::Not(::testing::HasSubstr("<col>")));
    // "e.g." does not end the first sentence.
    EXPECT_THAT(
        generated,
        ::testing::HasSubstr("| [deduplicate](#deduplicate) | advanced | Keeps one row per combination of the "
                             "key columns: the first by order_by (e.g. the latest with \"updated_at DESC\"). |"));
}

TEST(TransformersDoc, ParamTableCellsEscapePipes) {
    const std::string generated = TransformersMarkdown(TransformerRegistry::Builtins());
    // sort's `by` is string|list[string]: an unescaped pipe would split the table cell.
    EXPECT_THAT(generated, ::testing::HasSubstr("`string\\|list[string]`"));
    EXPECT_THAT(generated, ::testing::Not(::testing::HasSubstr("`string|list[string]`")));
}

} // namespace
} // namespace odibi::transform
