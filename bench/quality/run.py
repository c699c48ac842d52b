#!/usr/bin/python3
"""Data-quality benchmark: eight row-level checks plus quarantine against a plain copy of the data.

The data: N customer events in parquet, a few rows of which break each check. Three runs per
repeat, each a child process: `plain` is an odibi node that reads the events and writes them as
parquet (one full scan and a write); `checked` is the same node with eight row-level tests
(not_null x2, unique, accepted_values, range, regex_match, custom_sql x2), all on_fail: quarantine,
so that failing rows go to a quarantine file and the valid rows are written; `scan` is DuckDB alone
copying the same rows (the engine's floor). The driver checks that valid + quarantined rows equal
the input and prints checked/plain (target: at most 1.5).

  /usr/bin/python3 bench/quality/run.py [--rows 10000000] [--repeat 3] [--memory-limit 4GB] [--odibi PATH]
"""
import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import harness  # noqa: E402

TARGET_RATIO = 1.5
GENERATE_SQL = Path(__file__).resolve().parent / "generate.sql"

CHECKS = """        validation:
          tests:
            - {type: not_null, columns: [customer_id], on_fail: quarantine}
            - {type: not_null, columns: [email], on_fail: quarantine}
            - {type: unique, columns: [id], on_fail: quarantine}
            - {type: accepted_values, column: status, values: [active, inactive, pending], on_fail: quarantine}
            - {type: range, column: age, min: 0, max: 120, on_fail: quarantine}
            - {type: regex_match, column: email, pattern: '[a-z0-9]+@[a-z]+[.][a-z]+', on_fail: quarantine}
            - {type: custom_sql, name: amount_not_negative, condition: "amount >= 0", on_fail: quarantine}
            - {type: custom_sql, name: created_in_the_past, condition: "created_at <= TIMESTAMP '2030-01-01'", on_fail: quarantine}
          quarantine: {connection: work, path: quarantine.parquet}
"""

PROJECT = """project: quality_bench
connections:
  data:
    type: local
    base_path: {data}
  work:
    type: local
    base_path: {work}
story:
  connection: work
  path: stories
  auto_generate: false
system:
  connection: work
  path: _system
performance:
  memory_limit: {memory_limit}
  threads: {threads}
pipelines:
  - pipeline: bench
    nodes:
      - name: events
        read: {{connection: data, format: parquet, path: events.parquet}}
{checks}        write: {{connection: work, format: parquet, path: valid.parquet, mode: overwrite}}
"""

SCAN_SQL = """SET memory_limit = '{memory_limit}';
SET threads = {threads};
COPY (SELECT * FROM read_parquet('{data}/events.parquet')) TO '{work}/valid.parquet' (FORMAT parquet);
"""


def parse_arguments() -> argparse.Namespace:
    return harness.common_arguments(__doc__.split("\n")[0], 10_000_000, "event rows (default 10,000,000)", 3,
                                    "4GB").parse_args()


def count_rows(duckdb_run: Path, folder: Path, path: Path) -> int:
    return int(harness.query_value(duckdb_run, folder, f"SELECT count(*) AS n FROM read_parquet('{path}');"))


def main() -> int:
    arguments = parse_arguments()
    odibi = harness.find_odibi(arguments.odibi)
    duckdb_run = harness.find_duckdb_run(odibi)
    data = harness.DATA_DIR / f"quality-{arguments.rows}-{arguments.seed}"
    harness.ensure_generated(duckdb_run, data, arguments.rows, arguments.seed, arguments.threads, GENERATE_SQL,
                             ["events.parquet"])
    harness.warm_page_cache(data / "events.parquet")
    logs = harness.RESULTS_DIR / "logs"
    variants = ["scan", "plain", "checked"]
    measurements = {variant: [] for variant in variants}
    for repeat in range(arguments.repeat):
        order = variants[repeat % len(variants):] + variants[:repeat % len(variants)]
        for variant in order:
            work = data / f"work-{variant}"
            harness.reset_folder(work)
            settings = {"data": data, "work": work, "memory_limit": arguments.memory_limit,
                        "threads": arguments.threads}
            if variant == "scan":
                script = work / "scan.sql"
                script.write_text(SCAN_SQL.format(**settings))
                command = [str(duckdb_run), "--quiet", str(script)]
            else:
                (work / "odibi.yaml").write_text(
                    PROJECT.format(checks=CHECKS if variant == "checked" else "", **settings))
                command = [str(odibi), "run", "odibi.yaml"]
            measured = harness.run_measured(command, work, logs / f"quality-{variant}-{repeat + 1}.log")
            harness.log(f"  run {repeat + 1} {variant:8} {measured.wall_seconds:8.2f} s "
                        f"(cpu {measured.cpu_seconds:7.2f} s) {measured.peak_rss_bytes / harness.MIB:9.1f} MB "
                        f"exit {measured.exit_code}")
            if measured.exit_code != 0:
                harness.log(f"{variant} failed (exit {measured.exit_code}); see {measured.log_path}")
                return 1
            measurements[variant].append(measured)

    checked = data / "work-checked"
    valid = count_rows(duckdb_run, checked, checked / "valid.parquet")
    quarantined = count_rows(duckdb_run, checked, checked / "quarantine.parquet")
    rows_ok = valid + quarantined == arguments.rows and quarantined > 0
    plain_time = harness.median_seconds(measurements["plain"])
    plain_cpu = harness.median_cpu_seconds(measurements["plain"])
    headers = ["variant", "wall s median", "vs plain", "CPU s median", "CPU vs plain", "peak RSS MiB"]
    rows = []
    for variant in variants:
        wall = harness.median_seconds(measurements[variant])
        cpu = harness.median_cpu_seconds(measurements[variant])
        rows.append([variant, f"{wall:.2f}", f"{wall / plain_time:.2f}", f"{cpu:.2f}", f"{cpu / plain_cpu:.2f}",
                     f"{harness.peak_rss(measurements[variant]) / harness.MIB:.1f}"])
    table = harness.format_table(headers, rows)
    ratio = harness.median_seconds(measurements["checked"]) / plain_time
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    summary = (f"{table}\n\nrows: {valid:,} valid + {quarantined:,} quarantined = {valid + quarantined:,} "
               f"of {arguments.rows:,} ({'ok' if rows_ok else 'MISMATCH'})\n"
               f"checked/plain = {ratio:.2f} (target <= {TARGET_RATIO}: {verdict})")
    print(summary)
    payload = {"rows": arguments.rows, "repeat": arguments.repeat, "memory_limit": arguments.memory_limit,
               "threads": arguments.threads, "valid": valid, "quarantined": quarantined, "ratio": ratio,
               "target": TARGET_RATIO, "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
               "machine": harness.machine_facts(odibi, duckdb_run),
               "runs": {variant: [vars(m) | {"log_path": str(m.log_path)} for m in measured]
                        for variant, measured in measurements.items()}}
    harness.save_results("quality", payload, summary)
    return 0 if rows_ok else 1


if __name__ == "__main__":
    sys.exit(main())
