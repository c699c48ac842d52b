// Incremental reads: plans the filter from the config and the stored high-water mark, and decodes the new mark.
#include "incremental.hpp"

#include <algorithm>
#include <chrono>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::execute {
namespace {

using engine::QuoteIdentifier;
using engine::QuoteLiteral;

constexpr int64_t SECONDS_PER_HOUR = 3600;
constexpr int64_t SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR;
constexpr int64_t DAYS_PER_MONTH = 30; // Odibi's month and year: fixed lengths, not calendar ones
constexpr int64_t DAYS_PER_YEAR = 365;

enum class ColumnKind : uint8_t { TEMPORAL, NUMERIC, TEXT, OTHER };

ColumnKind KindOf(const std::string& type) {
    std::string upper = ToUpper(type);
    if (upper == "DATE" || StartsWith(upper, "TIMESTAMP")) {
        return ColumnKind::TEMPORAL;
    }
    if (engine::IsNumericType(upper)) {
        return ColumnKind::NUMERIC;
    }
    if (upper == "VARCHAR") {
        return ColumnKind::TEXT;
    }
    return ColumnKind::OTHER;
}

// DuckDB strptime formats for the string layouts of `date_format`, longest first.
std::string DateFormats(config::DateFormat format) {
    switch (format) {
    case config::DateFormat::ORACLE:
    case config::DateFormat::ORACLE_SQLSERVER:
        return "['%d-%b-%y %H:%M:%S.%f', '%d-%b-%y %H:%M:%S', '%d-%b-%y']";
    case config::DateFormat::SQL_SERVER:
        return "['%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d']";
    case config::DateFormat::US:
        return "['%m/%d/%Y %H:%M:%S', '%m/%d/%Y']";
    case config::DateFormat::EU:
        return "['%d/%m/%Y %H:%M:%S', '%d/%m/%Y']";
    case config::DateFormat::ISO:
        return "['%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d']";
    }
    return "[]";
}

Error ColumnError(const config::IncrementalConfig& incremental, std::string message, std::string suggestion) {
    Error error(ErrorCode::INCREMENTAL_COLUMN_INVALID, ErrorSource::USER, std::move(message));
    error.WithLocation(SourceLocation{"", 0, 0, incremental.config_path + ".column"});
    error.WithSuggestion(std::move(suggestion));
    return error;
}

Error MarkError(const std::string& key, std::string message, std::string suggestion) {
    Error error(ErrorCode::HIGH_WATER_MARK_INVALID, ErrorSource::USER, std::move(message));
    error.WithContext("state_key", key);
    error.WithSuggestion(std::move(suggestion));
    error.WithSuggestion(fmt::format("look at it with: odibi state get {}; change it with: odibi state set {} <value>, "
                                     "or odibi state reset {} to read everything again",
                                     key,
                                     key,
                                     key));
    return error;
}

// The column's type, or INCREMENTAL_COLUMN_INVALID with the closest name.
std::string TypeOfColumn(const config::IncrementalConfig& incremental,
                         const std::string& column,
                         const std::vector<engine::ColumnInfo>& columns) {
    std::vector<std::string> names;
    for (const auto& info : columns) {
        if (info.name == column) {
            return info.type;
        }
        names.push_back(info.name);
    }
    std::string message = fmt::format("incremental column \"{}\" is not a column of the source", column);
    std::string hint = DidYouMean(column, names);
    if (!hint.empty()) {
        message += ". " + hint;
    }
    throw ColumnError(incremental, message, fmt::format("the source's columns are: {}", Join(names, ", ")));
}

/// The expressions of one read: the tracked value and how it compares with timestamps.
struct Tracked {
    std::string expression; ///< raw column (or COALESCE), date strings parsed when date_format is set
    ColumnKind kind = ColumnKind::OTHER;
};

std::string ColumnExpression(const config::IncrementalConfig& incremental, const std::string& column) {
    if (incremental.date_format) {
        return fmt::format("try_strptime({}, {})", QuoteIdentifier(column), DateFormats(*incremental.date_format));
    }
    return QuoteIdentifier(column);
}

Tracked TrackedOf(const config::IncrementalConfig& incremental, const std::vector<engine::ColumnInfo>& columns) {
    Tracked tracked;
    ColumnKind kind = KindOf(TypeOfColumn(incremental, incremental.column, columns));
    tracked.expression = ColumnExpression(incremental, incremental.column);
    if (incremental.fallback_column) {
        ColumnKind fallback_kind = KindOf(TypeOfColumn(incremental, *incremental.fallback_column, columns));
        std::string fallback = ColumnExpression(incremental, *incremental.fallback_column);
        // A csv column that is empty in a batch is read as text: it is cast to match a timestamp partner.
        if (!incremental.date_format && kind != fallback_kind) {
            if (kind == ColumnKind::TEXT && fallback_kind == ColumnKind::TEMPORAL) {
                tracked.expression = fmt::format("TRY_CAST({} AS TIMESTAMP)", tracked.expression);
                kind = ColumnKind::TEMPORAL;
            } else if (kind == ColumnKind::TEMPORAL && fallback_kind == ColumnKind::TEXT) {
                fallback = fmt::format("TRY_CAST({} AS TIMESTAMP)", fallback);
            }
        }
        tracked.expression = fmt::format("COALESCE({}, {})", tracked.expression, fallback);
    }
    tracked.kind = incremental.date_format ? ColumnKind::TEMPORAL : kind;
    if (incremental.date_format && kind != ColumnKind::TEXT) {
        throw ColumnError(
            incremental,
            fmt::format("date_format reads dates held as text, but column \"{}\" is not text", incremental.column),
            "remove date_format: the column is compared as it is");
    }
    return tracked;
}

// Text columns are compared with timestamps after a cast; other columns as they are.
std::string AsTimestamp(const std::string& expression, ColumnKind kind) {
    return kind == ColumnKind::TEXT ? fmt::format("TRY_CAST({} AS TIMESTAMP)", expression) : expression;
}

std::string DescribeLag(const config::IncrementalConfig& incremental) {
    return incremental.watermark_lag_seconds > 0
               ? fmt::format(" minus watermark_lag {}", incremental.watermark_lag.value_or(""))
               : std::string();
}

void PlanRollingWindow(const config::IncrementalConfig& incremental,
                       const std::vector<engine::ColumnInfo>& columns,
                       TimePoint now,
                       IncrementalReadPlan& plan) {
    Tracked tracked = TrackedOf(incremental, columns);
    if (tracked.kind != ColumnKind::TEMPORAL && tracked.kind != ColumnKind::TEXT) {
        throw ColumnError(
            incremental,
            fmt::format("a rolling window compares dates, but column \"{}\" holds numbers or other values",
                        incremental.column),
            "use a date or timestamp column, or mode: stateful to read rows above the last id seen");
    }
    int64_t days = incremental.unit == config::LookbackUnit::MONTH  ? DAYS_PER_MONTH
                   : incremental.unit == config::LookbackUnit::YEAR ? DAYS_PER_YEAR
                                                                    : 1;
    int64_t seconds = incremental.unit == config::LookbackUnit::HOUR ? incremental.lookback * SECONDS_PER_HOUR
                                                                     : incremental.lookback * days * SECONDS_PER_DAY;
    std::string cutoff = FormatLocal(now - std::chrono::seconds(seconds), "%Y-%m-%d %H:%M:%S");
    plan.condition =
        fmt::format("{} >= CAST({} AS TIMESTAMP)", AsTimestamp(tracked.expression, tracked.kind), QuoteLiteral(cutoff));
    plan.description = fmt::format("rows with {} >= '{}' (rolling window of {} {})",
                                   incremental.column,
                                   cutoff,
                                   incremental.lookback,
                                   config::LookbackUnitName(incremental.unit));
}

void PlanStateful(const config::IncrementalConfig& incremental,
                  const std::optional<std::string>& stored_value,
                  const std::vector<engine::ColumnInfo>& columns,
                  IncrementalReadPlan& plan) {
    Tracked tracked = TrackedOf(incremental, columns);
    plan.tracked_expression = tracked.expression;
    if (!stored_value) {
        plan.description =
            fmt::format("no high-water mark stored under '{}' yet: full load, mark recorded", plan.state_key);
        return;
    }
    nlohmann::json stored = nlohmann::json::parse(*stored_value, nullptr, false);
    if (stored.is_discarded()) {
        stored = *stored_value; // plain text set by hand
    }
    int64_t lag = incremental.watermark_lag_seconds;
    if (stored.is_number()) {
        if (lag > 0) {
            throw MarkError(plan.state_key,
                            fmt::format("watermark_lag subtracts time, but the high-water mark under '{}' is the "
                                        "number {}",
                                        plan.state_key,
                                        stored.dump()),
                            "remove watermark_lag for id columns, or track a timestamp column");
        }
        if (tracked.kind == ColumnKind::TEMPORAL) {
            throw MarkError(
                plan.state_key,
                fmt::format("column \"{}\" holds dates, but the high-water mark under '{}' is the number {}",
                            incremental.column,
                            plan.state_key,
                            stored.dump()),
                "set a timestamp such as \"2026-01-31 00:00:00\"");
        }
        plan.condition = fmt::format("{} > {}", tracked.expression, stored.dump());
        plan.above_stored = fmt::format("{{}} > {}", stored.dump());
        plan.description =
            fmt::format("rows with {} > {} (high-water mark '{}')", incremental.column, stored.dump(), plan.state_key);
        return;
    }
    if (!stored.is_string()) {
        throw MarkError(plan.state_key,
                        fmt::format("the high-water mark under '{}' is {}, not a timestamp, number or text",
                                    plan.state_key,
                                    stored.dump()),
                        "set a timestamp, a number or a text value");
    }
    std::string text = stored.get<std::string>();
    std::optional<std::string> timestamp = SubtractSeconds(text, 0);
    if (!timestamp && (lag > 0 || tracked.kind == ColumnKind::TEMPORAL)) {
        throw MarkError(plan.state_key,
                        fmt::format("the high-water mark under '{}' is \"{}\", which is not a timestamp{}",
                                    plan.state_key,
                                    text,
                                    lag > 0 ? " (watermark_lag subtracts time from it)" : ""),
                        "set a timestamp such as \"2026-01-31 00:00:00\"");
    }
    bool as_timestamp = timestamp && (lag > 0 || tracked.kind == ColumnKind::TEMPORAL);
    if (!as_timestamp) {
        // Text (and numbers kept as text) compare as DuckDB casts the literal to the column's type.
        plan.condition = fmt::format("{} > {}", tracked.expression, QuoteLiteral(text));
        plan.above_stored = fmt::format("{{}} > {}", QuoteLiteral(text));
        plan.description =
            fmt::format("rows with {} > '{}' (high-water mark '{}')", incremental.column, text, plan.state_key);
        return;
    }
    std::string lower_bound = lag > 0 ? SubtractSeconds(*timestamp, lag).value_or(*timestamp) : *timestamp;
    std::string compared = AsTimestamp(tracked.expression, tracked.kind);
    plan.condition = fmt::format("{} > CAST({} AS TIMESTAMP)", compared, QuoteLiteral(lower_bound));
    plan.above_stored = fmt::format("{} > CAST({} AS TIMESTAMP)",
                                    tracked.kind == ColumnKind::TEXT ? "TRY_CAST({} AS TIMESTAMP)" : "{}",
                                    QuoteLiteral(*timestamp));
    plan.description = fmt::format("rows with {} > '{}' (high-water mark '{}' of '{}'{})",
                                   incremental.column,
                                   lower_bound,
                                   *timestamp,
                                   plan.state_key,
                                   DescribeLag(incremental));
}

bool IsNumericTypeName(const std::string& type) {
    return KindOf(type) == ColumnKind::NUMERIC;
}

} // namespace

