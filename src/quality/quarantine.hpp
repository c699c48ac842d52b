// The quarantine split: temporary views over the flags table of the rows that pass every quarantine
// test and of those that fail one, with the metadata columns of reference §3.3.
#pragma once

#include <string>
#include <vector>

#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

/// A quarantine test's name and its flag column in the flags table.
struct QuarantineFlag {
    std::string test_name;
    std::string flag_column; ///< unquoted
};

/// The SQL condition "the row fails a quarantine test" over the flags table; "false" for no flags.
[[nodiscard]] std::string AnyFlagSql(const std::vector<QuarantineFlag>& flags);

struct QuarantineViews {
    std::string valid;
    std::string quarantined;
};

/// Creates `<base>_valid` (original columns of the rows failing no quarantine test) and
/// `<base>_quarantined` (original columns + the configured metadata columns; sample_fraction, then
/// max_rows) as temporary views over `table`.
[[nodiscard]] QuarantineViews CreateQuarantineViews(engine::Connection& connection,
                                                    const std::string& table,
                                                    const std::string& base,
                                                    const std::vector<std::string>& original_columns,
                                                    const std::vector<QuarantineFlag>& flags,
                                                    const config::QuarantineConfig& quarantine,
                                                    const QualityContext& context);

} // namespace odibi::quality
