// A hand-built three-node run result (success, failed, skipped) shared by the story tests.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "odibi/common/identity.hpp"
#include "odibi/execute/run_result.hpp"

namespace odibi::observe::testing {

/// 2026-11-22T10:04:05.123Z plus `offset_ms`.
inline TimePoint At(int64_t offset_ms) {
    constexpr int64_t BASE_MS = 1795341845123; // 2026-11-22T10:04:05.123Z
    return TimePoint(std::chrono::milliseconds(BASE_MS + offset_ms));
}

inline constexpr const char* INJECTED_VALUE = "<script>document.body.setAttribute('data-injected','1')</script>";
inline constexpr const char* ERROR_MESSAGE =
    "Binder Error: Referenced column \"emial\" not found in FROM clause! Candidate bindings: \"email\"";

/// load_customers (success) -> clean_orders (failed, SQL error) -> publish (skipped).
inline execute::PipelineResult MakeSampleResult() {
    execute::PipelineResult result;
    result.run_id = "run-123";
    result.project = "shop";
    result.pipeline = "orders";
    result.layer = "silver";
    result.owner = "data-team";
    result.environment = "dev";
    result.status = execute::RunStatus::FAILED;
    result.started_at = At(0);
    result.finished_at = At(2500);
    result.duration_ms = 2500;

    execute::NodeResult load;
    load.pipeline = "orders";
    load.node = "load_customers";
    load.operation = "read -> write";
    load.status = execute::NodeStatus::SUCCESS;
    load.started_at = At(0);
    load.finished_at = At(1200);
    load.duration_ms = 1200;
    load.attempts = 1;
    load.rows_in = 100;
    load.rows_out = 90;
    load.rows_written = 90;
    load.schema_in = {{"id", "INTEGER"}, {"name", "VARCHAR"}, {"legacy_code", "VARCHAR"}};
    load.schema_out = {{"id", "BIGINT"}, {"name", "VARCHAR"}, {"email", "VARCHAR"}};
    load.sample_in.columns = {"id", "name", "legacy_code"};
    load.sample_in.rows = {{"1", "Ann", "X1"}, {"2", "Bob", std::nullopt}};
    load.sample_out.columns = {"id", "name", "email"};
    load.sample_out.rows = {
        {"1", "Ann", "ann@example.com"}, {"2", INJECTED_VALUE, "bob@example.com"}, {"3", "Cy", std::nullopt}};
    load.steps = {
        {"read", "read csv landing/customers.csv", "SELECT * FROM read_csv('landing/customers.csv')", 800},
        {"write", "write parquet silver/customers", "COPY (SELECT * FROM df) TO 'silver/customers.parquet'", 400}};
    load.write_location = "silver/customers.parquet";
    load.write_format = "parquet";
    load.write_mode = "overwrite";
    load.version_hash = "abc123";
    load.description = "Loads <b>customers</b> & cleans them";
    load.explanation = "Reads the daily customer extract.\nKeeps active customers only.";
    load.runbook_url = "https://wiki.example.com/runbooks/customers";
    load.config_yaml =
        R"({"name":"load_customers","read":{"connection":"landing","format":"csv","path":"customers.csv"}})";
    result.nodes.push_back(load);

    execute::NodeResult clean;
    clean.pipeline = "orders";
    clean.node = "clean_orders";
    clean.operation = "transform";
    clean.status = execute::NodeStatus::FAILED;
    clean.started_at = At(1200);
    clean.finished_at = At(2400);
    clean.duration_ms = 1200;
    clean.attempts = 3;
    clean.rows_in = 90;
    clean.schema_in = {{"id", "BIGINT"}, {"name", "VARCHAR"}, {"email", "VARCHAR"}};
    clean.steps = {{"transform", "step 1 of 2: sql", "SELECT * FROM df WHERE id > 0", 5},
                   {"transform", "step 2 of 2: sql", "SELECT emial FROM df", 3}};
    clean.warnings = {"3 rows had an empty name"};
    clean.dependencies = {"load_customers"};
    execute::ErrorRecord error;
    error.code = "E300";
    error.type = "SQL_ERROR";
    error.message = ERROR_MESSAGE;
    error.phase = "transform";
    error.step = "step 2 of 2 (sql)";
    error.sql = "SELECT emial FROM df";
    error.location = "odibi.yaml:40:11 pipelines[0].nodes[1].transform.steps[1]";
    error.available_columns = {"id", "name", "email"};
    error.suggestions = {"Did you mean \"email\"?", "Debug: odibi run odibi.yaml --node clean_orders --dry-run"};
    clean.error = error;
    clean.config_yaml = R"({"name":"clean_orders","depends_on":["load_customers"]})";
    result.nodes.push_back(clean);

    execute::NodeResult publish;
    publish.pipeline = "orders";
    publish.node = "publish";
    publish.status = execute::NodeStatus::SKIPPED;
    publish.skip_cause = "upstream 'clean_orders' failed";
    publish.dependencies = {"clean_orders"};
    result.nodes.push_back(publish);
    return result;
}

/// A fresh folder under the system temp directory, removed by the destructor.
class TemporaryFolder {
public:
    TemporaryFolder() : path_(std::filesystem::temp_directory_path() / ("odibi-observe-test-" + NewUuid())) {
        std::filesystem::create_directories(path_);
    }
    ~TemporaryFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;

    [[nodiscard]] const std::filesystem::path& Path() const { return path_; }

private:
    std::filesystem::path path_;
};

} // namespace odibi::observe::testing