std::string IncrementalStateKey(const config::IncrementalConfig& incremental, const std::string& node_name) {
    return incremental.state_key.value_or(node_name + "_hwm");
}

IncrementalReadPlan PlanIncrementalRead(const config::IncrementalConfig& incremental,
                                        const std::string& node_name,
                                        bool target_exists,
                                        const std::optional<std::string>& stored_value,
                                        const std::vector<engine::ColumnInfo>& columns,
                                        TimePoint now) {
    IncrementalReadPlan plan;
    plan.stateful = incremental.mode == config::IncrementalMode::STATEFUL;
    if (plan.stateful) {
        plan.state_key = IncrementalStateKey(incremental, node_name);
    }
    if (!target_exists) {
        // Odibi's "smart read": with no target yet, everything is read; a stateful read still records its mark.
        if (plan.stateful) {
            plan.tracked_expression = TrackedOf(incremental, columns).expression;
        } else {
            (void)TrackedOf(incremental, columns);
        }
        plan.description = fmt::format("first run (the write target does not exist yet): full load{}",
                                       plan.stateful ? ", high-water mark recorded" : "");
        return plan;
    }
    if (plan.stateful) {
        PlanStateful(incremental, stored_value, columns, plan);
    } else {
        PlanRollingWindow(incremental, columns, now, plan);
    }
    return plan;
}

