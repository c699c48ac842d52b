#!/usr/bin/python3
"""Catalog benchmark: the catalog queries a user waits for, at 1k and at 1M run records.

For each size the driver makes a project, runs its pipeline once through odibi (which creates and
migrates the SQLite catalog), then adds synthetic history straight into the catalog file: N
pipeline runs spread over the last year across several pipelines, each with its node runs. It then
times the odibi commands behind the questions users ask, each as a child process:

- runs of the last 7 days:        odibi catalog runs odibi.yaml --days 7
- last successful run of pipeline: odibi catalog runs odibi.yaml --pipeline P --status SUCCESS --limit 1
- failures of one pipeline:       odibi catalog failures odibi.yaml --pipeline P --limit 20
- a resumed run (when the build has --resume): odibi run odibi.yaml --resume

and prints the time at each size with the ratio largest/smallest (target: at most 2, i.e. the
queries use indexes and do not scan the history).

  /usr/bin/python3 bench/catalog/run.py [--sizes 1000,1000000] [--repeat 7] [--odibi PATH]
"""
import argparse
import datetime
import random
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import harness  # noqa: E402

TARGET_RATIO = 2.0
PIPELINES = [f"pipeline_{index:02d}" for index in range(20)]
NODES_PER_RUN = 2
FAILED_SHARE = 0.05
INSERT_BATCH = 50_000

PROJECT = """project: catalog_bench
connections:
  local:
    type: local
    base_path: ./data
story:
  connection: local
  path: stories
system:
  connection: local
  path: _system
pipelines:
  - pipeline: pipeline_00
    nodes:
      - name: orders
        read:
          connection: local
          format: csv
          path: orders.csv
      - name: order_totals
        depends_on: [orders]
        transform:
          steps:
            - SELECT customer, sum(amount) AS total FROM df GROUP BY customer
        write:
          connection: local
          format: parquet
          path: order_totals.parquet
"""


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,1000000", help="pipeline runs in the history (comma-separated)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per query; the median time is reported")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--odibi", help="path of the odibi binary (default: build/bench/bin/odibi)")
    return parser.parse_args()


def iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def history_rows(count: int, seed: int):
    """Pipeline runs, node runs (meta_node_runs and meta_runs) and failures, newest last."""
    generator = random.Random(seed)
    now = datetime.datetime.now(datetime.timezone.utc)
    span = datetime.timedelta(days=365)
    for index in range(count):
        start = now - span + span * (index / count)
        pipeline = generator.choice(PIPELINES)
        failed = generator.random() < FAILED_SHARE
        duration = generator.randint(200, 60_000)
        end = start + datetime.timedelta(milliseconds=duration)
        run_id = str(uuid.UUID(int=generator.getrandbits(128), version=4))
        status = "FAILED" if failed else "SUCCESS"
        pipeline_run = (run_id, "catalog_bench", pipeline, iso(start), iso(end), duration, status, NODES_PER_RUN,
                        NODES_PER_RUN - int(failed), int(failed), 0, 1000, "", "", iso(end), iso(start))
        nodes = []
        for node in range(NODES_PER_RUN):
            node_status = "FAILED" if failed and node == NODES_PER_RUN - 1 else "SUCCESS"
            metrics = '{"attempts":1,"version_hash":"%032x"}' % generator.getrandbits(128)
            nodes.append((run_id, f"{run_id}:{node}", "catalog_bench", pipeline, f"node_{node}", node_status,
                          iso(start), iso(end), duration // NODES_PER_RUN, 500, metrics, iso(end)))
        failure = None
        if failed:
            failure = (str(uuid.UUID(int=generator.getrandbits(128), version=4)), run_id, "catalog_bench", pipeline,
                       f"node_{NODES_PER_RUN - 1}", "SQL_ERROR", "Binder Error: column not found", "E300", "",
                       iso(end), iso(end)[:10])
        yield pipeline_run, nodes, failure


def add_history(catalog: Path, count: int, seed: int) -> float:
    """Inserts `count` synthetic pipeline runs into the catalog; returns the seconds it took."""
    start = time.perf_counter()
    connection = sqlite3.connect(catalog)
    pipeline_sql = ("INSERT INTO meta_pipeline_runs (run_id, project, pipeline_name, run_start_at, run_end_at, "
                    "duration_ms, status, nodes_total, nodes_succeeded, nodes_failed, nodes_skipped, rows_processed, "
                    "error_summary, terminal_nodes, heartbeat_at, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    node_sql = ("INSERT INTO meta_node_runs (run_id, node_id, project, pipeline_name, node_name, status, run_start_at, "
                "run_end_at, duration_ms, rows_processed, metrics_json, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    runs_sql = ("INSERT INTO meta_runs (run_id, project, pipeline_name, node_name, status, rows_processed, "
                "duration_ms, metrics_json, timestamp, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    failure_sql = ("INSERT INTO meta_failures (failure_id, run_id, project, pipeline_name, node_name, error_type, "
                   "error_message, error_code, stack_trace, timestamp, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    batch = {"pipelines": [], "nodes": [], "runs": [], "failures": []}

    def flush():
        with connection:
            connection.executemany(pipeline_sql, batch["pipelines"])
            connection.executemany(node_sql, batch["nodes"])
            connection.executemany(runs_sql, batch["runs"])
            connection.executemany(failure_sql, batch["failures"])
        for rows in batch.values():
            rows.clear()

    for pipeline_run, nodes, failure in history_rows(count, seed):
        batch["pipelines"].append(pipeline_run)
        batch["nodes"].extend(nodes)
        batch["runs"].extend((node[0], node[2], node[3], node[4], node[5], node[9], node[8], node[10], node[7],
                              node[7][:10]) for node in nodes)
        if failure:
            batch["failures"].append(failure)
        if len(batch["pipelines"]) >= INSERT_BATCH:
            flush()
    flush()
    connection.execute("ANALYZE")
    connection.close()
    return time.perf_counter() - start


def supports_resume(odibi: Path) -> bool:
    help_text = subprocess.run([str(odibi), "run", "--help"], capture_output=True, text=True).stdout
    return "--resume" in help_text


def prepare(folder: Path, odibi: Path, size: int, seed: int) -> float:
    harness.reset_folder(folder)
    (folder / "odibi.yaml").write_text(PROJECT)
    (folder / "data").mkdir()
    lines = ["customer,amount"] + [f"c{index % 50},{index % 97}.5" for index in range(1000)]
    (folder / "data" / "orders.csv").write_text("\n".join(lines) + "\n")
    first = subprocess.run([str(odibi), "run", "odibi.yaml"], cwd=folder, capture_output=True, text=True)
    if first.returncode != 0:
        raise SystemExit(f"odibi run failed in {folder}:\n{first.stdout}{first.stderr}")
    harness.log(f"adding {size:,} pipeline runs to {folder.relative_to(harness.REPO_DIR)}")
    return add_history(folder / "data" / "_system" / "catalog.db", size, seed)


def main() -> int:
    arguments = parse_arguments()
    odibi = harness.find_odibi(arguments.odibi)
    duckdb_run = harness.find_duckdb_run(odibi)
    sizes = [int(size) for size in arguments.sizes.split(",")]
    queries = {
        "runs of the last 7 days": ["catalog", "runs", "odibi.yaml", "--days", "7"],
        "last successful run of a pipeline": ["catalog", "runs", "odibi.yaml", "--pipeline", "pipeline_07",
                                              "--status", "SUCCESS", "--limit", "1"],
        "failures of a pipeline": ["catalog", "failures", "odibi.yaml", "--pipeline", "pipeline_07", "--limit", "20"],
    }
    if supports_resume(odibi):
        queries["run --resume (nothing changed)"] = ["run", "odibi.yaml", "--resume"]
    logs = harness.RESULTS_DIR / "logs"
    results = {}
    insert_seconds = {}
    for size in sizes:
        folder = harness.DATA_DIR / f"catalog-{size}"
        insert_seconds[size] = prepare(folder, odibi, size, arguments.seed)
        results[size] = {}
        for name, command in queries.items():
            measured = []
            for repeat in range(arguments.repeat):
                measurement = harness.run_measured([str(odibi)] + command, folder,
                                                   logs / f"catalog-{size}-{len(results[size])}-{repeat}.log")
                if measurement.exit_code != 0:
                    raise SystemExit(f"{' '.join(command)} failed at {size:,} runs: see {measurement.log_path}")
                measured.append(measurement)
            results[size][name] = measured

    smallest, largest = min(sizes), max(sizes)
    headers = ["query"] + [f"{size:,} runs: wall ms" for size in sizes] + ["ratio", "CPU ratio", "target <= 2"]
    rows = []
    met = True
    for name in queries:
        walls = [harness.median_seconds(results[size][name]) for size in sizes]
        ratio = harness.median_seconds(results[largest][name]) / harness.median_seconds(results[smallest][name])
        cpu_ratio = harness.median_cpu_seconds(results[largest][name]) / max(
            harness.median_cpu_seconds(results[smallest][name]), 1e-6)
        met = met and ratio <= TARGET_RATIO
        rows.append([name] + [f"{wall * 1000:.0f}" for wall in walls] +
                    [f"{ratio:.2f}", f"{cpu_ratio:.2f}", "met" if ratio <= TARGET_RATIO else "MISSED"])
    facts = harness.machine_facts(odibi, duckdb_run)
    table = harness.format_table(headers, rows)
    notes = (f"{facts['date']}, nproc {facts['nproc']}, {facts['odibi']}, commit {facts['commit']}, "
             f"load average {facts['load_average_1m']}; median of {arguments.repeat} runs per query; history "
             f"inserted in " + ", ".join(f"{seconds:.0f} s ({size:,})" for size, seconds in insert_seconds.items()))
    print(table)
    print()
    print(notes)
    payload = {"facts": facts, "sizes": sizes, "repeat": arguments.repeat,
               "results": {size: {name: [vars(m) for m in measured] for name, measured in per_size.items()}
                           for size, per_size in results.items()}}
    print(f"results: {harness.save_results('catalog', payload, table + chr(10) + chr(10) + notes)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
