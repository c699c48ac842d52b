// date_dimension: one row per day from start_date to end_date with the 19 calendar columns.
#include <regex>

#include "pattern_support.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

constexpr int64_t MONTHS_PER_YEAR = 12;
const std::regex ISO_DATE(R"(\d{4}-\d{2}-\d{2})");

// `date_key_format` in the tokens Odibi's docs use (YYYY, MM, DD) as a strftime format.
std::string StrftimeFormat(const std::string& format) {
    std::string result;
    for (size_t index = 0; index < format.size();) {
        if (format.compare(index, 4, "YYYY") == 0) {
            result += "%Y";
            index += 4;
        } else if (format.compare(index, 2, "MM") == 0) {
            result += "%m";
            index += 2;
        } else if (format.compare(index, 2, "DD") == 0) {
            result += "%d";
            index += 2;
        } else if (format[index] == '%') {
            result += "%%";
            ++index;
        } else {
            result += format[index];
            ++index;
        }
    }
    return result;
}

bool IsAllDigitsFormat(const std::string& format) {
    std::string stripped = std::regex_replace(format, std::regex("YYYY|MM|DD"), "");
    return stripped.empty();
}

class DateDimension final : public BuiltinTransformer {
public:
    DateDimension()
        : BuiltinTransformer(
              "date_dimension",
              PATTERN_CATEGORY,
              "Generates a date dimension: one row per day from start_date to end_date (inclusive, ascending) with "
              "date_sk, full_date, day_of_week, day_of_week_num (Monday = 1), day_of_month, day_of_year, is_weekend, "
              "week_of_year (ISO), month, month_name, quarter, quarter_name, year, fiscal_year, fiscal_quarter, "
              "is_month_start, is_month_end, is_year_start and is_year_end. Needs no input.",
              {RequiredParam("start_date", "string", "first day, YYYY-MM-DD"),
               RequiredParam("end_date", "string", "last day, YYYY-MM-DD (not before start_date)"),
               OptionalParam("fiscal_year_start_month",
                             "int",
                             "1",
                             "month (1-12) in which the fiscal year starts; a fiscal year is named after the "
                             "calendar year it ends in"),
               OptionalParam("date_key_format",
                             "string",
                             "YYYYMMDD",
                             "how date_sk is written (YYYY, MM, DD); all-digit formats give an integer key, "
                             "others text"),
               OptionalParam("unknown_member",
                             "bool",
                             "false",
                             "prepend the unknown member: date_sk 0, full_date 1900-01-01, names \"Unknown\""),
               OptionalParam("include_time", "bool", "false", "accepted for Odibi compatibility; must be false")},
              {{"start_date", "2025-01-01"},
               {"end_date", "2025-12-31"},
               {"fiscal_year_start_month", 7},
               {"unknown_member", true}}) {}

    [[nodiscard]] bool NeedsInput() const override { return false; }

private:
    void Check(const ParamReader& params) const override {
        for (const char* key : {"start_date", "end_date"}) {
            if (!std::regex_match(params.GetString(key), ISO_DATE)) {
                throw params.Invalid(
                    key,
                    fmt::format("\"{}\" must be a date written YYYY-MM-DD, not \"{}\"", key, params.GetString(key)));
            }
        }
        if (params.GetString("end_date") < params.GetString("start_date")) {
            throw params.Invalid("end_date",
                                 fmt::format("end_date {} is before start_date {}",
                                             params.GetString("end_date"),
                                             params.GetString("start_date")));
        }
        int64_t month = params.GetInt("fiscal_year_start_month");
        if (month < 1 || month > MONTHS_PER_YEAR) {
            throw params.Invalid("fiscal_year_start_month",
                                 fmt::format("fiscal_year_start_month must be 1 to 12, not {}", month));
        }
        if (params.GetBool("include_time")) {
            throw params.Invalid("include_time",
                                 "include_time: true is not supported: the dimension has one row per day");
        }
        std::string format = params.GetString("date_key_format");
        if (format.find("YYYY") == std::string::npos || format.find("MM") == std::string::npos ||
            format.find("DD") == std::string::npos) {
            throw params.Invalid("date_key_format",
                                 fmt::format("date_key_format \"{}\" must contain YYYY, MM and DD", format));
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        static_cast<void>(input);
        int64_t fiscal_start = params.GetInt("fiscal_year_start_month");
        std::string format = params.GetString("date_key_format");
        bool integer_key = IsAllDigitsFormat(format);
        std::string key = fmt::format("strftime(d, {})", engine::QuoteLiteral(StrftimeFormat(format)));
        if (integer_key) {
            key = "CAST(" + key + " AS INTEGER)";
        }
        std::string fiscal_year =
            fiscal_start == 1 ? "year(d)"
                              : fmt::format("year(d) + CASE WHEN month(d) >= {} THEN 1 ELSE 0 END", fiscal_start);
        std::string days = fmt::format(
            "SELECT {key} AS date_sk, CAST(d AS DATE) AS full_date, dayname(d) AS day_of_week, "
            "CAST(isodow(d) AS INTEGER) AS day_of_week_num, CAST(day(d) AS INTEGER) AS day_of_month, "
            "CAST(dayofyear(d) AS INTEGER) AS day_of_year, isodow(d) IN (6, 7) AS is_weekend, "
            "CAST(weekofyear(d) AS INTEGER) AS week_of_year, CAST(month(d) AS INTEGER) AS month, "
            "monthname(d) AS month_name, CAST(quarter(d) AS INTEGER) AS quarter, 'Q' || quarter(d) AS quarter_name, "
            "CAST(year(d) AS INTEGER) AS year, CAST({fiscal_year} AS INTEGER) AS fiscal_year, "
            "CAST((month(d) - {start} + 12) % 12 // 3 + 1 AS INTEGER) AS fiscal_quarter, day(d) = 1 AS is_month_start, "
            "CAST(d AS DATE) = last_day(d) AS is_month_end, month(d) = 1 AND day(d) = 1 AS is_year_start, "
            "month(d) = 12 AND day(d) = 31 AS is_year_end "
            "FROM generate_series(DATE {first}, DATE {last}, INTERVAL 1 DAY) AS days(d)",
            fmt::arg("key", key),
            fmt::arg("fiscal_year", fiscal_year),
            fmt::arg("start", fiscal_start),
            fmt::arg("first", engine::QuoteLiteral(params.GetString("start_date"))),
            fmt::arg("last", engine::QuoteLiteral(params.GetString("end_date"))));
        if (!params.GetBool("unknown_member")) {
            return days + " ORDER BY full_date";
        }
        std::string unknown = fmt::format(
            "SELECT {} AS date_sk, DATE '1900-01-01' AS full_date, 'Unknown' AS day_of_week, 0 AS day_of_week_num, "
            "0 AS day_of_month, 0 AS day_of_year, false AS is_weekend, 0 AS week_of_year, 0 AS month, "
            "'Unknown' AS month_name, 0 AS quarter, 'Unknown' AS quarter_name, 0 AS year, 0 AS fiscal_year, "
            "0 AS fiscal_quarter, false AS is_month_start, false AS is_month_end, false AS is_year_start, "
            "false AS is_year_end",
            integer_key ? "0" : "'0'");
        // The unknown member's 1900-01-01 sorts it first.
        return fmt::format("SELECT * FROM ({}) UNION ALL SELECT * FROM ({}) ORDER BY full_date", unknown, days);
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDateDimensionPattern() {
    return std::make_unique<DateDimension>();
}

} // namespace odibi::transform
