// RowSink: a filter that keeps some rows and appends others (NULLs included) to a table, from every
// worker thread of a parallel query, and fails a query that runs it after Close.
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/engine/row_sink.hpp"

namespace odibi::engine {
namespace {

TEST(RowSink, KeepsSomeRowsAndStoresTheOthers) {
    DatabaseSettings settings;
    settings.threads = 2;
    auto database = OpenDuckDb(settings);
    auto connection = database->Connect();
    connection->Execute("CREATE TABLE main.set_aside (i BIGINT, label VARCHAR, half BOOLEAN)");
    auto sink = OpenRowSink(*connection, "main", "set_aside");
    std::string filter = sink->FilterSql(
        "i % 7 = 0", "i % 7 <> 0", {"i", "CASE WHEN i % 2 = 0 THEN NULL ELSE 'odd' END", "i < 1000000"});
    auto kept = connection->Query("SELECT count(*), sum(i) FROM range(2000000) AS r(i) WHERE " + filter);
    EXPECT_EQ(kept.Value(0, 0), "1714285");
    EXPECT_EQ(sink->RowsSeen(), 2000000);
    sink->Close();
    auto stored = connection->Query("SELECT count(*), count(label), min(i), max(i), count(*) FILTER (WHERE half), "
                                    "bool_and(i % 7 = 0) FROM set_aside");
    EXPECT_EQ(stored.Value(0, 0), "285715");
    EXPECT_EQ(stored.Value(0, 1), "142857"); // the even multiples of 7 stored a NULL label
    EXPECT_EQ(stored.Value(0, 2), "0");
    EXPECT_EQ(stored.Value(0, 3), "1999998");
    EXPECT_EQ(stored.Value(0, 4), "142858");
    EXPECT_EQ(stored.Value(0, 5), "true");
    EXPECT_THROW((void)connection->Query("SELECT count(*) FROM range(10) AS r(i) WHERE " + filter), Error);
}

TEST(RowSink, RejectsValuesThatDoNotMatchTheTableAndUnknownTokens) {
    auto database = OpenDuckDb({});
    auto connection = database->Connect();
    connection->Execute("CREATE TABLE main.narrow (i BIGINT)");
    auto sink = OpenRowSink(*connection, "main", "narrow");
    EXPECT_THROW((void)connection->Query("SELECT count(*) FROM range(3) AS r(i) WHERE " +
                                         sink->FilterSql("true", "true", {"i", "i"})),
                 Error);
    EXPECT_THROW((void)connection->Query("SELECT odibi_row_sink(999999, true, true, 1)"), Error);
    EXPECT_THROW((void)OpenRowSink(*connection, "main", "missing"), Error);
}

} // namespace
} // namespace odibi::engine
