// Data skipping: the files whose statistics prove that no row satisfies a filter are not read.
#pragma once

#include <string>
#include <vector>

#include "odibi/engine/database.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

/// The files of `files` (a subset of snapshot.files, order kept) that may hold a row satisfying `filter_sql`, judged
/// by their min/max values, null counts and partition values. The filter's top-level AND conjuncts of the forms
/// `column <op> literal` (=, <>, <, <=, >, >=, also with the literal first), `column BETWEEN literal AND literal`,
/// `column IN (literals)`, `column IS NULL` and `column IS NOT NULL` decide, on string, number, date and timestamp
/// columns (null tests on every column), nested struct fields included. DuckDB parses the filter
/// (json_serialize_sql) and evaluates the conjuncts, rewritten over each file's bounds (FileBoundsSql), with the
/// same casts as the row filter. Every other conjunct, a file without statistics, and any failure keep files: a
/// file is dropped only when its statistics prove it holds no matching row.
[[nodiscard]] std::vector<const AddFile*> SkipFilesByStatistics(engine::Connection& connection,
                                                                const Snapshot& snapshot,
                                                                const std::vector<const AddFile*>& files,
                                                                const std::string& filter_sql);

} // namespace odibi::io::delta
