// RowSink: a filter over a bit mask that keeps some rows and appends others (NULLs included, the mask
// last) to a table, from every worker thread of a parallel query, and fails a query that runs it
// after Close.
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
    connection->Execute("CREATE TABLE main.set_aside (i BIGINT, label VARCHAR, mask BIGINT)");
    auto sink = OpenRowSink(*connection, "main", "set_aside");
    // Bit 1: a multiple of 7 (dropped); bit 2: a multiple of 11 (only stored).
    std::string mask = "CAST(CASE WHEN i % 7 = 0 THEN 1 ELSE 0 END + CASE WHEN i % 11 = 0 THEN 2 ELSE 0 END AS BIGINT)";
    std::string filter = sink->FilterSql(mask, 1, {"i", "CASE WHEN i % 2 = 0 THEN NULL ELSE 'odd' END"});
    auto kept = connection->Query("SELECT count(*) FROM range(2000000) AS r(i) WHERE " + filter);
    EXPECT_EQ(kept.Value(0, 0), "1714285");
    EXPECT_EQ(sink->RowsSeen(), 2000000);
    sink->Close();
    // 285,715 multiples of 7, 181,819 of 11, 25,975 of both.
    auto stored = connection->Query("SELECT count(*), min(i), max(i), count(*) FILTER (WHERE mask = 3), "
                                    "bool_and(mask = (CASE WHEN i % 7 = 0 THEN 1 ELSE 0 END + "
                                    "CASE WHEN i % 11 = 0 THEN 2 ELSE 0 END)), "
                                    "count(label) FILTER (WHERE i % 2 = 0), count(label) FROM set_aside");
    EXPECT_EQ(stored.Value(0, 0), "441559");
    EXPECT_EQ(stored.Value(0, 1), "0");
    EXPECT_EQ(stored.Value(0, 2), "1999998");
    EXPECT_EQ(stored.Value(0, 3), "25975");
    EXPECT_EQ(stored.Value(0, 4), "true");
    EXPECT_EQ(stored.Value(0, 5), "0"); // even rows stored a NULL label
    EXPECT_EQ(stored.Value(0, 6), "220779");
    EXPECT_THROW((void)connection->Query("SELECT count(*) FROM range(10) AS r(i) WHERE " + filter), Error);
}

TEST(RowSink, RejectsValuesThatDoNotMatchTheTableAndUnknownTokens) {
    auto database = OpenDuckDb({});
    auto connection = database->Connect();
    connection->Execute("CREATE TABLE main.narrow (i BIGINT, mask BIGINT)");
    auto sink = OpenRowSink(*connection, "main", "narrow");
    EXPECT_THROW((void)connection->Query("SELECT count(*) FROM range(3) AS r(i) WHERE " +
                                         sink->FilterSql("CAST(i AS BIGINT)", 1, {"i", "i"})),
                 Error);
    EXPECT_THROW((void)connection->Query("SELECT count(*) FROM range(3) AS r(i) WHERE " +
                                         sink->FilterSql("CAST(i AS INTEGER)", 1, {"i"})),
                 Error);
    EXPECT_THROW((void)connection->Query("SELECT odibi_row_sink(999999, 1, CAST(1 AS BIGINT), 1)"), Error);
    EXPECT_THROW((void)OpenRowSink(*connection, "main", "missing"), Error);
}

} // namespace
} // namespace odibi::engine
