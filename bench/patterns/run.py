#!/usr/bin/python3
"""Warehouse patterns out of core: an SCD2 dimension update and a merge upsert under a 1 GB limit.

The data (generate.sql): a 20M-row type-2 customer dimension and the next source snapshot with 1M
changed customers; a 20M-row merge target and 1M changed or new rows. Each scenario runs as a child
process through odibi (the dimension pattern with scd_type 2; the merge pattern, upsert) and
through the equivalent hand-written DuckDB SQL, both with the same memory_limit and threads. The
driver checks that both give the same row counts, and prints odibi/SQL (target: at most 1.2) and
peak RSS beside the limit.

  /usr/bin/python3 bench/patterns/run.py [--rows 20000000] [--repeat 1] [--memory-limit 1GB] [--odibi PATH]
"""
import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import harness  # noqa: E402

TARGET_RATIO = 1.2
GENERATE_SQL = Path(__file__).resolve().parent / "generate.sql"

PROJECT = """project: patterns_bench
connections:
  data: {{type: local, base_path: {data}}}
  work: {{type: local, base_path: {work}}}
story: {{connection: work, path: stories, auto_generate: false}}
system: {{connection: work, path: _system}}
performance:
  memory_limit: {memory_limit}
  threads: {threads}
pipelines:
  - pipeline: bench
    nodes:
{node}"""

SCD2_NODE = """      - name: dim_customer
        read: {connection: data, format: parquet, path: customers.parquet}
        transformer: dimension
        params:
          natural_key: customer_id
          surrogate_key: customer_sk
          scd_type: 2
          track_cols: [name, city, tier]
          target: work.dim.parquet
        write: {connection: work, format: parquet, path: dim.parquet, mode: overwrite}
"""

MERGE_NODE = """      - name: upsert
        read: {connection: data, format: parquet, path: changes.parquet}
        transformer: merge
        params: {target: work.target.parquet, keys: [id], strategy: upsert}
"""

SETTINGS_SQL = """SET memory_limit = '{memory_limit}';
SET threads = {threads};
SET preserve_insertion_order = false;
SET temp_directory = '{work}/.tmp';
"""

# The dimension update as one would write it by hand: close the changed current versions, add the
# new versions and new keys above the highest surrogate key.
SCD2_SQL = SETTINGS_SQL + """COPY (
    WITH s AS (SELECT * FROM read_parquet('{data}/customers.parquet')),
    h AS (SELECT * FROM read_parquet('{work}/dim.parquet')),
    cur AS (SELECT * FROM h WHERE is_current),
    incoming AS (
        SELECT s.* FROM s LEFT JOIN cur ON s.customer_id = cur.customer_id
        WHERE cur.customer_id IS NULL OR s.name IS DISTINCT FROM cur.name OR s.city IS DISTINCT FROM cur.city
           OR s.tier IS DISTINCT FROM cur.tier),
    closing AS (SELECT customer_id FROM incoming WHERE customer_id IN (SELECT customer_id FROM cur))
    SELECT h.customer_id, h.name, h.city, h.tier, h.customer_sk, h.valid_from,
           CASE WHEN h.is_current AND c.customer_id IS NOT NULL THEN now()::TIMESTAMP ELSE h.valid_to END AS valid_to,
           h.is_current AND c.customer_id IS NULL AS is_current, now()::TIMESTAMP AS load_timestamp
    FROM h LEFT JOIN closing AS c ON h.customer_id = c.customer_id
    UNION ALL
    SELECT customer_id, name, city, tier,
           (SELECT max(customer_sk) FROM h) + row_number() OVER (ORDER BY customer_id) AS customer_sk,
           now()::TIMESTAMP, NULL::TIMESTAMP, true, now()::TIMESTAMP
    FROM incoming
) TO '{work}/dim.new.parquet' (FORMAT parquet);
"""

MERGE_SQL = SETTINGS_SQL + """COPY (
    SELECT * FROM read_parquet('{work}/target.parquet') AS t
    WHERE NOT EXISTS (SELECT 1 FROM read_parquet('{data}/changes.parquet') AS c WHERE c.id = t.id)
    UNION ALL BY NAME
    SELECT * FROM read_parquet('{data}/changes.parquet')
) TO '{work}/target.new.parquet' (FORMAT parquet);
"""

SCENARIOS = {
    "scd2": {"seed_file": "dim.parquet", "node": SCD2_NODE, "sql": SCD2_SQL,
             "odibi_output": "dim.parquet", "sql_output": "dim.new.parquet"},
    "merge": {"seed_file": "target.parquet", "node": MERGE_NODE, "sql": MERGE_SQL,
              "odibi_output": "target.parquet", "sql_output": "target.new.parquet"},
}


