// Tests of redaction, truncation and status normalisation for catalog text.
#include "catalog_text.hpp"
#include <gtest/gtest.h>

#include "odibi/common/log.hpp"

namespace odibi::state {
namespace {

TEST(CatalogTextTest, KeepsShortTextWhole) {
    EXPECT_EQ(TruncateCharacters("abc", 3), "abc");
}

TEST(CatalogTextTest, CutsAtTheLimit) {
    EXPECT_EQ(TruncateCharacters("abcdef", 4), "abcd");
}

TEST(CatalogTextTest, CountsMultiByteCharactersAsOne) {
    // "é" is two bytes and "€" three: five characters, nine bytes.
    std::string text = "a\xC3\xA9\xE2\x82\xAC"
                       "bc";
    EXPECT_EQ(TruncateCharacters(text, 3), "a\xC3\xA9\xE2\x82\xAC");
    EXPECT_EQ(TruncateCharacters(text, 2), "a\xC3\xA9");
    EXPECT_EQ(TruncateCharacters(text, 5), text);
}

TEST(CatalogTextTest, ZeroLimitGivesEmptyText) {
    EXPECT_EQ(TruncateCharacters("abc", 0), "");
}

TEST(CatalogTextTest, RedactsBeforeCutting) {
    SecretRegistry::Register("catalog-text-secret-value");
    // The secret straddles the cut: redacting first leaves no fragment of it.
    std::string text = "login failed: catalog-text-secret-value was rejected";
    std::string stored = RedactForCatalog(text, 20);
    EXPECT_EQ(stored, "login failed: *** wa");
    EXPECT_EQ(stored.find("catalog-text"), std::string::npos);
}

TEST(CatalogTextTest, NormalizesStatusToUpperCase) {
    EXPECT_EQ(NormalizeStatus("success"), "SUCCESS");
    EXPECT_EQ(NormalizeStatus(" Failed "), "FAILED");
}

} // namespace
} // namespace odibi::state
