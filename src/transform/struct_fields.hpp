// The leaves of a STRUCT value, found by describing it: what flatten_struct and normalize_json project.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "odibi/engine/database.hpp"

namespace odibi::transform {

/// One column of a flattened STRUCT: the field names from the top down, the SQL that reads the
/// field, and its DuckDB type.
struct StructLeaf {
    std::vector<std::string> path;
    std::string sql;
    std::string type;
};

/// True for a DuckDB type text naming a STRUCT ("STRUCT(a INTEGER, ...)"), not a list of structs.
[[nodiscard]] bool IsStructType(const std::string& type);

/// The fields of `struct_sql` (a STRUCT expression over `relation`), recursing into STRUCT fields
/// until `depth` levels are flattened (0 = every level). A field at the last level keeps its type,
/// STRUCT or not. Field types come from DuckDB's binder (Describe), so no data is read.
[[nodiscard]] std::vector<StructLeaf> FlattenStructFields(engine::Connection& connection,
                                                          const std::string& relation,
                                                          const std::string& struct_sql,
                                                          int64_t depth);

} // namespace odibi::transform
