// Incremental reads: the planned filter and the new high-water mark, checked by running them on DuckDB.
#include "incremental.hpp"
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::execute {
namespace {

config::IncrementalConfig Stateful(const std::string& column) {
    config::IncrementalConfig incremental;
    incremental.mode = config::IncrementalMode::STATEFUL;
    incremental.column = column;
    incremental.config_path = "pipelines[0].nodes[0].read.incremental";
    return incremental;
}

config::IncrementalConfig Rolling(const std::string& column, int64_t lookback, config::LookbackUnit unit) {
    config::IncrementalConfig incremental;
    incremental.column = column;
    incremental.lookback = lookback;
    incremental.unit = unit;
    incremental.config_path = "pipelines[0].nodes[0].read.incremental";
    return incremental;
}

TimePoint At(int64_t seconds_since_epoch) {
    return TimePoint(std::chrono::seconds(seconds_since_epoch));
}

// A DuckDB table `source` to plan against: the plan's filter and mark query run on it for real.
class IncrementalTest : public ::testing::Test {
protected:
    void SetUp() override {
        database_ = engine::OpenDuckDb({});
        connection_ = database_->Connect();
        connection_->Execute("SET TimeZone = 'UTC'");
        connection_->Execute(
            "CREATE TABLE source AS SELECT * FROM (VALUES "
            "(1, TIMESTAMP '2026-01-01 10:00:00', NULL, '01/01/2026 10:00:00', '2026-01-01 10:00:00'), "
            "(2, TIMESTAMP '2026-01-02 10:00:00', TIMESTAMP '2026-01-02 09:00:00', '02/01/2026 10:00:00', "
            "'2026-01-02 10:00:00'), "
            "(3, NULL, TIMESTAMP '2026-01-03 12:30:00.250', '03/01/2026 10:00:00', '2026-01-03 10:00:00')) "
            "AS t(id, updated_at, created_at, eu_text, iso_text)");
    }

    std::vector<engine::ColumnInfo> Columns() { return connection_->Describe("source"); }

    // The ids the plan's filter keeps, in order.
    std::string IdsRead(const IncrementalReadPlan& plan) {
        std::string sql = "SELECT string_agg(id::VARCHAR, ',' ORDER BY id) FROM source";
        if (plan.condition) {
            sql += " WHERE " + *plan.condition;
        }
        return connection_->Query(sql).Scalar().value_or("");
    }

    HighWaterMark MarkAfter(const IncrementalReadPlan& plan) {
        std::string select = "SELECT * FROM source";
        if (plan.condition) {
            select += " WHERE " + *plan.condition;
        }
        connection_->Execute("CREATE OR REPLACE VIEW filtered AS " + select);
        auto table = connection_->Query(HighWaterMarkQuery(plan, "filtered"));
        return DecodeHighWaterMark(table.Rows().at(0));
    }

    std::unique_ptr<engine::Database> database_;
    std::unique_ptr<engine::Connection> connection_;
};

TEST_F(IncrementalTest, FirstRunReadsEverythingAndRecordsTheMark) {
    auto plan = PlanIncrementalRead(Stateful("updated_at"), "orders", false, "\"2026-01-02 10:00:00\"", Columns(), {});
    EXPECT_FALSE(plan.condition.has_value());
    EXPECT_EQ(plan.state_key, "orders_hwm");
    EXPECT_NE(plan.description.find("first run"), std::string::npos);
    EXPECT_EQ(IdsRead(plan), "1,2,3");
    HighWaterMark mark = MarkAfter(plan);
    EXPECT_EQ(mark.rows_read, 3);
    EXPECT_EQ(mark.value, "\"2026-01-02 10:00:00\"");
}

TEST_F(IncrementalTest, StatefulReadsRowsAboveTheMarkAndMovesIt) {
    auto incremental = Stateful("id");
    incremental.state_key = "ids";
    auto plan = PlanIncrementalRead(incremental, "orders", true, "1", Columns(), {});
    EXPECT_EQ(plan.state_key, "ids");
    EXPECT_EQ(IdsRead(plan), "2,3");
    HighWaterMark mark = MarkAfter(plan);
    EXPECT_EQ(mark.rows_read, 2);
    EXPECT_EQ(mark.value, "3");

    auto caught_up = PlanIncrementalRead(incremental, "orders", true, "3", Columns(), {});
    EXPECT_EQ(IdsRead(caught_up), "");
    HighWaterMark unchanged = MarkAfter(caught_up);
    EXPECT_EQ(unchanged.rows_read, 0);
    EXPECT_FALSE(unchanged.value.has_value()); // no new rows: the mark stays
}

TEST_F(IncrementalTest, NoStoredMarkReadsEverything) {
    auto plan = PlanIncrementalRead(Stateful("updated_at"), "orders", true, std::nullopt, Columns(), {});
    EXPECT_FALSE(plan.condition.has_value());
    EXPECT_EQ(MarkAfter(plan).value, "\"2026-01-02 10:00:00\"");
}

TEST_F(IncrementalTest, FallbackColumnFillsNullsForFilterAndMark) {
    auto incremental = Stateful("updated_at");
    incremental.fallback_column = "created_at";
    auto plan = PlanIncrementalRead(incremental, "orders", true, "\"2026-01-01T10:00:00\"", Columns(), {});
    EXPECT_EQ(IdsRead(plan), "2,3");
    EXPECT_EQ(MarkAfter(plan).value, "\"2026-01-03 12:30:00.25\"");
}

TEST_F(IncrementalTest, WatermarkLagRereadsRecentRowsButNeverMovesTheMarkBack) {
    auto incremental = Stateful("updated_at");
    incremental.watermark_lag = "1d";
    incremental.watermark_lag_seconds = 86400;
    auto plan = PlanIncrementalRead(incremental, "orders", true, "\"2026-01-02 10:00:00\"", Columns(), {});
    EXPECT_NE(plan.description.find("'2026-01-01 10:00:00'"), std::string::npos) << plan.description;
    // Strictly above the lagged mark: row 2 (at the mark) is read again, row 1 (at the lagged mark) is not.
    EXPECT_EQ(IdsRead(plan), "2");
    EXPECT_FALSE(MarkAfter(plan).value.has_value());
    auto wider = PlanIncrementalRead(incremental, "orders", true, "\"2026-01-02 09:00:00\"", Columns(), {});
    EXPECT_EQ(IdsRead(wider), "1,2");
    HighWaterMark mark = MarkAfter(wider);
    EXPECT_EQ(mark.value, "\"2026-01-02 10:00:00\"");
    auto stale = PlanIncrementalRead(incremental, "orders", true, "\"2026-01-02 10:00:00.5\"", Columns(), {});
    EXPECT_FALSE(MarkAfter(stale).value.has_value());
}

TEST_F(IncrementalTest, TimestampsHeldAsTextCompareAsTimestamps) {
    auto incremental = Stateful("eu_text");
    incremental.date_format = config::DateFormat::EU;
    auto plan = PlanIncrementalRead(incremental, "orders", true, "\"2026-01-01 12:00:00\"", Columns(), {});
    EXPECT_EQ(IdsRead(plan), "2,3");
    EXPECT_EQ(MarkAfter(plan).value, "\"2026-01-03 10:00:00\"");

    auto iso_text = Stateful("iso_text");
    iso_text.watermark_lag = "2h";
    iso_text.watermark_lag_seconds = 7200;
    auto lagged = PlanIncrementalRead(iso_text, "orders", true, "\"2026-01-02 11:00:00\"", Columns(), {});
    EXPECT_EQ(IdsRead(lagged), "2,3");
}

TEST_F(IncrementalTest, EveryDateFormatParsesItsLayout) {
    struct Case {
        config::DateFormat format;
        std::string earlier;
        std::string later;
    };
    std::vector<Case> cases = {{config::DateFormat::ORACLE, "19-MAY-24 07:11:01.0", "20-APR-25 07:11:01.5"},
                               {config::DateFormat::ORACLE_SQLSERVER, "19-MAY-24 07:11:01", "20-APR-25"},
                               {config::DateFormat::SQL_SERVER, "2024-05-19 07:11:01", "2025-04-20 07:11:01.250"},
                               {config::DateFormat::US, "05/19/2024 07:11:01", "04/20/2025"},
                               {config::DateFormat::EU, "19/05/2024", "20/04/2025 07:11:01"},
                               {config::DateFormat::ISO, "2024-05-19T07:11:01", "2025-04-20T07:11:01.5"}};
    for (const auto& test : cases) {
        connection_->Execute(fmt::format("CREATE OR REPLACE TABLE source AS SELECT * FROM (VALUES (1, '{}'), (2, "
                                         "'{}')) AS t(id, text_date)",
                                         test.earlier,
                                         test.later));
        auto incremental = Stateful("text_date");
        incremental.date_format = test.format;
        auto plan = PlanIncrementalRead(incremental, "n", true, "\"2025-01-01 00:00:00\"", Columns(), {});
        std::string name = config::DateFormatName(test.format);
        EXPECT_EQ(IdsRead(plan), "2") << name;
        HighWaterMark mark = MarkAfter(PlanIncrementalRead(incremental, "n", false, std::nullopt, Columns(), {}));
        ASSERT_TRUE(mark.value.has_value()) << name;
        EXPECT_EQ(mark.value->substr(0, 12), "\"2025-04-20 ") << name << " " << *mark.value;
    }
}

TEST_F(IncrementalTest, RollingWindowKeepsRowsFromNowMinusTheLookback) {
    // 2026-01-03 12:00:00 UTC; the window reaches back over local time, which this test pins to UTC.
    setenv("TZ", "UTC", 1);
    tzset();
    TimePoint now = At(1767441600);
    auto day = PlanIncrementalRead(Rolling("updated_at", 1, config::LookbackUnit::DAY), "o", true, {}, Columns(), now);
    EXPECT_NE(day.description.find("'2026-01-02 12:00:00'"), std::string::npos) << day.description;
    EXPECT_EQ(IdsRead(day), "");
    auto hours =
        PlanIncrementalRead(Rolling("updated_at", 26, config::LookbackUnit::HOUR), "o", true, {}, Columns(), now);
    EXPECT_EQ(IdsRead(hours), "2");
    auto month =
        PlanIncrementalRead(Rolling("iso_text", 1, config::LookbackUnit::MONTH), "o", true, {}, Columns(), now);
    EXPECT_EQ(IdsRead(month), "1,2,3");
    auto fallback_window = Rolling("updated_at", 1, config::LookbackUnit::DAY);
    fallback_window.fallback_column = "created_at";
    EXPECT_EQ(IdsRead(PlanIncrementalRead(fallback_window, "o", true, {}, Columns(), now)), "3");
    auto first_run =
        PlanIncrementalRead(Rolling("updated_at", 1, config::LookbackUnit::DAY), "o", false, {}, Columns(), now);
    EXPECT_EQ(IdsRead(first_run), "1,2,3");
}

TEST_F(IncrementalTest, ColumnProblemsNameTheColumnAndTheFix) {
    try {
        (void)PlanIncrementalRead(Stateful("updated"), "orders", true, std::nullopt, Columns(), {});
        FAIL() << "expected INCREMENTAL_COLUMN_INVALID";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INCREMENTAL_COLUMN_INVALID);
        EXPECT_NE(error.Message().find("Did you mean \"updated_at\""), std::string::npos) << error.Message();
        EXPECT_EQ(error.Location().path, "pipelines[0].nodes[0].read.incremental.column");
    }
    try {
        (void)PlanIncrementalRead(Rolling("id", 1, config::LookbackUnit::DAY), "orders", true, {}, Columns(), {});
        FAIL() << "expected INCREMENTAL_COLUMN_INVALID";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INCREMENTAL_COLUMN_INVALID);
        EXPECT_NE(error.Suggestions().at(0).find("mode: stateful"), std::string::npos);
    }
}

