// Text helpers shared by the story renderers: status names, timestamps, durations, JSON field access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "odibi/execute/run_result.hpp"

namespace odibi::observe {

/// "success" | "failed" | "skipped" (the story's own table, independent of the execute layer).
[[nodiscard]] std::string NodeStatusText(execute::NodeStatus status);
/// "RUNNING" | "SUCCESS" | "FAILED" | "INTERRUPTED" | "ABANDONED".
[[nodiscard]] std::string RunStatusText(execute::RunStatus status);

/// Milliseconds since the Unix epoch of "YYYY-MM-DDTHH:MM:SS[.fff]Z"; nullopt for any other text.
[[nodiscard]] std::optional<int64_t> ParseIsoMilliseconds(std::string_view text);
/// "850 ms", "12.4 s", "3 min 05 s", "2 h 01 min".
[[nodiscard]] std::string FormatDuration(int64_t milliseconds);
/// "1,234,567".
[[nodiscard]] std::string FormatCount(int64_t value);

/// The string at `key` of an object, or "" when absent, null or not a string.
[[nodiscard]] std::string TextField(const nlohmann::ordered_json& object, std::string_view key);
/// The integer at `key` of an object, or nullopt when absent or not a number.
[[nodiscard]] std::optional<int64_t> IntegerField(const nlohmann::ordered_json& object, std::string_view key);
/// The array at `key` of an object, or an empty array.
[[nodiscard]] const nlohmann::ordered_json& ArrayField(const nlohmann::ordered_json& object, std::string_view key);

} // namespace odibi::observe
