// Test support for the quality module: an in-memory DuckDB, test builders and a fake history.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality::testing {

using config::QualitySeverity;
using config::QualityTestConfig;
using config::QualityTestType;

/// 2024-06-01T12:00:00Z: "now" of every test.
inline std::chrono::system_clock::time_point FixedNow() {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1717243200));
}

/// History of earlier runs as a test sets it up.
class FakeHistory final : public QualityHistory {
public:
    std::map<std::string, double> previous_values;
    std::optional<double> average_rows;
    std::optional<int64_t> previous_rows;

    std::optional<double> PreviousObservedValue(const std::string& check_name) override {
        auto found = previous_values.find(check_name);
        if (found == previous_values.end()) {
            return std::nullopt;
        }
        return found->second;
    }
    std::optional<double> AverageRows(int /*days*/) override { return average_rows; }
    std::optional<int64_t> PreviousRows() override { return previous_rows; }
};

inline QualityTestConfig
MakeTest(QualityTestType type, std::string name, QualitySeverity on_fail = QualitySeverity::FAIL) {
    QualityTestConfig test;
    test.type = type;
    test.name = std::move(name);
    test.on_fail = on_fail;
    test.config_path = "pipelines[0].nodes[0].validation.tests[0]";
    return test;
}

inline QualityTestConfig NotNull(std::vector<std::string> columns,
                                 QualitySeverity on_fail = QualitySeverity::FAIL,
                                 std::string name = "not_null") {
    auto test = MakeTest(QualityTestType::NOT_NULL, std::move(name), on_fail);
    test.columns = std::move(columns);
    return test;
}

inline QualityTestConfig OnColumn(QualityTestType type,
                                  std::string column,
                                  QualitySeverity on_fail = QualitySeverity::FAIL,
                                  std::string name = "") {
    auto test = MakeTest(type, name.empty() ? config::QualityTestTypeName(type) : std::move(name), on_fail);
    test.column = std::move(column);
    return test;
}

inline config::ValidationConfig WithQuarantine() {
    config::ValidationConfig validation;
    config::QuarantineConfig quarantine;
    quarantine.write.connection = "local";
    quarantine.write.path = "quarantine/orders";
    validation.quarantine = quarantine;
    return validation;
}

class QualityTest : public ::testing::Test {
protected:
    QualityTest() : database_(engine::OpenDuckDb({})), connection_(database_->Connect()) {
        context_.pipeline = "sales";
        context_.node = "orders";
        context_.run_id = "run-42";
        context_.now = FixedNow();
    }

    void Sql(const std::string& sql) { connection_->Execute(sql); }
    engine::ResultTable Query(const std::string& sql) { return connection_->Query(sql); }

    /// The values of the first column of `sql`, NULL as "NULL".
    std::vector<std::string> Column(const std::string& sql) {
        std::vector<std::string> values;
        auto table = Query(sql);
        for (const auto& row : table.Rows()) {
            values.push_back(row.at(0).value_or("NULL"));
        }
        return values;
    }

    TestEvaluation Evaluate(const std::vector<QualityTestConfig>& tests,
                            CheckPhase phase = CheckPhase::VALIDATION,
                            const config::ValidationConfig* validation = nullptr,
                            const std::string& relation = "df") {
        return EvaluateTests(*connection_, engine::QuoteIdentifier(relation), tests, phase, validation, context_);
    }

    /// The one result of evaluating a single test.
    QualityResult EvaluateOne(const QualityTestConfig& test, const std::string& relation = "df") {
        auto evaluation = Evaluate({test}, CheckPhase::VALIDATION, nullptr, relation);
        EXPECT_EQ(evaluation.results.size(), 1U);
        DropTemporaryObjects(*connection_, evaluation);
        return evaluation.results.at(0);
    }

    /// Names of the temporary tables and views on the connection.
    std::vector<std::string> TemporaryObjects() {
        return Column("SELECT table_name FROM duckdb_tables() WHERE temporary UNION ALL "
                      "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal ORDER BY 1");
    }

    std::unique_ptr<engine::Database> database_;
    std::unique_ptr<engine::Connection> connection_;
    QualityContext context_;
};

} // namespace odibi::quality::testing
