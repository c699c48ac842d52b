// Errors render code, location, context and suggestions; did-you-mean finds plausible typos only.
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"

namespace odibi {
namespace {

TEST(Error, RendersLocationCodeAndSuggestions) {
    auto error = ConfigError::UnknownKey("WriteConfig",
                                         "mdoe",
                                         {"connection", "format", "mode", "path"},
                                         {"odibi.yaml", 42, 7, "pipelines[0].nodes[3].write.mdoe"});
    EXPECT_EQ(error.Code(), ErrorCode::UNKNOWN_KEY);
    std::string text = error.what();
    EXPECT_NE(text.find("odibi.yaml:42:7 pipelines[0].nodes[3].write.mdoe: E102"), std::string::npos) << text;
    EXPECT_NE(text.find("Did you mean \"mode\"?"), std::string::npos) << text;
    std::string rendered = error.Render();
    EXPECT_NE(rendered.find("1. rename \"mdoe\" to \"mode\""), std::string::npos) << rendered;
}

TEST(Error, DiagnosticListCollectsEveryError) {
    DiagnosticList list;
    list.AddError(ConfigError::MissingKey("NodeConfig", "name", {"a.yaml", 3, 5, "pipelines[0].nodes[0]"}));
    list.AddError(ConfigError::InvalidEnum("mode", "apend", {"overwrite", "append"}, {"a.yaml", 9, 13, "x.mode"}));
    ASSERT_EQ(list.ErrorCount(), 2u);
    try {
        list.ThrowIfErrors("a.yaml");
        FAIL();
    } catch (const DiagnosticsError& error) {
        EXPECT_EQ(error.Diagnostics().size(), 2u);
        EXPECT_NE(std::string(error.what()).find("a.yaml:9:13"), std::string::npos);
    }
}

TEST(Error, AppendSkipsAProblemAlreadyReportedAtTheSameKey) {
    DiagnosticList config;
    config.AddError(ConfigError::MissingKey("NodeConfig", "name", {"a.yaml", 3, 5, "pipelines[0].nodes[0]"}));
    DiagnosticList plan;
    // The same problem found again by a later check, at another column of the same key.
    plan.AddError(ConfigError::MissingKey("NodeConfig", "name", {"a.yaml", 3, 9, "pipelines[0].nodes[0]"}));
    plan.AddError(ConfigError::MissingKey("NodeConfig", "name", {"a.yaml", 7, 5, "pipelines[0].nodes[1]"}));
    plan.AddError(ConfigError::InvalidEnum("mode", "apend", {"overwrite"}, {"a.yaml", 3, 5, "pipelines[0].nodes[0]"}));
    config.Append(plan);
    ASSERT_EQ(config.ErrorCount(), 3u);
    EXPECT_EQ(config.Items()[0].location.column, 5);
    EXPECT_EQ(config.Items()[1].location.path, "pipelines[0].nodes[1]");
    EXPECT_EQ(config.Items()[2].code, ErrorCode::INVALID_VALUE);
}

TEST(Strings, ClosestMatchUsesCutoff) {
    EXPECT_EQ(ClosestMatch("conection", {"connection", "format"}), "connection");
    EXPECT_FALSE(ClosestMatch("zzz", {"connection", "format"}).has_value());
    EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(SecretRegistry, RedactsRegisteredSecrets) {
    SecretRegistry::Register("s3cr3t-password");
    EXPECT_EQ(SecretRegistry::Redact("password=s3cr3t-password;"), "password=***;");
    EXPECT_EQ(SecretRegistry::Redact("nothing here"), "nothing here");
}

} // namespace
} // namespace odibi
