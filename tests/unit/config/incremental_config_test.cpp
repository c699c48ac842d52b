// read.incremental: defaults, the key_column alias, durations, and errors at the exact key with the fix.
#include "config_test_support.hpp"
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

// The minimal project with `block` (indented under read:) after the read's path.
std::string WithIncremental(const std::string& block) {
    std::string text = MinimalProject();
    const std::string anchor = "          path: input.csv\n";
    text.replace(text.find(anchor), anchor.size(), anchor + "          incremental:\n" + block);
    return text;
}

TEST(IncrementalConfig, DefaultsAreARollingWindowOfOneDay) {
    TempDirectory directory;
    LoadResult result = LoadProject(directory.Write("odibi.yaml", WithIncremental("            column: updated_at\n")));
    const auto& incremental = result.project.pipelines[0].nodes[0].read->incremental;
    ASSERT_TRUE(incremental.has_value());
    EXPECT_EQ(incremental->mode, IncrementalMode::ROLLING_WINDOW);
    EXPECT_EQ(incremental->column, "updated_at");
    EXPECT_EQ(incremental->lookback, 1);
    EXPECT_EQ(incremental->unit, LookbackUnit::DAY);
    EXPECT_FALSE(incremental->state_key.has_value());
    EXPECT_FALSE(incremental->date_format.has_value());
    EXPECT_EQ(incremental->config_path, "pipelines[0].nodes[0].read.incremental");
}

TEST(IncrementalConfig, StatefulKeepsEveryKeyAndAcceptsKeyColumn) {
    TempDirectory directory;
    LoadResult result = LoadProject(directory.Write("odibi.yaml",
                                                    WithIncremental("            mode: stateful\n"
                                                                    "            key_column: updated_at\n"
                                                                    "            fallback_column: created_at\n"
                                                                    "            state_key: orders_hwm\n"
                                                                    "            watermark_lag: 2h\n"
                                                                    "            date_format: eu\n")));
    const auto& incremental = *result.project.pipelines[0].nodes[0].read->incremental;
    EXPECT_EQ(incremental.mode, IncrementalMode::STATEFUL);
    EXPECT_EQ(incremental.column, "updated_at");
    EXPECT_EQ(incremental.fallback_column, "created_at");
    EXPECT_EQ(incremental.state_key, "orders_hwm");
    EXPECT_EQ(incremental.watermark_lag, "2h");
    EXPECT_EQ(incremental.watermark_lag_seconds, 7200);
    EXPECT_EQ(incremental.date_format, DateFormat::EU);
}

TEST(IncrementalConfig, WatermarkLagUnits) {
    EXPECT_EQ(TryParseWatermarkLag("45s"), 45);
    EXPECT_EQ(TryParseWatermarkLag("30m"), 1800);
    EXPECT_EQ(TryParseWatermarkLag("2h"), 7200);
    EXPECT_EQ(TryParseWatermarkLag("1d"), 86400);
    EXPECT_EQ(TryParseWatermarkLag("1w"), 604800);
    EXPECT_EQ(TryParseWatermarkLag(" 3H "), 10800);
    EXPECT_FALSE(TryParseWatermarkLag("2 hours").has_value());
    EXPECT_FALSE(TryParseWatermarkLag("h").has_value());
    EXPECT_FALSE(TryParseWatermarkLag("-1h").has_value());
    EXPECT_FALSE(TryParseWatermarkLag("1.5h").has_value());
    EXPECT_FALSE(TryParseWatermarkLag("2y").has_value());
}

TEST(IncrementalConfig, BadValuesAreErrorsAtTheirKeysWithTheFix) {
    TempDirectory directory;
    std::string text = WithIncremental("            mode: statefull\n"
                                       "            column: updated_at\n"
                                       "            unit: days\n"
                                       "            watermark_lag: two hours\n"
                                       "            date_format: german\n"
                                       "            lookback_days: 3\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 5u) << RenderAll(errors);
    auto invalid = WithCode(errors, ErrorCode::INVALID_VALUE);
    ASSERT_EQ(invalid.size(), 4u) << RenderAll(errors);
    std::string all = RenderAll(errors);
    EXPECT_NE(all.find("Did you mean \"stateful\""), std::string::npos) << all;
    EXPECT_NE(all.find("\"day\""), std::string::npos) << all;
    EXPECT_NE(all.find("watermark_lag \"two hours\" is not a duration"), std::string::npos) << all;
    EXPECT_NE(all.find("s, m, h, d or w"), std::string::npos) << all;
    EXPECT_NE(all.find("oracle_sqlserver"), std::string::npos) << all;
    for (const auto& [path, needle] : std::vector<std::pair<std::string, std::string>>{
             {"mode", "statefull"}, {"unit", "days"}, {"watermark_lag", "two hours"}, {"date_format", "german"}}) {
        bool found = false;
        for (const auto& error : invalid) {
            if (error.location.path == "pipelines[0].nodes[0].read.incremental." + path) {
                found = true;
                EXPECT_EQ(error.location.line, PositionOf(text, needle).first) << path;
            }
        }
        EXPECT_TRUE(found) << path << "\n" << all;
    }
    auto unknown = WithCode(errors, ErrorCode::UNKNOWN_KEY);
    ASSERT_EQ(unknown.size(), 1u) << all;
    EXPECT_NE(unknown[0].Render().find("lookback"), std::string::npos) << unknown[0].Render();
}

TEST(IncrementalConfig, ColumnIsRequiredAndTheAliasMustAgree) {
    TempDirectory directory;
    auto missing = LoadErrors(directory.Write("odibi.yaml", WithIncremental("            mode: stateful\n")));
    ASSERT_EQ(missing.size(), 1u) << RenderAll(missing);
    EXPECT_EQ(missing[0].code, ErrorCode::MISSING_KEY);
    EXPECT_NE(missing[0].message.find("needs column"), std::string::npos);

    auto conflict = LoadErrors(directory.Write(
        "odibi.yaml", WithIncremental("            column: updated_at\n            key_column: created_at\n")));
    ASSERT_EQ(conflict.size(), 1u) << RenderAll(conflict);
    EXPECT_EQ(conflict[0].code, ErrorCode::CONFLICTING_KEYS);
}

TEST(IncrementalConfig, KeysOfTheOtherModeWarn) {
    TempDirectory directory;
    LoadResult result = LoadProject(directory.Write("odibi.yaml",
                                                    WithIncremental("            mode: stateful\n"
                                                                    "            column: id\n"
                                                                    "            lookback: 3\n")));
    bool warned = false;
    for (const auto& diagnostic : result.diagnostics.Items()) {
        if (diagnostic.code == ErrorCode::SETTING_IGNORED &&
            diagnostic.message.find("incremental.lookback has no effect in mode stateful") != std::string::npos) {
            warned = true;
        }
    }
    EXPECT_TRUE(warned);
}

TEST(IncrementalConfig, InlineInputsCannotBeIncremental) {
    TempDirectory directory;
    std::string text = MinimalProject();
    const std::string read =
        "        read:\n          connection: local\n          format: csv\n          path: input.csv\n";
    text.replace(text.find(read),
                 read.size(),
                 "        inputs:\n          df:\n            connection: local\n            format: csv\n"
                 "            path: input.csv\n            incremental:\n              column: id\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    EXPECT_EQ(errors[0].code, ErrorCode::NOT_SUPPORTED_YET);
}

} // namespace
} // namespace odibi::config