std::string HighWaterMarkQuery(const IncrementalReadPlan& plan, const std::string& relation) {
    std::string maximum = fmt::format("max({})", plan.tracked_expression);
    std::string above = "true";
    if (plan.above_stored) {
        std::string comparison = *plan.above_stored;
        comparison.replace(comparison.find("{}"), 2, maximum);
        above = fmt::format("coalesce({}, false)", comparison);
    }
    return fmt::format("SELECT count(*), typeof({0}), CAST({0} AS VARCHAR), {1} FROM {2}", maximum, above, relation);
}

HighWaterMark DecodeHighWaterMark(const std::vector<std::optional<std::string>>& row) {
    constexpr size_t COLUMNS = 4;
    if (row.size() != COLUMNS || !row[0]) {
        throw InternalError("the high-water mark query returned an unexpected row");
    }
    HighWaterMark mark;
    mark.rows_read = std::stoll(*row[0]);
    if (!row[2] || row[3].value_or("false") != "true") {
        return mark;
    }
    if (IsNumericTypeName(row[1].value_or(""))) {
        nlohmann::json number = nlohmann::json::parse(*row[2], nullptr, false);
        if (!number.is_discarded() && number.is_number()) {
            mark.value = number.dump();
            return mark;
        }
    }
    mark.value = nlohmann::json(*row[2]).dump();
    return mark;
}

