// RowSink: a filter over BOOLEAN flags that keeps some rows and appends others (NULLs included, the
// flags last) to a table, from every worker thread of a parallel query, and fails a query that runs
// it after Close.
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
    connection->Execute("CREATE TABLE main.set_aside (i BIGINT, label VARCHAR, sevens BOOLEAN, elevens BOOLEAN)");
    // Multiples of 7 are dropped; multiples of 11 are only stored.
    auto sink = OpenRowSink(*connection, "main", "set_aside", {true, false});
    std::string filter =
        sink->FilterSql({"i % 7 = 0", "i % 11 = 0"}, {"i", "CASE WHEN i % 2 = 0 THEN NULL ELSE 'odd' END"});
    auto kept = connection->Query("SELECT count(*) FROM range(2000000) AS r(i) WHERE " + filter);
    EXPECT_EQ(kept.Value(0, 0), "1714285");
    EXPECT_EQ(sink->RowsSeen(), 2000000);
    sink->Close();
    // 285,715 multiples of 7, 181,819 of 11, 25,975 of both.
    auto stored = connection->Query("SELECT count(*), min(i), max(i), count(*) FILTER (WHERE sevens AND elevens), "
                                    "bool_and(sevens = (i % 7 = 0) AND elevens = (i % 11 = 0)), "
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

TEST(RowSink, RejectsFlagsAndValuesThatDoNotMatchTheTableAndUnknownTokens) {
    auto database = OpenDuckDb({});
    auto connection = database->Connect();
    connection->Execute("CREATE TABLE main.narrow (i BIGINT, odd BOOLEAN)");
    auto sink = OpenRowSink(*connection, "main", "narrow", {true});
    EXPECT_THROW((void)connection->Query("SELECT count(*) FROM range(3) AS r(i) WHERE " +
                                         sink->FilterSql({"i % 2 = 1"}, {"i", "i"})),
                 Error);
    EXPECT_THROW(
        (void)connection->Query("SELECT count(*) FROM range(3) AS r(i) WHERE " + sink->FilterSql({"i"}, {"i"})), Error);
    EXPECT_THROW((void)connection->Query("SELECT odibi_row_sink(999999, true, 1)"), Error);
    EXPECT_THROW((void)OpenRowSink(*connection, "main", "missing", {true}), Error);
    EXPECT_THROW((void)OpenRowSink(*connection, "main", "narrow", {}), Error);
}

} // namespace
} // namespace odibi::engine
