// Reading classic parquet checkpoints (PROTOCOL.md, "Checkpoints"), single-file and multi-part.
#pragma once

#include <filesystem>
#include <vector>

#include "actions.hpp"

#include "odibi/engine/database.hpp"

namespace odibi::io::delta {

/// The actions of the checkpoint whose parts are `parts`. Add and remove rows, of which a checkpoint holds one per
/// file, are read as typed columns (DuckDB renders no JSON and odibi parses none); the few metaData, protocol and txn
/// rows as JSON. Fields a writer left out of its checkpoint's schema (deletion vectors, stats, sizes of removes) read
/// as absent. Throws DELTA_LOG_INVALID naming the first part when the checkpoint cannot be read.
[[nodiscard]] Actions ReadCheckpoint(engine::Connection& connection, const std::vector<std::filesystem::path>& parts);

} // namespace odibi::io::delta
