// Tests of the column diff between two schema versions and of catalog timestamps.
#include "catalog_time.hpp"
#include "schema_diff.hpp"
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"

namespace odibi::state {
namespace {

using nlohmann::json;

TEST(SchemaDiffTest, FindsAddedRemovedAndRetypedColumnsSorted) {
    json previous = {{"id", "BIGINT"}, {"name", "VARCHAR"}, {"amount", "INTEGER"}, {"zone", "VARCHAR"}};
    json current = {{"id", "BIGINT"}, {"amount", "DECIMAL(18,2)"}, {"zone", "INTEGER"}, {"b", "DATE"}, {"a", "DATE"}};
    SchemaDiff diff = DiffColumns(previous, current);
    EXPECT_EQ(diff.added, json::array({"a", "b"}));
    EXPECT_EQ(diff.removed, json::array({"name"}));
    EXPECT_EQ(diff.type_changed, json::array({"amount", "zone"}));
    EXPECT_FALSE(diff.Empty());
}

TEST(SchemaDiffTest, IdenticalColumnsGiveAnEmptyDiff) {
    json columns = {{"id", "BIGINT"}};
    EXPECT_TRUE(DiffColumns(columns, columns).Empty());
}

TEST(SchemaDiffTest, NullMeansNoColumns) {
    SchemaDiff diff = DiffColumns(nullptr, json{{"id", "BIGINT"}});
    EXPECT_EQ(diff.added, json::array({"id"}));
    EXPECT_TRUE(diff.removed.empty());
}

TEST(SchemaDiffTest, RejectsColumnsThatAreNotAnObject) {
    EXPECT_THROW((void)DiffColumns(json::array({"id"}), json::object()), Error);
}

TEST(CatalogTimeTest, ParsesCatalogTimestamps) {
    auto parsed = ParseIsoUtc("2026-11-22T10:04:05.123Z");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(FormatIsoUtc(*parsed), "2026-11-22T10:04:05.123Z");
    auto without_fraction = ParseIsoUtc("2026-11-22T10:04:05Z");
    ASSERT_TRUE(without_fraction.has_value());
    EXPECT_EQ(MillisecondsBetween(*without_fraction, *parsed), 123);
    auto microseconds = ParseIsoUtc("2026-11-22 10:04:05.123456+00:00");
    ASSERT_TRUE(microseconds.has_value());
    EXPECT_EQ(*microseconds, *parsed);
    auto tenths = ParseIsoUtc("2026-11-22T10:04:05.5");
    ASSERT_TRUE(tenths.has_value());
    EXPECT_EQ(MillisecondsBetween(*without_fraction, *tenths), 500);
}

TEST(CatalogTimeTest, RejectsOtherText) {
    EXPECT_FALSE(ParseIsoUtc("").has_value());
    EXPECT_FALSE(ParseIsoUtc("2026-11-22").has_value());
    EXPECT_FALSE(ParseIsoUtc("2026-13-22T10:04:05Z").has_value());
    EXPECT_FALSE(ParseIsoUtc("2026-02-30T10:04:05Z").has_value());
    EXPECT_FALSE(ParseIsoUtc("2026-11-22T25:04:05Z").has_value());
    EXPECT_FALSE(ParseIsoUtc("2026-11-22T10:04:05+02:00").has_value());
    EXPECT_FALSE(ParseIsoUtc("2026-11-22T10:04:05.Z").has_value());
    EXPECT_FALSE(ParseIsoUtc("yesterday at noon, UTC").has_value());
}

TEST(CatalogTimeTest, CutoffIsDaysBeforeNowAndSortsAsText) {
    auto now = ParseIsoUtc("2026-03-01T12:00:00.000Z");
    ASSERT_TRUE(now.has_value());
    EXPECT_EQ(CutoffForDays(*now, 7), "2026-02-22T12:00:00.000Z");
    EXPECT_LT(std::string("2026-02-22T11:59:59.999Z"), CutoffForDays(*now, 7));
    EXPECT_EQ(DateOf("2026-11-22T10:04:05.123Z"), "2026-11-22");
}

} // namespace
} // namespace odibi::state
