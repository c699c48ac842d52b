// The single aggregate query of an evaluation.
#include "aggregate_query.hpp"

#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::quality {

size_t AggregateQuery::Add(std::string expression) {
    expressions_.push_back(std::move(expression));
    return expressions_.size() - 1;
}

void AggregateQuery::Run(engine::Connection& connection, const std::string& from_sql) {
    std::vector<std::string> items;
    items.reserve(expressions_.size());
    for (size_t index = 0; index < expressions_.size(); ++index) {
        items.push_back(expressions_[index] + " AS m" + std::to_string(index));
    }
    auto table = connection.Query("SELECT " + Join(items, ", ") + " FROM " + from_sql);
    if (table.RowCount() != 1 || table.ColumnCount() != expressions_.size()) {
        throw InternalError("the quality aggregate query returned an unexpected shape");
    }
    values_ = table.Rows().front();
}

std::optional<std::string> AggregateQuery::Text(size_t index) const {
    return values_.at(index);
}

int64_t AggregateQuery::Count(size_t index) const {
    const auto& value = values_.at(index);
    return value ? std::stoll(*value) : 0;
}

std::optional<double> AggregateQuery::Number(size_t index) const {
    const auto& value = values_.at(index);
    if (!value) {
        return std::nullopt;
    }
    return std::stod(*value);
}

} // namespace odibi::quality
