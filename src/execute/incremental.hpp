// Incremental reads (read.incremental, §6): the row filter pushed into a node's scan and its new high-water mark.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "odibi/common/clock.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::execute {

/// What an incremental read does in this run, decided before its scan is built.
struct IncrementalReadPlan {
    /// A SQL condition over the source's columns, ANDed into the scan; nullopt reads every row.
    std::optional<std::string> condition;
    /// One line for the story: why these rows ("first run: the target does not exist, full load").
    std::string description;
    /// Stateful only: the meta_state key and the expression whose maximum becomes the new mark.
    std::string state_key;
    std::string tracked_expression;
    /// Stateful with a stored mark: "<expression> is above the stored mark" with `{}` for the
    /// expression, so that a new mark is kept only when it moves forward (a lag re-reads older rows).
    std::optional<std::string> above_stored;
    bool stateful = false;
};

/// The key a stateful read keeps its mark under: `state_key`, else "<node>_hwm".
[[nodiscard]] std::string IncrementalStateKey(const config::IncrementalConfig& incremental,
                                              const std::string& node_name);

/// Plans the read from the config, whether the node's write target exists (a missing target is a
/// first run: full load), the stored mark (its JSON text; nullopt when there is none), the source's
/// columns and the time now (rolling windows end now, in local time as Odibi's). Throws
/// INCREMENTAL_COLUMN_INVALID for a missing column or one the mode cannot compare, and
/// HIGH_WATER_MARK_INVALID for a stored mark the column or the lag cannot use.
[[nodiscard]] IncrementalReadPlan PlanIncrementalRead(const config::IncrementalConfig& incremental,
                                                      const std::string& node_name,
                                                      bool target_exists,
                                                      const std::optional<std::string>& stored_value,
                                                      const std::vector<engine::ColumnInfo>& columns,
                                                      TimePoint now);

/// One aggregate over the filtered read `relation`: row count, the type and text of the tracked
/// expression's maximum, and whether it is above the stored mark.
[[nodiscard]] std::string HighWaterMarkQuery(const IncrementalReadPlan& plan, const std::string& relation);

/// The outcome of HighWaterMarkQuery.
struct HighWaterMark {
    int64_t rows_read = 0;
    /// The JSON text to store; nullopt when the mark stays (no rows, or not above the stored mark).
    std::optional<std::string> value;
};

/// Decodes the single row of HighWaterMarkQuery: numbers are stored as JSON numbers, everything
/// else as JSON strings (timestamps as DuckDB prints them: "2026-01-02 10:00:00[.ffffff]").
[[nodiscard]] HighWaterMark DecodeHighWaterMark(const std::vector<std::optional<std::string>>& row);

/// "2026-01-02 10:00:00.5" minus `seconds`, in the same shape ("YYYY-MM-DD HH:MM:SS[.fraction]");
/// accepts a "T" separator and a date alone. nullopt when `text` is not such a timestamp.
[[nodiscard]] std::optional<std::string> SubtractSeconds(const std::string& text, int64_t seconds);

} // namespace odibi::execute
