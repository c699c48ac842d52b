// Classic single-file parquet checkpoints of a Delta table (PROTOCOL.md, "Checkpoints").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "odibi/engine/database.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

/// The checkpoint interval when the table does not set `delta.checkpointInterval`.
inline constexpr int64_t DEFAULT_CHECKPOINT_INTERVAL = 10;

/// Writes `<table_root>/_delta_log/<version>.checkpoint.parquet` for `snapshot` in the layout Spark
/// writes (one row per action, nullable struct columns txn, add, remove, metaData, protocol), then
/// `_delta_log/_last_checkpoint`. Both files are staged under hidden names and renamed into place, so
/// a reader sees a whole checkpoint or none. Tombstones become remove rows; add and remove rows have
/// dataChange false, as in Spark's checkpoints. Throws SQL_ERROR or WRITE_FAILED when writing fails.
void WriteCheckpoint(engine::Connection& connection, const Snapshot& snapshot);

/// Every how many commits a writer checkpoints: `delta.checkpointInterval` of the table
/// (DEFAULT_CHECKPOINT_INTERVAL when unset); nullopt when the setting is not a positive integer, which
/// turns automatic checkpoints off.
[[nodiscard]] std::optional<int64_t> CheckpointInterval(const Metadata& metadata);

} // namespace odibi::io::delta
