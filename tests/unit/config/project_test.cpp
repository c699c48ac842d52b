// The location index, enum string tables and scalar typing of the config layer.
#include "config_value.hpp"
#include "project_builder.hpp"
#include <gtest/gtest.h>

#include "odibi/config/project.hpp"

namespace odibi::config {
namespace {

TEST(LocationIndex, FindWalksUpToTheNearestRecordedAncestorAndKeepsThePath) {
    LocationIndex index;
    index.Set("pipelines[0]", SourceLocation{"odibi.yaml", 10, 5, ""});
    index.Set("pipelines[0].nodes[2]", SourceLocation{"nodes.yaml", 3, 7, ""});
    index.Set("", SourceLocation{"odibi.yaml", 1, 1, ""});

    SourceLocation exact = index.Find("pipelines[0].nodes[2]");
    EXPECT_EQ(exact.file, "nodes.yaml");
    EXPECT_EQ(exact.line, 3);
    EXPECT_EQ(exact.path, "pipelines[0].nodes[2]");

    SourceLocation generated = index.Find("pipelines[0].nodes[2].params.columns[4]");
    EXPECT_EQ(generated.file, "nodes.yaml");
    EXPECT_EQ(generated.line, 3);
    EXPECT_EQ(generated.column, 7);
    EXPECT_EQ(generated.path, "pipelines[0].nodes[2].params.columns[4]");

    SourceLocation sibling = index.Find("pipelines[0].nodes[3].name");
    EXPECT_EQ(sibling.line, 10);
    EXPECT_EQ(sibling.path, "pipelines[0].nodes[3].name");

    SourceLocation root = index.Find("story.path");
    EXPECT_EQ(root.line, 1);

    LocationIndex empty;
    SourceLocation unknown = empty.Find("a.b");
    EXPECT_EQ(unknown.line, 0);
    EXPECT_EQ(unknown.path, "a.b");
}

TEST(Names, EnumTablesRoundTrip) {
    for (WriteMode mode :
         {WriteMode::OVERWRITE, WriteMode::APPEND, WriteMode::UPSERT, WriteMode::APPEND_ONCE, WriteMode::MERGE}) {
        EXPECT_EQ(TryParseWriteMode(WriteModeName(mode)), mode);
    }
    for (ErrorStrategy strategy : {ErrorStrategy::FAIL_FAST, ErrorStrategy::FAIL_LATER, ErrorStrategy::IGNORE}) {
        EXPECT_EQ(TryParseErrorStrategy(ErrorStrategyName(strategy)), strategy);
    }
    for (EngineKind engine : {EngineKind::DUCKDB, EngineKind::PANDAS, EngineKind::POLARS, EngineKind::SPARK}) {
        EXPECT_EQ(TryParseEngine(EngineName(engine)), engine);
    }
    EXPECT_EQ(WriteModeName(WriteMode::APPEND_ONCE), "append_once");
    EXPECT_EQ(ConnectionTypeName(ConnectionType::AZURE_BLOB), "azure_blob");
    EXPECT_EQ(StepKindName(StepKind::SQL_FILE), "sql_file");
    EXPECT_EQ(BackoffName(BackoffKind::CONSTANT), "constant");
    EXPECT_FALSE(TryParseErrorStrategy("fail-fast").has_value());
    EXPECT_EQ(FormatNames().size(), 12u);
    EXPECT_TRUE(IsFormatSupported("parquet"));
    EXPECT_TRUE(IsFormatSupported("delta"));
    EXPECT_FALSE(IsFormatSupported("avro"));
}

TEST(Names, ValidNamesAndSanitizedSuggestions) {
    EXPECT_TRUE(IsValidName("dim_customer"));
    EXPECT_TRUE(IsValidName("_private2"));
    EXPECT_FALSE(IsValidName("2fast"));
    EXPECT_FALSE(IsValidName("my-node"));
    EXPECT_FALSE(IsValidName(""));
    EXPECT_EQ(SanitizeName("my-node"), "my_node");
    EXPECT_EQ(SanitizeName("2 fast"), "_2_fast");
    EXPECT_EQ(SanitizeName(""), "_");
}

TEST(Scalars, PlainScalarsResolveAsAYaml11SafeLoader) {
    EXPECT_EQ(ResolvePlainScalar("true"), Json(true));
    EXPECT_EQ(ResolvePlainScalar("No"), Json(false));
    EXPECT_EQ(ResolvePlainScalar("~"), Json(nullptr));
    EXPECT_EQ(ResolvePlainScalar("42"), Json(42));
    EXPECT_EQ(ResolvePlainScalar("-1_000"), Json(-1000));
    EXPECT_EQ(ResolvePlainScalar("0x1F"), Json(31));
    EXPECT_EQ(ResolvePlainScalar("1.5"), Json(1.5));
    EXPECT_EQ(ResolvePlainScalar("1e3"), Json(1000.0));
    EXPECT_EQ(ResolvePlainScalar("01234"), Json("01234"));
    EXPECT_EQ(ResolvePlainScalar("2025-01-01"), Json("2025-01-01"));
    EXPECT_EQ(ResolvePlainScalar("99999999999999999999"), Json("99999999999999999999"));
    EXPECT_EQ(ResolvePlainScalar("."), Json("."));
}

} // namespace
} // namespace odibi::config
