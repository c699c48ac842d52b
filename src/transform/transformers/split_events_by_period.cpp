// split_events_by_period: splits each [start, end] interval into one row per clock day, clock hour or shift.
#include <charconv>
#include <optional>

#include "builtin_transformer.hpp"
#include "param_types.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

const std::vector<std::string> SHIFT_KEYS = {"name", "start", "end"};
constexpr int64_t MINUTES_PER_HOUR = 60;
constexpr int64_t HOURS_PER_DAY = 24;
constexpr int64_t MINUTES_PER_DAY = MINUTES_PER_HOUR * HOURS_PER_DAY;

// The aliases of the input row and of its segments in the compiled query.
std::string EventAlias() {
    return engine::QuoteIdentifier("__odibi_event");
}

std::string SegmentAlias() {
    return engine::QuoteIdentifier("__odibi_segment");
}

struct Shift {
    std::string name;
    int64_t start_minutes = 0; ///< from the start of its day
    int64_t end_minutes = 0;   ///< from the start of its day; past MINUTES_PER_DAY for an overnight shift
};

// "HH:MM" (or "H:MM") as minutes after midnight; "24:00" is the next midnight.
std::optional<int64_t> ParseClockTime(const std::string& text) {
    size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
        return std::nullopt;
    }
    int hours = 0;
    int minutes = 0;
    auto hours_end = std::from_chars(text.data(), text.data() + colon, hours);
    auto minutes_end = std::from_chars(text.data() + colon + 1, text.data() + text.size(), minutes);
    if (hours_end.ec != std::errc() || hours_end.ptr != text.data() + colon || minutes_end.ec != std::errc() ||
        minutes_end.ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    if (hours < 0 || minutes < 0 || minutes >= MINUTES_PER_HOUR || hours > HOURS_PER_DAY ||
        (hours == HOURS_PER_DAY && minutes != 0)) {
        return std::nullopt;
    }
    return hours * MINUTES_PER_HOUR + minutes;
}

// The shifts param, checked: every entry has exactly name, start and end, with valid clock times.
std::vector<Shift> ReadShifts(const ParamReader& params) {
    std::vector<Shift> shifts;
    const config::Json* entries = params.TryGet("shifts");
    if (entries == nullptr) {
        return shifts;
    }
    size_t index = 0;
    for (const auto& entry : *entries) {
        const std::string where = "shifts[" + std::to_string(index) + "]";
        for (const auto& item : entry.items()) {
            if (std::find(SHIFT_KEYS.begin(), SHIFT_KEYS.end(), item.key()) == SHIFT_KEYS.end()) {
                Error error = params.Invalid("shifts", "unknown key \"" + item.key() + "\" in " + where);
                error.WithSuggestion(DidYouMean(item.key(), SHIFT_KEYS));
                error.WithSuggestion("each shift is {name: Day, start: \"06:00\", end: \"14:00\"}");
                throw error;
            }
        }
        for (const auto& key : SHIFT_KEYS) {
            if (!entry.contains(key) || JsonToText(entry.at(key)).empty()) {
                throw params.Invalid("shifts",
                                     where + " has no \"" + key +
                                         "\"; each shift is {name: Day, start: \"06:00\", end: \"14:00\"}");
            }
        }
        Shift shift;
        shift.name = JsonToText(entry.at("name"));
        std::vector<int64_t> times;
        for (const std::string key : {"start", "end"}) {
            const std::string text = JsonToText(entry.at(key));
            auto minutes = ParseClockTime(text);
            if (!minutes) {
                throw params.Invalid(
                    "shifts",
                    fmt::format("{}.{} is \"{}\", not a clock time HH:MM (00:00 to 24:00)", where, key, text));
            }
            times.push_back(*minutes);
        }
        shift.start_minutes = times[0];
        // A shift that ends at or before its start ends on the next day (22:00 -> 06:00).
        shift.end_minutes = times[1] <= times[0] ? times[1] + MINUTES_PER_DAY : times[1];
        shifts.push_back(shift);
        ++index;
    }
    return shifts;
}

bool IsTimeLike(const std::string& type) {
    return StartsWith(type, "TIMESTAMP") || type == "DATE" || type == "VARCHAR";
}