std::optional<std::string> SubtractSeconds(const std::string& text, int64_t seconds) {
    static const std::regex TIMESTAMP(
        R"(^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$)");
    std::smatch match;
    std::string trimmed = Trim(text);
    if (!std::regex_match(trimmed, match, TIMESTAMP)) {
        return std::nullopt;
    }
    using std::chrono::day;
    using std::chrono::month;
    using std::chrono::year;
    auto number = [&](size_t group) { return match[group].matched ? std::stoi(match[group].str()) : 0; };
    std::chrono::year_month_day date{
        year{number(1)}, month{static_cast<unsigned>(number(2))}, day{static_cast<unsigned>(number(3))}};
    constexpr int HOURS_PER_DAY = 24;
    constexpr int MINUTES_PER_HOUR = 60;
    constexpr int SECONDS_PER_MINUTE = 60;
    if (!date.ok() || number(4) >= HOURS_PER_DAY || number(5) >= MINUTES_PER_HOUR || number(6) >= SECONDS_PER_MINUTE) {
        return std::nullopt;
    }
    std::chrono::sys_seconds instant = std::chrono::sys_days(date) + std::chrono::hours(number(4)) +
                                       std::chrono::minutes(number(5)) + std::chrono::seconds(number(6)) -
                                       std::chrono::seconds(seconds);
    auto days = std::chrono::floor<std::chrono::days>(instant);
    std::chrono::year_month_day shifted(days);
    std::chrono::hh_mm_ss<std::chrono::seconds> time(instant - days);
    std::string suffix = match[8].matched && match[8].str() != "Z" ? match[8].str() : "";
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}{}{}",
                       static_cast<int>(shifted.year()),
                       static_cast<unsigned>(shifted.month()),
                       static_cast<unsigned>(shifted.day()),
                       time.hours().count(),
                       time.minutes().count(),
                       time.seconds().count(),
                       match[7].matched ? match[7].str() : "",
                       suffix);
}

} // namespace odibi::execute
