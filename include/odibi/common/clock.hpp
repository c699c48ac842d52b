// Wall-clock time as odibi records it: UTC timestamps, ISO-8601 text, and durations.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace odibi {

using TimePoint = std::chrono::system_clock::time_point;

[[nodiscard]] TimePoint Now();
/// "2026-11-22T10:04:05.123Z" (UTC, millisecond precision).
[[nodiscard]] std::string FormatIsoUtc(TimePoint time);
/// strftime in UTC, e.g. FormatUtc(t, "%Y-%m-%d").
[[nodiscard]] std::string FormatUtc(TimePoint time, const char* format);
/// strftime in the local time zone (used for story file names and ${date:...}).
[[nodiscard]] std::string FormatLocal(TimePoint time, const char* format);
[[nodiscard]] int64_t MillisecondsBetween(TimePoint start, TimePoint end);

} // namespace odibi
