// The quarantine split: the kept rows (an anti-join) and the quarantined rows with their metadata.
#include "quarantine.hpp"

#include <fmt/format.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::quality {

namespace {

using engine::QuoteIdentifier;
using engine::QuoteLiteral;

// 'Failed: ' || the names of the quarantine tests this row fails, comma-joined (concat_ws skips NULLs).
std::string RejectionReasonSql(const std::vector<QuarantineFlag>& flags) {
    std::vector<std::string> parts;
    parts.reserve(flags.size());
    for (const auto& flag : flags) {
        parts.push_back("CASE WHEN " + QuoteIdentifier(flag.flag_column) + " THEN " + QuoteLiteral(flag.test_name) +
                        " END");
    }
    return "'Failed: ' || concat_ws(',', " + Join(parts, ", ") + ")";
}

} // namespace

std::string AnyFlagSql(const std::vector<QuarantineFlag>& flags) {
    if (flags.empty()) {
        return "false";
    }
    std::vector<std::string> parts;
    parts.reserve(flags.size());
    for (const auto& flag : flags) {
        parts.push_back(QuoteIdentifier(flag.flag_column));
    }
    return "(" + Join(parts, " OR ") + ")";
}

std::string RowsOutsideSql(const std::string& relation_sql,
                           const std::vector<std::string>& columns,
                           const std::string& failing_table,
                           const std::string& condition) {
    std::vector<std::string> listed;
    for (const auto& column : columns) {
        listed.push_back("__odibi_kept." + QuoteIdentifier(column));
    }
    // An explicit ANTI JOIN: DuckDB plans it as one hash join built on the (small) failing side,
    // where NOT EXISTS with a filtered subquery would become a delim join over every kept row.
    return "SELECT " + Join(listed, ", ") + " FROM " + relation_sql + " AS __odibi_kept ANTI JOIN (SELECT * FROM " +
           failing_table + " WHERE " + condition + ") AS __odibi_failing ON " +
           engine::ColumnsMatch("__odibi_failing", "__odibi_kept", columns);
}

std::string QuarantinedRowsSql(const std::string& failing_table,
                               const std::vector<std::string>& columns,
                               const std::vector<QuarantineFlag>& flags,
                               const config::QuarantineConfig& quarantine,
                               const QualityContext& context) {
    std::vector<std::string> select = {engine::QuoteIdentifierList(columns)};
    std::vector<std::string> names;
    names.reserve(flags.size());
    for (const auto& flag : flags) {
        names.push_back(flag.test_name);
    }
    if (quarantine.add_rejection_reason) {
        select.push_back(RejectionReasonSql(flags) + " AS _rejection_reason");
    }
    if (quarantine.add_rejected_at) {
        select.push_back(QuoteLiteral(FormatIsoUtc(context.now)) + " AS _rejected_at");
    }
    if (quarantine.add_source_batch_id) {
        select.push_back(QuoteLiteral(context.run_id) + " AS _source_batch_id");
    }
    if (quarantine.add_failed_tests) {
        select.push_back(QuoteLiteral(Join(names, ",")) + " AS _failed_tests");
    }
    if (quarantine.add_original_node) {
        select.push_back(QuoteLiteral(context.node) + " AS _original_node");
    }
    std::string where = AnyFlagSql(flags);
    if (quarantine.sample_fraction) {
        where += fmt::format(" AND random() < {}", *quarantine.sample_fraction);
    }
    std::string sql = "SELECT " + Join(select, ", ") + " FROM " + failing_table + " WHERE " + where;
    if (quarantine.max_rows) {
        sql += " LIMIT " + std::to_string(*quarantine.max_rows);
    }
    return sql;
}

} // namespace odibi::quality
