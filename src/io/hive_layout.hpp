// Hive-partitioned directories (key=value folders): their keys, and naming their columns back.
#pragma once

#include <string>
#include <vector>

namespace odibi::io {

/// One partition key of a hive directory.
struct HiveKey {
    std::string stored; ///< as the folder spells it, which is the column name DuckDB reads ("sale%20region")
    std::string name;   ///< the column name that was written ("sale region")
};

/// The partition keys of a hive dataset rooted at `root`, from the folders above `data_file`
/// ("region=EU/year=2024/data_0.parquet" gives region and year).
[[nodiscard]] std::vector<HiveKey> HiveKeysOf(const std::string& root, const std::string& data_file);

/// `scan` itself, or a projection of it that renames the hive columns whose folder names DuckDB
/// percent-encoded when writing and does not decode when reading.
[[nodiscard]] std::string WithHiveColumnNames(const std::string& scan, const std::vector<HiveKey>& keys);

} // namespace odibi::io
