// ${NAME} on raw text (with .env), ${vars.KEY} with native types, and ${date:...} expressions.
#include <ctime>

#include "config_test_support.hpp"
#include "environment.hpp"
#include "placeholders.hpp"
#include <gtest/gtest.h>

#include "odibi/config/project.hpp"

namespace odibi::config {
namespace {

using testing::LoadErrors;
using testing::MinimalProject;
using testing::PositionOf;
using testing::RenderAll;
using testing::TempDirectory;
using testing::WithCode;

// A local wall-clock time, independent of the machine's time zone.
TimePoint LocalTime(int year, int month, int day, int hour, int minute, int second) {
    std::tm parts{};
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    parts.tm_isdst = -1;
    return std::chrono::system_clock::from_time_t(std::mktime(&parts));
}

TEST(EnvironmentSubstitution, MissingVariablesAreAllReportedWithPositions) {
    ::unsetenv("ODIBI_TEST_MISSING_HOST");
    ::unsetenv("ODIBI_TEST_MISSING_TOKEN");
    TempDirectory directory;
    std::string text = "# uses ${ODIBI_TEST_MISSING_TOKEN} in a comment\n" +
                       MinimalProject("description: ${env:ODIBI_TEST_MISSING_HOST} and ${ODIBI_TEST_MISSING_HOST}\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    auto missing = WithCode(errors, ErrorCode::MISSING_ENVIRONMENT_VARIABLE);
    ASSERT_EQ(missing.size(), 2u) << RenderAll(errors);
    ASSERT_EQ(errors.size(), 2u) << RenderAll(errors);
    EXPECT_NE(missing[0].message.find("ODIBI_TEST_MISSING_TOKEN"), std::string::npos);
    EXPECT_EQ(missing[0].location.line, 1);
    EXPECT_EQ(missing[0].location.column, PositionOf(text, "${ODIBI_TEST_MISSING_TOKEN}").second);
    EXPECT_NE(missing[1].message.find("ODIBI_TEST_MISSING_HOST"), std::string::npos);
    auto [line, column] = PositionOf(text, "${env:ODIBI_TEST_MISSING_HOST}");
    EXPECT_EQ(missing[1].location.line, line);
    EXPECT_EQ(missing[1].location.column, column);
    std::string rendered = RenderAll(missing);
    EXPECT_NE(rendered.find("export ODIBI_TEST_MISSING_HOST=... or add ODIBI_TEST_MISSING_HOST=... to " +
                            (directory.Path() / ".env").string()),
              std::string::npos)
        << rendered;
}

TEST(EnvironmentSubstitution, DotEnvIsReadButNeverOverridesTheProcess) {
    TempDirectory directory;
    ::setenv("ODIBI_TEST_FROM_PROCESS", "process-wins", 1);
    ::unsetenv("ODIBI_TEST_OWNER");
    ::unsetenv("ODIBI_TEST_BASE");
    ::unsetenv("ODIBI_TEST_QUOTED");
    directory.Write(".env",
                    "# settings\n"
                    "export ODIBI_TEST_OWNER=data-team   # inline comment\n"
                    "ODIBI_TEST_BASE='./lake'\n"
                    "ODIBI_TEST_QUOTED=\"a ${ODIBI_TEST_OWNER} b\"\n"
                    "ODIBI_TEST_FROM_PROCESS=dotenv-loses\n");
    std::string text = MinimalProject("owner: ${ODIBI_TEST_OWNER}\ndescription: ${ODIBI_TEST_FROM_PROCESS}\n"
                                      "version: \"${ODIBI_TEST_QUOTED}\"\n");
    size_t base = text.find("./data");
    text.replace(base, 6, "${ODIBI_TEST_BASE}");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    ::unsetenv("ODIBI_TEST_FROM_PROCESS");
    EXPECT_EQ(result.project.owner, "data-team");
    EXPECT_EQ(result.project.description, "process-wins");
    EXPECT_EQ(result.project.version, "a data-team b");
    EXPECT_EQ(result.project.GetConnection("local").base_path, (directory.Path() / "lake").string());
    EXPECT_EQ(result.project.pipelines[0].owner, "data-team");
}

TEST(EnvironmentSubstitution, PositionsAfterASubstitutionStayExact) {
    TempDirectory directory;
    ::setenv("ODIBI_TEST_LONG", "a-much-longer-value-than-the-placeholder", 1);
    ::setenv("ODIBI_TEST_MULTILINE", "first\n  second: 2", 1);
    std::string text = MinimalProject("vars: {a: ${ODIBI_TEST_LONG}, b: 1, bad_key_here: ${ODIBI_TEST_LONG}}\n"
                                      "retry:\n  x: ${ODIBI_TEST_MULTILINE}\n  enabled: nope\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ::unsetenv("ODIBI_TEST_LONG");
    ::unsetenv("ODIBI_TEST_MULTILINE");
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    auto [line, column] = PositionOf(text, "nope");
    EXPECT_EQ(errors[0].location.line, line);
    EXPECT_EQ(errors[0].location.column, column);
}

TEST(EnvironmentSubstitution, OtherPlaceholdersAreLeftForLaterSteps) {
    TextPositions positions("a: ${vars.x} ${date:today} ${recipe.y} ${ODIBI_TEST_SET}");
    ::setenv("ODIBI_TEST_SET", "v", 1);
    SubstitutedText result = SubstituteEnvironment(
        "a: ${vars.x} ${date:today} ${recipe.y} ${ODIBI_TEST_SET}", EnvironmentVariables(), positions);
    ::unsetenv("ODIBI_TEST_SET");
    EXPECT_EQ(result.text, "a: ${vars.x} ${date:today} ${recipe.y} v");
    EXPECT_TRUE(result.missing.empty());
}

TEST(DotEnv, ParsesQuotesExportsCommentsAndInterpolation) {
    DiagnosticList diagnostics;
    ::unsetenv("ODIBI_TEST_A");
    auto values = ParseDotEnv("ODIBI_TEST_A=1\n"
                              "  export B = two words # comment\n"
                              "C='lit ${ODIBI_TEST_A}'\n"
                              "D=\"line\\nnext ${ODIBI_TEST_A} ${MISSING_ONE:-fallback}\"\n"
                              "E=\"multi\nline\"\n"
                              "URL=http://host/#anchor\n"
                              "JUSTKEY\n"
                              "not a line\n",
                              ".env",
                              diagnostics);
    EXPECT_EQ(values["ODIBI_TEST_A"], "1");
    EXPECT_EQ(values["B"], "two words");
    EXPECT_EQ(values["C"], "lit ${ODIBI_TEST_A}");
    EXPECT_EQ(values["D"], "line\nnext 1 fallback");
    EXPECT_EQ(values["E"], "multi\nline");
    EXPECT_EQ(values["URL"], "http://host/#anchor");
    EXPECT_EQ(values.count("JUSTKEY"), 0u);
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    EXPECT_EQ(diagnostics.Items()[0].severity, Severity::WARNING);
    EXPECT_EQ(diagnostics.Items()[0].location.line, 9);
}

TEST(Variables, WholePlaceholdersKeepTheirTypeEmbeddedOnesBecomeText) {
    TempDirectory directory;
    std::string text = MinimalProject("vars:\n  threads: 4\n  env: prod\n  columns: [id, name]\n"
                                      "  flag: true\n"
                                      "performance:\n  threads: ${vars.threads}\n"
                                      "description: \"${vars.env}-${vars.threads}\"\n"
                                      "owner: ${vars.nobody}\n");
    text.replace(text.find("      - name: load\n"),
                 19,
                 "      - name: load\n        tags: ${vars.columns}\n        cache: ${vars.flag}\n"
                 "        params: {cols: \"cols=${vars.columns}\", same: \"${vars.columns}\"}\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    EXPECT_EQ(result.project.performance.threads, 4);
    EXPECT_EQ(result.project.description, "prod-4");
    EXPECT_EQ(result.project.vars["columns"][1], "name");
    const NodeConfig& node = result.project.pipelines[0].nodes[0];
    EXPECT_EQ(node.tags, (std::vector<std::string>{"id", "name"}));
    EXPECT_TRUE(node.cache);
    EXPECT_EQ(node.params["cols"], "cols=[\"id\",\"name\"]");
    EXPECT_EQ(node.params["same"], Json::parse("[\"id\",\"name\"]"));
    EXPECT_EQ(result.project.owner, "");
    auto warnings = WithCode(result.diagnostics.Items(), ErrorCode::UNKNOWN_VARIABLE);
    ASSERT_EQ(warnings.size(), 1u) << RenderAll(result.diagnostics.Items());
    EXPECT_EQ(warnings[0].severity, Severity::WARNING);
    EXPECT_EQ(warnings[0].location.path, "owner");
    EXPECT_EQ(warnings[0].location.line, PositionOf(text, "${vars.nobody}").first);
}

TEST(Dates, ExpressionsFollowTheReference) {
    TimePoint now = LocalTime(2024, 3, 31, 14, 5, 9);
    auto date = [&](const std::string& expression, std::optional<std::string> format = std::nullopt) {
        return EvaluateDateExpression(expression, format, now).value_or("<unknown>");
    };
    EXPECT_EQ(date("now"), "2024-03-31 14:05:09");
    EXPECT_EQ(date("today"), "2024-03-31");
    EXPECT_EQ(date("yesterday"), "2024-03-30");
    EXPECT_EQ(date("start_of_month"), "2024-03-01");
    EXPECT_EQ(date("end_of_month"), "2024-03-31");
    EXPECT_EQ(date("start_of_year"), "2024-01-01");
    EXPECT_EQ(date("-1m"), "2024-02-29");
    EXPECT_EQ(date("+1m"), "2024-04-30");
    EXPECT_EQ(date("-13m"), "2023-02-28");
    EXPECT_EQ(date("-7d"), "2024-03-24");
    EXPECT_EQ(date("2w"), "2024-04-14");
    EXPECT_EQ(date("today", "%Y%m%d"), "20240331");
    EXPECT_EQ(date("-1d", "%Y-%m-%d %H:%M"), "2024-03-30 00:00");
    EXPECT_EQ(date("now", "%H:%M"), "14:05");
    EXPECT_EQ(date("next_tuesday"), "<unknown>");
    TimePoint leap = LocalTime(2024, 2, 29, 8, 0, 0);
    EXPECT_EQ(EvaluateDateExpression("+1y", std::nullopt, leap), "2025-02-28");
    EXPECT_EQ(EvaluateDateExpression("end_of_month", std::nullopt, leap), "2024-02-29");
    EXPECT_EQ(SubstituteDates("from ${date:-1d} to ${date:today:%d/%m} ${date:soon}", now),
              "from 2024-03-30 to 31/03 ${date:soon}");
}

TEST(Dates, SubstitutedIntoTheProjectWithAFixedClock) {
    TempDirectory directory;
    std::string text = MinimalProject("vars:\n  day: ${date:yesterday}\n"
                                      "description: \"load ${vars.day} until ${date:today:%Y%m%d}\"\n");
    LoadOptions options;
    options.now = LocalTime(2025, 1, 1, 0, 30, 0);
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text), options);
    EXPECT_EQ(result.project.description, "load 2024-12-31 until 20250101");
    EXPECT_EQ(result.project.vars["day"], "2024-12-31");
}

} // namespace
} // namespace odibi::config
