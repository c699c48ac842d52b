// Table expressions over some of a snapshot's files (for writers that rewrite or probe files).
#pragma once

#include <string>
#include <vector>

#include "odibi/engine/database.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

/// The column that ScanFilesSql adds with `with_file_column`: the file each row came from, as
/// FileLocation renders it.
inline constexpr const char* FILE_COLUMN = "odibi_delta_file";

/// The absolute location of a snapshot file (paths in the log are relative to the table root).
[[nodiscard]] std::string FileLocation(const Snapshot& snapshot, const AddFile& file);

/// ScanSql over `files` only (a subset of snapshot.files), optionally with FILE_COLUMN.
[[nodiscard]] std::string ScanFilesSql(engine::Connection& connection,
                                       const Snapshot& snapshot,
                                       const std::vector<const AddFile*>& files,
                                       bool with_file_column);

} // namespace odibi::io::delta