def parse_arguments() -> argparse.Namespace:
    return harness.common_arguments(__doc__.split("\n")[0], 20_000_000, "dimension and target rows (default 20M)", 1,
                                    "1GB").parse_args()


def summary_of(duckdb_run: Path, folder: Path, scenario: str, path: Path) -> str:
    if scenario == "scd2":
        return harness.query_value(duckdb_run, folder, f"SELECT count(*) || ' rows, ' || count(*) FILTER (WHERE is_current) || "
                                         f"' current, ' || count(DISTINCT customer_sk) || ' keys' "
                                         f"FROM read_parquet('{path}');")
    return harness.query_value(duckdb_run, folder, f"SELECT count(*) || ' rows, ' || count(*) FILTER (WHERE status = 'changed') "
                                     f"|| ' changed' FROM read_parquet('{path}');")


def main() -> int:
    arguments = parse_arguments()
    odibi = harness.find_odibi(arguments.odibi)
    duckdb_run = harness.find_duckdb_run(odibi)
    data = harness.DATA_DIR / f"patterns-{arguments.rows}-{arguments.seed}"
    harness.ensure_generated(duckdb_run, data, arguments.rows, arguments.seed, arguments.threads, GENERATE_SQL,
                             ["dim.parquet", "customers.parquet", "target.parquet", "changes.parquet"])
    logs = harness.RESULTS_DIR / "logs"
    rows = []
    payload = {"rows": arguments.rows, "repeat": arguments.repeat, "memory_limit": arguments.memory_limit,
               "threads": arguments.threads, "target": TARGET_RATIO, "scenarios": {},
               "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
               "machine": harness.machine_facts(odibi, duckdb_run)}
    all_ok = True
    for scenario, spec in SCENARIOS.items():
        measured = {"odibi": [], "sql": []}
        summaries = {}
        for repeat in range(arguments.repeat):
            for variant in (["odibi", "sql"] if repeat % 2 == 0 else ["sql", "odibi"]):
                work = data / f"work-{scenario}-{variant}"
                harness.reset_folder(work)
                shutil.copyfile(data / spec["seed_file"], work / spec["seed_file"])
                settings = {"data": data, "work": work, "memory_limit": arguments.memory_limit,
                            "threads": arguments.threads}
                if variant == "sql":
                    script = work / "run.sql"
                    script.write_text(spec["sql"].format(**settings))
                    command = [str(duckdb_run), "--quiet", str(script)]
                else:
                    (work / "odibi.yaml").write_text(PROJECT.format(node=spec["node"], **settings))
                    command = [str(odibi), "run", "odibi.yaml"]
                result = harness.run_measured(command, work, logs / f"patterns-{scenario}-{variant}-{repeat + 1}.log")
                harness.log(f"  {scenario} run {repeat + 1} {variant:6} {result.wall_seconds:8.2f} s "
                            f"{result.peak_rss_bytes / harness.MIB:9.1f} MiB exit {result.exit_code}")
                if result.exit_code != 0:
                    harness.log(f"{scenario} {variant} failed (exit {result.exit_code}); see {result.log_path}")
                    return 1
                measured[variant].append(result)
                output = work / spec[f"{variant}_output"]
                summaries[variant] = summary_of(duckdb_run, work, scenario, output)
        same = summaries["odibi"] == summaries["sql"]
        all_ok = all_ok and same
        odibi_time = harness.median_seconds(measured["odibi"])
        sql_time = harness.median_seconds(measured["sql"])
        ratio = odibi_time / sql_time
        rows.append([scenario, f"{odibi_time:.2f}", f"{sql_time:.2f}", f"{ratio:.2f}",
                     f"{harness.peak_rss(measured['odibi']) / harness.MIB:.0f}",
                     f"{harness.peak_rss(measured['sql']) / harness.MIB:.0f}", arguments.memory_limit,
                     summaries["odibi"] + ("" if same else f" (SQL: {summaries['sql']})")])
        payload["scenarios"][scenario] = {
            "ratio": ratio, "same_result": same, "result": summaries,
            "runs": {variant: [vars(m) | {"log_path": str(m.log_path)} for m in runs]
                     for variant, runs in measured.items()}}
    headers = ["scenario", "odibi s", "SQL s", "odibi/SQL", "odibi peak RSS MiB", "SQL peak RSS MiB", "limit",
               "result"]
    table = harness.format_table(headers, rows)
    summary = f"{table}\n\ntarget: odibi/SQL <= {TARGET_RATIO}; results {'match' if all_ok else 'DIFFER'}"
    print(summary)
    harness.save_results("patterns", payload, summary)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