TEST_F(IncrementalTest, StoredMarksTheColumnCannotUseAreErrors) {
    auto lagged = Stateful("id");
    lagged.watermark_lag = "1h";
    lagged.watermark_lag_seconds = 3600;
    EXPECT_THROW((void)PlanIncrementalRead(lagged, "orders", true, "42", Columns(), {}), Error);
    try {
        (void)PlanIncrementalRead(Stateful("updated_at"), "orders", true, "\"yesterday\"", Columns(), {});
        FAIL() << "expected HIGH_WATER_MARK_INVALID";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::HIGH_WATER_MARK_INVALID);
        EXPECT_NE(error.Message().find("\"yesterday\""), std::string::npos);
        bool names_command = false;
        for (const auto& suggestion : error.Suggestions()) {
            names_command = names_command || suggestion.find("odibi state set orders_hwm") != std::string::npos;
        }
        EXPECT_TRUE(names_command);
    }
}

TEST(SubtractSeconds, KeepsTheShapeAndCrossesDays) {
    EXPECT_EQ(SubtractSeconds("2026-01-01 01:00:00", 7200), "2025-12-31 23:00:00");
    EXPECT_EQ(SubtractSeconds("2026-03-01T00:00:00.125", 1), "2026-02-28 23:59:59.125");
    EXPECT_EQ(SubtractSeconds("2024-03-01", 86400), "2024-02-29 00:00:00");
    EXPECT_EQ(SubtractSeconds("2026-01-01 10:00:00Z", 0), "2026-01-01 10:00:00");
    EXPECT_FALSE(SubtractSeconds("2026-13-01", 0).has_value());
    EXPECT_FALSE(SubtractSeconds("A-100", 0).has_value());
}

TEST(DecodeHighWaterMark, NumbersStayNumbersAndTextIsQuoted) {
    EXPECT_EQ(DecodeHighWaterMark({"2", "BIGINT", "42", "true"}).value, "42");
    EXPECT_EQ(DecodeHighWaterMark({"2", "DECIMAL(10,2)", "4.50", "true"}).value, "4.5");
    EXPECT_EQ(DecodeHighWaterMark({"2", "VARCHAR", "A-100", "true"}).value, "\"A-100\"");
    EXPECT_FALSE(DecodeHighWaterMark({"0", "BIGINT", std::nullopt, "true"}).value.has_value());
    EXPECT_FALSE(DecodeHighWaterMark({"1", "BIGINT", "3", "false"}).value.has_value());
}

} // namespace
} // namespace odibi::execute
