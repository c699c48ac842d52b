// The catalog tables (reference §7) and their indexes, written as DDL that SQLite and PostgreSQL both
// accept: TEXT timestamps in ISO-8601 UTC, BIGINT counters, DOUBLE PRECISION costs.
#include "catalog_migrations.hpp"

#include <fmt/format.h>

#include "odibi/common/error.hpp"

namespace odibi::state {
namespace {

std::vector<Migration> BuildMigrations() {
    std::vector<Migration> migrations;
    migrations.push_back(Migration{
        1,
        "catalog tables: runs, node runs, failures, outputs, state, schemas, tables",
        {
            R"sql(CREATE TABLE IF NOT EXISTS meta_pipeline_runs (
    run_id TEXT NOT NULL PRIMARY KEY,
    project TEXT,
    pipeline_name TEXT NOT NULL,
    owner TEXT,
    layer TEXT,
    run_start_at TEXT NOT NULL,
    run_end_at TEXT,
    duration_ms BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    nodes_total INTEGER NOT NULL DEFAULT 0,
    nodes_succeeded INTEGER NOT NULL DEFAULT 0,
    nodes_failed INTEGER NOT NULL DEFAULT 0,
    nodes_skipped INTEGER NOT NULL DEFAULT 0,
    rows_processed BIGINT,
    error_summary TEXT,
    terminal_nodes TEXT,
    environment TEXT,
    databricks_cluster_id TEXT,
    databricks_job_id TEXT,
    databricks_workspace_id TEXT,
    estimated_cost_usd DOUBLE PRECISION,
    actual_cost_usd DOUBLE PRECISION,
    cost_source TEXT,
    host TEXT,
    pid BIGINT,
    heartbeat_at TEXT,
    story_path TEXT,
    created_at TEXT NOT NULL
))sql",
            // "Last run of pipeline X" walks this index backwards from X's newest start.
            "CREATE INDEX IF NOT EXISTS idx_meta_pipeline_runs_pipeline_start "
            "ON meta_pipeline_runs (pipeline_name, run_start_at DESC)",
            // "Runs of the last N days" is a range scan on the start time.
            "CREATE INDEX IF NOT EXISTS idx_meta_pipeline_runs_start ON meta_pipeline_runs (run_start_at)",
            // Finding RUNNING runs of this host when looking for abandoned runs.
            "CREATE INDEX IF NOT EXISTS idx_meta_pipeline_runs_status_host ON meta_pipeline_runs (status, host)",
            R"sql(CREATE TABLE IF NOT EXISTS meta_runs (
    run_id TEXT NOT NULL,
    project TEXT,
    pipeline_name TEXT NOT NULL,
    node_name TEXT NOT NULL,
    status TEXT NOT NULL,
    rows_processed BIGINT,
    duration_ms BIGINT,
    metrics_json TEXT,
    environment TEXT,
    timestamp TEXT NOT NULL,
    date TEXT NOT NULL,
    PRIMARY KEY (run_id, pipeline_name, node_name)
))sql",
            "CREATE INDEX IF NOT EXISTS idx_meta_runs_pipeline_node_timestamp "
            "ON meta_runs (pipeline_name, node_name, timestamp DESC)",
            "CREATE INDEX IF NOT EXISTS idx_meta_runs_timestamp ON meta_runs (timestamp)",
            R"sql(CREATE TABLE IF NOT EXISTS meta_node_runs (
    run_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    project TEXT,
    pipeline_name TEXT NOT NULL,
    node_name TEXT NOT NULL,
    status TEXT NOT NULL,
    run_start_at TEXT NOT NULL,
    run_end_at TEXT,
    duration_ms BIGINT,
    rows_processed BIGINT,
    estimated_cost_usd DOUBLE PRECISION,
    metrics_json TEXT,
    environment TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, node_id),
    UNIQUE (run_id, pipeline_name, node_name)
))sql",
            "CREATE INDEX IF NOT EXISTS idx_meta_node_runs_pipeline_node_start "
            "ON meta_node_runs (pipeline_name, node_name, run_start_at DESC)",
            "CREATE INDEX IF NOT EXISTS idx_meta_node_runs_start ON meta_node_runs (run_start_at)",
            R"sql(CREATE TABLE IF NOT EXISTS meta_failures (
    failure_id TEXT NOT NULL PRIMARY KEY,
    run_id TEXT NOT NULL,
    project TEXT,
    pipeline_name TEXT NOT NULL,
    node_name TEXT NOT NULL,
    error_type TEXT NOT NULL,
    error_message TEXT,
    error_code TEXT,
    stack_trace TEXT,
    environment TEXT,
    timestamp TEXT NOT NULL,
    date TEXT NOT NULL
))sql",
            "CREATE INDEX IF NOT EXISTS idx_meta_failures_run ON meta_failures (run_id)",
            "CREATE INDEX IF NOT EXISTS idx_meta_failures_pipeline_timestamp "
            "ON meta_failures (pipeline_name, timestamp DESC)",
            "CREATE INDEX IF NOT EXISTS idx_meta_failures_timestamp ON meta_failures (timestamp)",
            R"sql(CREATE TABLE IF NOT EXISTS meta_outputs (
    pipeline_name TEXT NOT NULL,
    node_name TEXT NOT NULL,
    output_type TEXT NOT NULL,
    connection_name TEXT,
    path TEXT,
    format TEXT,
    table_name TEXT,
    last_run TEXT NOT NULL,
    row_count BIGINT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (pipeline_name, node_name)
))sql",
            R"sql(CREATE TABLE IF NOT EXISTS meta_state (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT,
    environment TEXT,
    updated_at TEXT NOT NULL
))sql",
            R"sql(CREATE TABLE IF NOT EXISTS meta_schemas (
    table_path TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    schema_hash TEXT NOT NULL,
    columns TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    pipeline TEXT,
    node TEXT,
    run_id TEXT,
    columns_added TEXT,
    columns_removed TEXT,
    columns_type_changed TEXT,
    PRIMARY KEY (table_path, schema_version)
))sql",
            R"sql(CREATE TABLE IF NOT EXISTS meta_tables (
    project TEXT NOT NULL,
    table_name TEXT NOT NULL,
    path TEXT,
    format TEXT,
    pattern_type TEXT,
    schema_hash TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (project, table_name)
))sql",
        },
    });
    migrations.push_back(Migration{
        2,
        "write intents of the exactly-once commit protocol; failed observability writes",
        {
            // One row per file write between staging and its state commit (docs/exactly-once.md).
            R"sql(CREATE TABLE IF NOT EXISTS meta_write_intents (
    intent_id TEXT NOT NULL PRIMARY KEY,
    run_id TEXT NOT NULL,
    pipeline_name TEXT NOT NULL,
    node_name TEXT NOT NULL,
    target TEXT NOT NULL,
    staging TEXT NOT NULL,
    mode TEXT NOT NULL,
    format TEXT NOT NULL,
    published_marker TEXT NOT NULL,
    commit_json TEXT NOT NULL,
    created_at TEXT NOT NULL
))sql",
            "CREATE INDEX IF NOT EXISTS idx_meta_write_intents_created ON meta_write_intents (created_at)",
            R"sql(CREATE TABLE IF NOT EXISTS meta_observability_errors (
    error_id TEXT NOT NULL PRIMARY KEY,
    run_id TEXT,
    pipeline_name TEXT,
    component TEXT NOT NULL,
    error_message TEXT,
    timestamp TEXT NOT NULL,
    date TEXT NOT NULL
))sql",
            "CREATE INDEX IF NOT EXISTS idx_meta_observability_errors_run ON meta_observability_errors (run_id)",
        },
    });
    migrations.push_back(Migration{
        3,
        "indexes that keep run-start checks and retention independent of the history's size",
        {
            // Finding this host's RUNNING runs, oldest first, at the start of every run: with statistics
            // (ANALYZE) the planner preferred walking the start-time index over the whole history.
            "DROP INDEX IF EXISTS idx_meta_pipeline_runs_status_host",
            "CREATE INDEX IF NOT EXISTS idx_meta_pipeline_runs_status_host_start "
            "ON meta_pipeline_runs (status, host, run_start_at)",
            // Retention deletes observability errors older than N days.
            "CREATE INDEX IF NOT EXISTS idx_meta_observability_errors_timestamp ON meta_observability_errors "
            "(timestamp)",
        },
    });
    migrations.push_back(Migration{
        4,
        "data-quality results: every check of every run",
        {
            // One row per check odibi evaluated in a run (tests, contracts, gates, cross-node checks).
            // pass_rate, threshold and observed_value are fractions or measured values; failing_sample is
            // a JSON array of redacted example rows.
            R"sql(CREATE TABLE IF NOT EXISTS meta_quality (
    quality_id TEXT NOT NULL PRIMARY KEY,
    run_id TEXT NOT NULL,
    pipeline_name TEXT NOT NULL,
    node_name TEXT,
    check_name TEXT NOT NULL,
    check_type TEXT NOT NULL,
    phase TEXT,
    columns TEXT,
    severity TEXT,
    status TEXT NOT NULL,
    rows_checked BIGINT NOT NULL DEFAULT 0,
    violation_count BIGINT NOT NULL DEFAULT 0,
    pass_rate DOUBLE PRECISION NOT NULL,
    threshold DOUBLE PRECISION,
    observed_value DOUBLE PRECISION,
    failing_sample TEXT,
    message TEXT,
    timestamp TEXT NOT NULL,
    date TEXT NOT NULL
))sql",
            // `odibi catalog quality --pipeline P --node N`, newest first.
            "CREATE INDEX IF NOT EXISTS idx_meta_quality_pipeline_node_timestamp "
            "ON meta_quality (pipeline_name, node_name, timestamp DESC)",
            // The checks of one run (`--run`).
            "CREATE INDEX IF NOT EXISTS idx_meta_quality_run ON meta_quality (run_id)",
            // The previous result of one check (TryGetLastSucceededQuality) walks this index from the newest.
            "CREATE INDEX IF NOT EXISTS idx_meta_quality_pipeline_node_check_timestamp "
            "ON meta_quality (pipeline_name, node_name, check_name, timestamp DESC)",
            // "The last N days" and retention are range scans on the time.
            "CREATE INDEX IF NOT EXISTS idx_meta_quality_timestamp ON meta_quality (timestamp)",
        },
    });
    return migrations;
}

} // namespace

const std::vector<Migration>& CatalogMigrations() {
    static const std::vector<Migration> MIGRATIONS = BuildMigrations();
    return MIGRATIONS;
}

void CheckMigrationOrder(std::span<const Migration> migrations) {
    int expected = 1;
    for (const auto& migration : migrations) {
        if (migration.version != expected) {
            throw InternalError(fmt::format("catalog migrations must be numbered 1, 2, 3, ...: found version {} where "
                                            "{} was expected",
                                            migration.version,
                                            expected));
        }
        ++expected;
    }
}

} // namespace odibi::state
