// PrefixRegex and odibi_regexp_prefix_match give RE2's answers: every case is checked against DuckDB's
// own regexp_matches(text, '^(?:pattern)') on the same texts, for written and generated patterns.
#include <random>
#include <string>
#include <vector>

#include "prefix_regex.hpp"
#include <gtest/gtest.h>

#include "odibi/engine/database.hpp"
#include "odibi/engine/regex.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::engine {
namespace {

const std::vector<std::string>& Texts() {
    static const std::vector<std::string> texts = {"",
                                                   "a",
                                                   "b",
                                                   "ab",
                                                   "ba",
                                                   "aab",
                                                   "abab",
                                                   "1",
                                                   "12",
                                                   "a1",
                                                   "1a",
                                                   " ",
                                                   "a b",
                                                   "\n",
                                                   "a\n",
                                                   "\na",
                                                   "\t1",
                                                   "_x",
                                                   "-",
                                                   "a-b",
                                                   ".",
                                                   "a.b",
                                                   "\xC3\xA9",
                                                   "a\xC3\xA9",
                                                   "\xC3\xA9"
                                                   "a",
                                                   "\xE6\x97\xA5\xE6\x9C\xAC",
                                                   "\xF0\x9F\x98\x80x",
                                                   "user1@example.com",
                                                   "user@ex.c",
                                                   "x@y",
                                                   "@example.com",
                                                   "USER1@EXAMPLE.COM",
                                                   "2026-11-22",
                                                   "2026-1-2",
                                                   "AB-123",
                                                   "ab-12",
                                                   "{",
                                                   "a{2}",
                                                   "]",
                                                   "\v",
                                                   "\f\r",
                                                   "aaaaaaaaaa",
                                                   "abcabcabc",
                                                   "a\xC3\xA9"
                                                   "b"};
    return texts;
}

// RE2's answer (DuckDB's regexp_matches) and the DFA function's, for every text, in one query. The
// pattern reaches regexp_matches as a column, not a constant: DuckDB rewrites some constant patterns
// into string comparisons that answer differently from RE2 ('^(?:)' becomes t = '', '^(?:$a)'
// becomes a prefix test for 'a').
struct Answers {
    std::vector<std::optional<std::string>> re2;
    std::vector<std::optional<std::string>> dfa;
};

Answers Ask(Connection& connection, const std::string& pattern) {
    std::string values;
    for (size_t index = 0; index < Texts().size(); ++index) {
        values += (index == 0 ? "(" : ", (") + std::to_string(index) + ", " + QuoteLiteral(Texts()[index]) + ")";
    }
    auto table =
        connection.Query("SELECT regexp_matches(t, p), " + PrefixMatchSql("t", pattern) + " FROM (VALUES " + values +
                         ") AS v(i, t), (VALUES (" + QuoteLiteral(AnchoredPattern(pattern)) + ")) AS q(p) ORDER BY i");
    Answers answers;
    for (const auto& row : table.Rows()) {
        answers.re2.push_back(row.at(0));
        answers.dfa.push_back(row.at(1));
    }
    return answers;
}

void ExpectSameAsRe2(Connection& connection, const std::string& pattern) {
    auto regex = PrefixRegex::Compile(pattern);
    ASSERT_TRUE(regex.has_value()) << "pattern " << pattern;
    ASSERT_NE(PrefixMatchSql("t", pattern).find(PREFIX_MATCH_FUNCTION), std::string::npos);
    Answers answers = Ask(connection, pattern);
    ASSERT_EQ(answers.re2.size(), Texts().size());
    for (size_t index = 0; index < Texts().size(); ++index) {
        bool expected = answers.re2[index] == "true";
        EXPECT_EQ(regex->MatchesPrefix(Texts()[index]), expected)
            << "pattern '" << pattern << "' on text '" << Texts()[index] << "'";
        EXPECT_EQ(answers.dfa[index], answers.re2[index])
            << "SQL function, pattern '" << pattern << "' on text '" << Texts()[index] << "'";
    }
}

class PrefixRegexTest : public ::testing::Test {
protected:
    std::unique_ptr<Database> database_ = OpenDuckDb({});
    std::unique_ptr<Connection> connection_ = database_->Connect();
};

TEST_F(PrefixRegexTest, WrittenPatternsAnswerAsRe2Does) {
    const std::vector<std::string> patterns = {
        "",
        "a",
        "ab",
        "a|b",
        "a|",
        "a*",
        "a+b",
        "a?b",
        "a{2}",
        "a{2,}",
        "a{1,3}b",
        "a{,2}",
        "a+?b",
        "(ab)+",
        "(?:ab|a)b",
        "(?P<word>\\w+)-",
        ".",
        ".*b",
        "..",
        "a.b",
        "[ab]+$",
        "[^a]",
        "[^a-z]",
        "[]a]",
        "[a-]",
        "[-a]",
        "[\\d.]+",
        "[\\w-]+",
        "[\\s]",
        "\\d+",
        "\\D",
        "\\w+",
        "\\W",
        "\\s",
        "\\S+",
        "\\.",
        "a\\.b",
        "\\x41",
        "\\t|\\n|\\v|\\f",
        "^a",
        "a$",
        "^$",
        "\\Aa\\z",
        "a|^b",
        "b$|a",
        "$a",
        "\xC3\xA9",
        "a\xC3\xA9",
        ".\xC3\xA9?",
        "[^x]{2}",
        "(a|b)*c",
        "[a-z0-9]+@[a-z]+[.][a-z]+",
        "[A-Z]{2}-\\d{3}",
        "\\d{4}-\\d{2}-\\d{2}$",
        ".*@.*\\..*",
        "(a*)*b",
        "(a|ab)(c|bcd)?",
        "{",
        "a{2",
        "]",
    };
    for (const auto& pattern : patterns) {
        ExpectSameAsRe2(*connection_, pattern);
    }
}

// Patterns drawn from pieces of the subset, each checked on every text.
TEST_F(PrefixRegexTest, GeneratedPatternsAnswerAsRe2Does) {
    const std::vector<std::string> atoms = {
        "a", "b", "1", ".", "[ab]", "[^a]", "\\d", "\\s", "\\W", "\\w", "-", "\xC3\xA9", "[a-c1]", "\\.", "[^\\n]"};
    const std::vector<std::string> quantifiers = {"", "", "", "*", "+", "?", "{2}", "{1,2}", "{0,}", "*?"};
    std::mt19937 random(20261122);
    auto pick = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
    for (int round = 0; round < 400; ++round) {
        std::string pattern = random() % 5 == 0 ? "^" : "";
        int pieces = 1 + static_cast<int>(random() % 4);
        for (int piece = 0; piece < pieces; ++piece) {
            std::string atom = pick(atoms);
            if (random() % 4 == 0) {
                atom = "(" + atom + "|" + pick(atoms) + pick(atoms) + ")";
            }
            pattern += atom + pick(quantifiers);
        }
        if (random() % 5 == 0) {
            pattern += "$";
        }
        ExpectSameAsRe2(*connection_, pattern);
    }
}

TEST_F(PrefixRegexTest, SyntaxOutsideTheSubsetFallsBackToRegexpMatches) {
    for (const std::string pattern :
         {"(?i)abc", "\\bword", "\\pL", "a\\1", "[[:alpha:]]", "[\xC3\xA9]", "\\x{e9}", "a{101}", "\\Qa.b\\E", "\\C"}) {
        EXPECT_FALSE(PrefixRegex::Compile(pattern).has_value()) << pattern;
        std::string sql = PrefixMatchSql("t", pattern);
        EXPECT_EQ(sql.find(PREFIX_MATCH_FUNCTION), std::string::npos) << sql;
        EXPECT_NE(sql.find("regexp_matches"), std::string::npos) << sql;
    }
    EXPECT_EQ(connection_->Query("SELECT " + PrefixMatchSql("'Word'", "(?i)word")).Scalar(), "true");
}

TEST_F(PrefixRegexTest, FunctionGivesNullForNullAndNeedsAConstantPattern) {
    EXPECT_FALSE(connection_->Query("SELECT " + PrefixMatchSql("NULL::VARCHAR", "a")).Scalar().has_value());
    auto other = database_->Connect(); // registered for the database, not one connection
    EXPECT_EQ(other->Query("SELECT odibi_regexp_prefix_match('abc', 'a.')").Scalar(), "true");
    EXPECT_THROW((void)other->Query("SELECT odibi_regexp_prefix_match('abc', p) FROM (VALUES ('a')) AS v(p)"),
                 std::exception);
    EXPECT_THROW((void)other->Query("SELECT odibi_regexp_prefix_match('abc', '(?i)a')"), std::exception);
}

} // namespace
} // namespace odibi::engine
