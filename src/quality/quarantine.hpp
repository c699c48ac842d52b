// The quarantine split: the rows of a relation outside a table of failing rows (an anti-join on
// every column), and the quarantined rows with the metadata columns of reference §3.3.
#pragma once

#include <string>
#include <vector>

#include "odibi/config/project.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

/// A quarantine test's name and its flag column in the table of failing rows.
struct QuarantineFlag {
    std::string test_name;
    std::string flag_column; ///< unquoted
};

/// The SQL condition "the row fails a quarantine test" over the failing rows; "false" for no flags.
[[nodiscard]] std::string AnyFlagSql(const std::vector<QuarantineFlag>& flags);

/// The rows of `relation_sql` (its `columns`, unquoted) equal, column by column with NULLs equal,
/// to no row of `failing_table` (quoted) that satisfies `condition`. Exact because a row's flags
/// depend only on its values: identical rows pass or fail together.
[[nodiscard]] std::string RowsOutsideSql(const std::string& relation_sql,
                                         const std::vector<std::string>& columns,
                                         const std::string& failing_table,
                                         const std::string& condition);

/// The rows of `failing_table` (quoted) that fail a quarantine test: their original `columns` plus
/// the metadata columns the config asks for; sample_fraction, then max_rows.
[[nodiscard]] std::string QuarantinedRowsSql(const std::string& failing_table,
                                             const std::vector<std::string>& columns,
                                             const std::vector<QuarantineFlag>& flags,
                                             const config::QuarantineConfig& quarantine,
                                             const QualityContext& context);

} // namespace odibi::quality
