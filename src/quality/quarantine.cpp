// Quarantine split views and their metadata columns.
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

QuarantineViews CreateQuarantineViews(engine::Connection& connection,
                                      const std::string& table,
                                      const std::string& base,
                                      const std::vector<std::string>& original_columns,
                                      const std::vector<QuarantineFlag>& flags,
                                      const config::QuarantineConfig& quarantine,
                                      const QualityContext& context) {
    QuarantineViews views{base + "_valid", base + "_quarantined"};
    std::string columns = engine::QuoteIdentifierList(original_columns);
    std::string any_flag = AnyFlagSql(flags);
    connection.Execute("CREATE TEMP VIEW " + QuoteIdentifier(views.valid) + " AS SELECT " + columns + " FROM " +
                       QuoteIdentifier(table) + " WHERE NOT " + any_flag);

    std::vector<std::string> select = {columns};
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
    std::string where = any_flag;
    if (quarantine.sample_fraction) {
        where += fmt::format(" AND random() < {}", *quarantine.sample_fraction);
    }
    std::string sql = "CREATE TEMP VIEW " + QuoteIdentifier(views.quarantined) + " AS SELECT " + Join(select, ", ") +
                      " FROM " + QuoteIdentifier(table) + " WHERE " + where;
    if (quarantine.max_rows) {
        sql += " LIMIT " + std::to_string(*quarantine.max_rows);
    }
    connection.Execute(sql);
    return views;
}

} // namespace odibi::quality
