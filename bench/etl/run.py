#!/usr/bin/python3
"""ETL benchmark: the same work through odibi, one hand-written DuckDB script, and pandas.

The work: keep the latest row per order_id (by updated_at), drop cancelled orders, derive
revenue = quantity * unit_price, join customers, aggregate orders and revenue per tier and day,
write the result. Each engine runs as a child process; the driver measures its wall time and
peak RSS (wait4), checks that every output has the DuckDB baseline's rows, and prints ratios.

  /usr/bin/python3 bench/etl/run.py [--rows 1000000] [--repeat 3] [--memory-limit 4GB] [--threads N]
"""
import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from engines import Engines, compare_outputs, odibi_node_times  # noqa: E402

TARGET_RATIO = 1.10


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="order rows (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3, help="runs per engine; the median time is reported")
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory_limit for odibi and the SQL baseline")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="DuckDB threads (default: nproc)")
    parser.add_argument("--odibi", help="path of the odibi binary (default: build/bench/bin/odibi)")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--clean", action="store_true", help="delete the generated data afterwards")
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    odibi = harness.find_odibi(arguments.odibi)
    duckdb_run = harness.find_duckdb_run(odibi)
    data = harness.DATA_DIR / f"etl-{arguments.rows}-{arguments.seed}"
    dataset = harness.ensure_orders_data(duckdb_run, data, arguments.rows, arguments.seed, arguments.threads)
    engines = ["duckdb", "odibi"]
    pandas_version = None if arguments.skip_pandas else harness.pandas_available()
    if pandas_version:
        engines.append("pandas")
    setup = Engines(arguments.memory_limit, arguments.threads, odibi, duckdb_run, data)
    logs = harness.RESULTS_DIR / "logs"
    harness.warm_page_cache(data / "orders.csv")

    measurements = {engine: [] for engine in engines}
    for repeat in range(arguments.repeat):
        # Rotate the order so that no engine always runs first (or right after another).
        order = engines[repeat % len(engines):] + engines[:repeat % len(engines)]
        for engine in order:
            setup.prepare(engine)
            command, env = setup.command(engine)
            measured = harness.run_measured(command, data, logs / f"etl-{engine}-{repeat + 1}.log", env,
                                            setup.spill(engine))
            harness.log(f"  run {repeat + 1} {engine:7} {measured.wall_seconds:8.2f} s "
                        f"(cpu {measured.cpu_seconds:7.2f} s) "
                        f"{measured.peak_rss_bytes / harness.MIB:9.1f} MB  exit {measured.exit_code}")
            if measured.exit_code != 0:
                harness.log(f"{engine} failed (exit {measured.exit_code}); see {measured.log_path}")
                return 1
            measurements[engine].append(measured)

    checks = {engine: compare_outputs(duckdb_run, data, setup.output("duckdb"), setup.output(engine))
              for engine in engines if engine != "duckdb"}
    base_time = harness.median_seconds(measurements["duckdb"])
    base_best = harness.best_seconds(measurements["duckdb"])
    base_rss = harness.peak_rss(measurements["duckdb"])
    base_cpu = harness.median_cpu_seconds(measurements["duckdb"])
    headers = ["engine", "wall s median", "wall s best", "time vs DuckDB", "best vs DuckDB", "CPU s median",
               "CPU vs DuckDB", "peak RSS MiB", "RSS vs DuckDB", "output"]
    rows = []
    for engine in engines:
        wall = harness.median_seconds(measurements[engine])
        best = harness.best_seconds(measurements[engine])
        cpu = harness.median_cpu_seconds(measurements[engine])
        rss = harness.peak_rss(measurements[engine])
        check = "baseline" if engine == "duckdb" else ("same rows" if checks[engine]["equal"] else "DIFFERENT")
        rows.append([engine, f"{wall:.2f}", f"{best:.2f}", f"{wall / base_time:.2f}", f"{best / base_best:.2f}",
                     f"{cpu:.2f}", f"{cpu / base_cpu:.2f}", f"{rss / harness.MIB:.0f}", f"{rss / base_rss:.2f}", check])
    if not pandas_version and not arguments.skip_pandas:
        rows.append(["pandas", "not installed"] + [""] * (len(headers) - 2))

    facts = harness.machine_facts(odibi, duckdb_run)
    odibi_ratio = harness.median_seconds(measurements["odibi"]) / base_time
    title = (f"ETL benchmark: {arguments.rows:,} order rows ({dataset['orders_csv_bytes'] / harness.MIB:.0f} MiB CSV), "
             f"memory_limit {arguments.memory_limit}, threads {arguments.threads}, {arguments.repeat} runs each")
    verdict = "met" if odibi_ratio <= TARGET_RATIO else "MISSED"
    table = harness.format_table(headers, rows)
    footer = (f"target odibi/DuckDB time (median) <= {TARGET_RATIO:.2f}: {verdict} ({odibi_ratio:.2f})\n"
              f"{facts['date']}, nproc {facts['nproc']}, {facts['memory']} RAM, DuckDB {facts['duckdb']}, "
              f"{facts['odibi']}, commit {facts['commit']}, load average {facts['load_average_1m']}"
              + (f", pandas {pandas_version}" if pandas_version else ""))
    story = odibi_node_times(data)
    if story:
        nodes = ", ".join(f"{name} {node['duration_ms'] / 1000:.2f} s" for name, node in story["nodes"].items())
        footer += f"\nodibi's last run, per node (story): {nodes}"
    report = f"{title}\n\n{table}\n\n{footer}"
    print(report)
    payload = {
        "benchmark": "etl",
        "arguments": vars(arguments),
        "dataset": dataset,
        "machine": facts,
        "pandas": pandas_version,
        "runs": {engine: [vars(m) for m in runs] for engine, runs in measurements.items()},
        "checks": checks,
        "odibi_story": story,
        "odibi_over_duckdb": odibi_ratio,
    }
    saved = harness.save_results("etl", payload, report)
    harness.log(f"results: {saved.relative_to(harness.REPO_DIR)}")
    failed = [engine for engine, check in checks.items() if not check["equal"]]
    for engine in failed:
        harness.log(f"{engine} output differs from DuckDB's: {checks[engine]}")
    if arguments.clean:
        shutil.rmtree(data, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
