// Failing-row samples: small LIMIT queries over the flags table, rendered for people.
#include "failing_samples.hpp"

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::quality {

namespace {

constexpr const char* MASK = "***";
constexpr const char* ELLIPSIS = "...";

bool IsSensitive(const std::string& column, const QualityContext& context) {
    std::string lowered = ToLower(column);
    for (const auto& sensitive : context.sensitive_columns) {
        if (ToLower(sensitive) == lowered) {
            return true;
        }
    }
    return false;
}

} // namespace

std::vector<std::string>
RenderSampleRows(const engine::ResultTable& table, const QualityContext& context, bool cap_text) {
    std::vector<bool> masked;
    for (const auto& column : table.Columns()) {
        masked.push_back(IsSensitive(column.name, context));
    }
    std::vector<std::string> rendered;
    for (size_t row = 0; row < table.RowCount(); ++row) {
        std::vector<std::string> parts;
        for (size_t column = 0; column < table.ColumnCount(); ++column) {
            const auto& value = table.Value(row, column);
            std::string text = masked[column] ? MASK : value.value_or("NULL");
            parts.push_back(table.Columns()[column].name + "=" + text);
        }
        std::string line = Join(parts, ", ");
        if (cap_text && line.size() > MAX_SAMPLE_TEXT) {
            line = line.substr(0, MAX_SAMPLE_TEXT) + ELLIPSIS;
        }
        rendered.push_back(std::move(line));
    }
    return rendered;
}

std::vector<std::string> SampleFailingRows(engine::Connection& connection,
                                           const std::string& from_sql,
                                           const std::string& where_sql,
                                           const std::vector<std::string>& columns,
                                           const QualityContext& context,
                                           bool cap_text) {
    if (context.sample_size <= 0 || columns.empty()) {
        return {};
    }
    auto table = connection.Query("SELECT " + engine::QuoteIdentifierList(columns) + " FROM " + from_sql + " WHERE " +
                                  where_sql + " LIMIT " + std::to_string(context.sample_size));
    return RenderSampleRows(table, context, cap_text);
}

} // namespace odibi::quality
