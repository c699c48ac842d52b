// Writing a Delta table: data files staged beside the table, then one atomic commit to its log.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/io/formats.hpp"

namespace odibi::io::delta {

/// One write of a node's rows into a Delta table.
struct TableWrite {
    std::string table_root;      ///< absolute directory of the table (created on the first write)
    std::string source_relation; ///< quoted view/table holding the rows
    config::WriteMode mode = config::WriteMode::OVERWRITE;
    std::vector<std::string> keys;                        ///< upsert / append_once
    std::vector<std::string> partition_by;                ///< for a new table, or with overwrite_schema
    bool merge_schema = false;                            ///< new columns of the rows join the table's schema
    bool overwrite_schema = false;                        ///< mode overwrite replaces schema and partitioning
    std::map<std::string, std::string> table_properties;  ///< metaData.configuration of a new table
    std::optional<std::string> app_id;                    ///< "odibi/<pipeline>/<node>": a txn action in the commit
    config::Json commit_details = config::Json::object(); ///< merged into commitInfo (run id, ...)
    /// `skip_if_unchanged`: no commit when the rows' content hash equals the one this writer
    /// (app_id) recorded in its last commit; hash_columns limits the hash to those columns.
    bool skip_if_unchanged = false;
    std::vector<std::string> hash_columns;
    /// upsert: a boolean column of the rows; true removes the row's key and writes nothing (see
    /// WriteConfig::delete_flag_column).
    std::optional<std::string> delete_flag_column;
    std::string config_path; ///< of the write block, for errors
};

/// Stages the write: data files in a hidden sibling of the table, the commit's actions computed
/// against the current snapshot. Publish() moves the files into the table and commits (retrying
/// appends over concurrent commits, refusing overwrites and upserts that raced with another writer).
[[nodiscard]] StagedWrite StageTableWrite(engine::Connection& connection, const TableWrite& write);

/// Whether the write staged with `published_marker` ("delta:<read version>:<txn id>") reached the
/// table's log: a commit after the read version carries its txn id. A write skipped because its
/// rows were unchanged ("delta:<read version>:unchanged") has nothing to publish and counts as done.
[[nodiscard]] bool IsCommitPublished(const std::string& table_root, const std::string& published_marker);

/// True for markers that StageTableWrite produced.
[[nodiscard]] bool IsTableMarker(const std::string& published_marker);

} // namespace odibi::io::delta
