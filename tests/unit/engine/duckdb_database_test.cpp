// The DuckDB engine: settings are applied, SQL errors keep DuckDB's text and the SQL, views are shared.
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::engine {
namespace {

TEST(DuckDbDatabase, AppliesSettingsAndDisablesAutoinstall) {
    DatabaseSettings settings;
    settings.memory_limit = "512MB";
    settings.threads = 2;
    auto database = OpenDuckDb(settings);
    auto connection = database->Connect();
    EXPECT_EQ(connection->Query("SELECT current_setting('threads')").Scalar(), "2");
    EXPECT_EQ(connection->Query("SELECT current_setting('autoinstall_known_extensions')").Scalar(), "false");
    EXPECT_EQ(connection->Query("SELECT current_setting('preserve_insertion_order')").Scalar(), "false");
    auto limit = connection->Query("SELECT current_setting('memory_limit')").Scalar();
    ASSERT_TRUE(limit.has_value());
    EXPECT_NE(limit->find("MiB"), std::string::npos) << *limit;
}

TEST(DuckDbDatabase, ViewsAreSharedAcrossConnections) {
    auto database = OpenDuckDb({});
    auto first = database->Connect();
    auto second = database->Connect();
    first->Execute("CREATE VIEW numbers AS SELECT * FROM range(5) t(n)");
    EXPECT_EQ(second->Query("SELECT sum(n) FROM numbers").Scalar(), "10");
}

TEST(DuckDbDatabase, QueryReturnsNullsAndColumnInfo) {
    auto database = OpenDuckDb({});
    auto connection = database->Connect();
    auto result = connection->Query("SELECT 1 AS a, NULL::VARCHAR AS b, 'x' AS c");
    ASSERT_EQ(result.ColumnCount(), 3u);
    EXPECT_EQ(result.Columns()[1].name, "b");
    EXPECT_EQ(result.Columns()[2].type, "VARCHAR");
    EXPECT_FALSE(result.Value(0, 1).has_value());
    auto described = connection->Describe("SELECT 1.5::DECIMAL(10,2) AS amount");
    ASSERT_EQ(described.size(), 1u);
    EXPECT_EQ(described[0].type, "DECIMAL(10,2)");
}

TEST(DuckDbDatabase, SqlErrorKeepsDuckDbTextAndSql) {
    auto database = OpenDuckDb({});
    auto connection = database->Connect();
    try {
        connection->Execute("SELECT missing_column FROM range(1)");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::SQL_ERROR);
        EXPECT_NE(error.Message().find("missing_column"), std::string::npos);
        ASSERT_FALSE(error.Context().empty());
        EXPECT_EQ(error.Context()[0].second, "SELECT missing_column FROM range(1)");
    }
}

TEST(DuckDbDatabase, BuiltInFormatsAreAvailableWithoutDownloads) {
    auto database = OpenDuckDb({});
    auto connection = database->Connect();
    EXPECT_EQ(connection->Query("SELECT json_extract('{\"a\": 3}', '$.a')::INT").Scalar(), "3");
    std::string path = ::testing::TempDir() + "/engine_roundtrip.parquet";
    connection->Execute("COPY (SELECT range AS n FROM range(3)) TO '" + path + "' (FORMAT parquet)");
    EXPECT_EQ(connection->Query("SELECT count(*) FROM read_parquet('" + path + "')").Scalar(), "3");
}

TEST(SqlQuoting, QuotesIdentifiersAndLiterals) {
    EXPECT_EQ(QuoteIdentifier("my \"col\""), "\"my \"\"col\"\"\"");
    EXPECT_EQ(QuoteLiteral("O'Brien"), "'O''Brien'");
    EXPECT_EQ(QuoteIdentifierList({"a", "b"}), "\"a\", \"b\"");
}

} // namespace
} // namespace odibi::engine