class SplitEventsByPeriod final : public BuiltinTransformer {
public:
    SplitEventsByPeriod()
        : BuiltinTransformer(
              "split_events_by_period",
              "advanced",
              "Splits each event [start_col, end_col] into one row per clock day (midnight to midnight), clock hour "
              "(10:30-12:30 gives 10:30-11:00, 11:00-12:00, 12:00-12:30) or shift it overlaps; the other columns "
              "are repeated and start_col/end_col hold the segment (as TIMESTAMP). With shifts, shift_col names the "
              "shift (an overnight shift ends at or before its start, and one that began the previous day counts); "
              "an event that overlaps no shift keeps one row with shift_col NULL. duration_col, if set, holds each "
              "row's end - start in minutes. Rows with a NULL start or end, or an end before the start, are kept "
              "as they are.",
              {RequiredParam("start_col", "string", "the event start (timestamp, date or timestamp text)"),
               RequiredParam("end_col", "string", "the event end"),
               OptionalParam("period", "string", "day", "the period to split by", {"day", "hour", "shift"}),
               OptionalParam(
                   "duration_col", "string", "", "name of a column for each row's duration in minutes (default: none)"),
               OptionalParam("shifts",
                             "list[map[string,string]]",
                             "",
                             "the shifts, each {name, start: \"HH:MM\", end: \"HH:MM\"} (required for period: shift)"),
               OptionalParam("shift_col", "string", "shift_name", "name of the shift column (period: shift)")},
              {{"start_col", "ordered_at"},
               {"end_col", "shipped_at"},
               {"period", "shift"},
               {"duration_col", "minutes"},
               {"shifts",
                {{{"name", "Day"}, {"start", "06:00"}, {"end", "18:00"}},
                 {{"name", "Night"}, {"start", "18:00"}, {"end", "06:00"}}}}}) {}

private:
    void Check(const ParamReader& params) const override {
        auto shifts = ReadShifts(params);
        if (params.GetEnum("period") == "shift" && shifts.empty()) {
            throw params.Invalid("shifts", "period: shift needs a non-empty \"shifts\" list");
        }
        const std::string start = params.GetString("start_col");
        const std::string end = params.GetString("end_col");
        if (SameColumnName(start, end)) {
            throw params.Invalid("end_col", "\"start_col\" and \"end_col\" name the same column \"" + start + "\"");
        }
        std::vector<std::pair<std::string, std::string>> outputs;
        if (auto duration = params.TryGetString("duration_col")) {
            outputs.emplace_back("duration_col", *duration);
        }
        if (params.GetEnum("period") == "shift") {
            outputs.emplace_back("shift_col", params.GetString("shift_col"));
        }
        for (size_t index = 0; index < outputs.size(); ++index) {
            const auto& [param, name] = outputs[index];
            bool clashes = SameColumnName(name, start) || SameColumnName(name, end) ||
                           (index > 0 && SameColumnName(name, outputs[0].second));
            if (clashes) {
                throw params.Invalid(param,
                                     "\"" + param + "\" (\"" + name +
                                         "\") must differ from start_col, end_col and the other new column");
            }
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        const std::string event = EventAlias();
        const std::string segment = SegmentAlias();
        auto columns = RelationColumns::OfInput(input);
        const std::string& start_name = columns.Resolve(params.GetString("start_col"), params, "start_col");
        const std::string& end_name = columns.Resolve(params.GetString("end_col"), params, "end_col");
        for (const auto& [param, name] : {std::pair{"start_col", start_name}, std::pair{"end_col", end_name}}) {
            const std::string& type = columns.Columns()[*columns.TryFind(name)].type;
            if (!IsTimeLike(type)) {
                throw params.Invalid(param, "column \"" + name + "\" is " + type + ", not a timestamp");
            }
        }
        const std::string start = "CAST(" + event + "." + engine::QuoteIdentifier(start_name) + " AS TIMESTAMP)";
        const std::string end = "CAST(" + event + "." + engine::QuoteIdentifier(end_name) + " AS TIMESTAMP)";
        const std::string period = params.GetEnum("period");
        const std::string segments = period == "shift" ? ShiftSegments(ReadShifts(params), start, end)
                                                       : ClockSegments(period == "day" ? "day" : "hour", start, end);

        const std::string segment_start = "COALESCE(" + segment + ".segment_start, " + start + ")";
        const std::string segment_end = "COALESCE(" + segment + ".segment_end, " + end + ")";
        std::vector<std::pair<std::string, std::string>> added; // name -> expression
        if (period == "shift") {
            added.emplace_back(params.GetString("shift_col"), segment + ".segment_shift");
        }
        if (auto duration = params.TryGetString("duration_col")) {
            added.emplace_back(*duration,
                               "CAST(date_diff('microsecond', " + segment_start + ", " + segment_end +
                                   ") AS DOUBLE) / 60000000");
        }
        std::vector<std::string> select;
        for (const auto& column : columns.Columns()) {
            std::string expression = event + "." + engine::QuoteIdentifier(column.name);
            if (column.name == start_name) {
                expression = segment_start;
            } else if (column.name == end_name) {
                expression = segment_end;
            }
            for (auto it = added.begin(); it != added.end(); ++it) {
                if (SameColumnName(it->first, column.name)) {
                    expression = it->second; // an existing column of that name is replaced in place
                    added.erase(it);
                    break;
                }
            }
            select.push_back(expression + " AS " + engine::QuoteIdentifier(column.name));
        }
        for (const auto& [name, expression] : added) {
            select.push_back(expression + " AS " + engine::QuoteIdentifier(name));
        }
        return "SELECT " + Join(select, ", ") + " FROM " + input.relation + " AS " + event + " LEFT JOIN LATERAL (" +
               segments + ") AS " + segment + " ON true";
    }

    // One segment per clock day or hour from the one holding start to the one before end (or holding
    // it, when end is not on a boundary); an event of length zero gets its one period.
    static std::string ClockSegments(const std::string& unit, const std::string& start, const std::string& end) {
        const std::string step = "INTERVAL 1 " + ToUpper(unit);
        const std::string first = "CAST(date_trunc('" + unit + "', " + start + ") AS TIMESTAMP)";
        return fmt::format("SELECT greatest({start}, period_start) AS segment_start, least({end}, period_start + "
                           "{step}) AS segment_end FROM unnest(generate_series({first}, {end}, {step})) AS "
                           "periods(period_start) WHERE {start} <= {end} AND (period_start < {end} OR period_start = "
                           "{first})",
                           fmt::arg("start", start),
                           fmt::arg("end", end),
                           fmt::arg("step", step),
                           fmt::arg("first", first));
    }

    // One segment per (day, shift) that overlaps the event. Days run from the one before start (its
    // overnight shift may cover the event's first hours) to the one holding end.
    static std::string
    ShiftSegments(const std::vector<Shift>& shifts, const std::string& start, const std::string& end) {
        std::vector<std::string> rows;
        for (const auto& shift : shifts) {
            rows.push_back(fmt::format("({}, to_minutes({}), to_minutes({}))",
                                       engine::QuoteLiteral(shift.name),
                                       shift.start_minutes,
                                       shift.end_minutes));
        }
        const std::string day = "CAST(date_trunc('day', {}) AS TIMESTAMP)";
        return fmt::format(
            "SELECT greatest({start}, day_start + shift_start) AS segment_start, least({end}, day_start + "
            "shift_end) AS segment_end, shift_name AS segment_shift FROM unnest(generate_series({first_day} - INTERVAL "
            "1 "
            "DAY, {last_day}, INTERVAL 1 DAY)) AS days(day_start), (VALUES {shifts}) AS shifts(shift_name, "
            "shift_start, shift_end) WHERE {start} <= {end} AND (greatest({start}, day_start + "
            "shift_start) < least({end}, day_start + shift_end) OR ({start} = {end} AND day_start + shift_start <= "
            "{start} AND {start} < day_start + shift_end))",
            fmt::arg("start", start),
            fmt::arg("end", end),
            fmt::arg("first_day", fmt::format(fmt::runtime(day), start)),
            fmt::arg("last_day", fmt::format(fmt::runtime(day), end)),
            fmt::arg("shifts", Join(rows, ", ")));
    }
};

} // namespace

std::unique_ptr<Transformer> MakeSplitEventsByPeriodTransformer() {
    return std::make_unique<SplitEventsByPeriod>();
}

} // namespace odibi::transform
