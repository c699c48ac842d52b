// One query of aggregates over a relation: every count and metric of an evaluation in one scan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "odibi/engine/database.hpp"

namespace odibi::quality {

class AggregateQuery {
public:
    /// Adds an aggregate expression; returns the index to read its value with.
    size_t Add(std::string expression);
    /// Runs `SELECT <aggregates> FROM <from_sql>` (from_sql is already quoted).
    void Run(engine::Connection& connection, const std::string& from_sql);

    [[nodiscard]] std::optional<std::string> Text(size_t index) const;
    /// An integer aggregate; 0 for NULL.
    [[nodiscard]] int64_t Count(size_t index) const;
    [[nodiscard]] std::optional<double> Number(size_t index) const;

private:
    std::vector<std::string> expressions_;
    std::vector<std::optional<std::string>> values_;
};

} // namespace odibi::quality
