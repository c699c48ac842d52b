// Catalog timestamps: ISO-8601 UTC text ("2026-11-22T10:04:05.123Z"), whose text order is time order.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "odibi/common/clock.hpp"

namespace odibi::state {

/// Parses "YYYY-MM-DDTHH:MM:SS[.fraction][Z]" as UTC; nullopt for anything else.
[[nodiscard]] std::optional<TimePoint> ParseIsoUtc(std::string_view text);

/// The ISO-8601 UTC instant `days` days before `now`: the lower bound of a "last N days" filter.
[[nodiscard]] std::string CutoffForDays(TimePoint now, int days);

/// "2026-11-22" from "2026-11-22T10:04:05.123Z" (the catalog's `date` columns).
[[nodiscard]] std::string DateOf(std::string_view iso_timestamp);

} // namespace odibi::state
