// UTC/local timestamp formatting for run records, stories and date substitution.
#include "odibi/common/clock.hpp"

#include <ctime>

#include <fmt/format.h>

namespace odibi {
namespace {

constexpr size_t FORMAT_BUFFER_SIZE = 128;

std::string Strftime(const std::tm& parts, const char* format) {
    char buffer[FORMAT_BUFFER_SIZE];
    size_t length = std::strftime(buffer, sizeof(buffer), format, &parts);
    return std::string(buffer, length);
}

} // namespace

TimePoint Now() {
    return std::chrono::system_clock::now();
}

std::string FormatIsoUtc(TimePoint time) {
    auto milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() % 1000;
    return fmt::format("{}.{:03}Z", FormatUtc(time, "%Y-%m-%dT%H:%M:%S"), milliseconds);
}

std::string FormatUtc(TimePoint time, const char* format) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    return Strftime(parts, format);
}

std::string FormatLocal(TimePoint time, const char* format) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    localtime_r(&seconds, &parts);
    return Strftime(parts, format);
}

int64_t MillisecondsBetween(TimePoint start, TimePoint end) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(end - start).count();
}

} // namespace odibi
