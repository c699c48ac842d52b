#!/usr/bin/python3
"""Memory-wall benchmark: the ETL pipeline on an orders CSV at least 5x larger than memory_limit.

Generates the orders (default 90M rows, about 6 GB) into bench/data/, runs odibi's ETL pipeline
(bench/etl/odibi.yaml) with performance.memory_limit (default 1GB) and a spill folder, then the
same work as one DuckDB script with the same settings for reference, and reports each run's
wall time, peak RSS next to the limit, and the largest size its spill folder reached. The data is
deleted afterwards unless --keep-data.

  /usr/bin/python3 bench/memory_wall/run.py [--rows 90000000] [--memory-limit 1GB] [--threads N]
"""
import argparse
import os
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "etl"))

import harness  # noqa: E402
from engines import Engines, compare_outputs, odibi_node_times  # noqa: E402

MINIMUM_SIZE_FACTOR = 5
# Generated orders take about 66 bytes a row; room is wanted for the CSV plus spill.
ESTIMATED_BYTES_PER_ROW = 66
DISK_HEADROOM_FACTOR = 3
UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000 ** 2, "GB": 1000 ** 3, "TB": 1000 ** 4,
         "KIB": 1024, "MIB": 1024 ** 2, "GIB": 1024 ** 3, "TIB": 1024 ** 4}


def parse_size(text: str) -> int:
    """Bytes of a DuckDB memory size such as "1GB" or "512MiB" (DuckDB reads GB as 1000^3)."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in UNITS:
        raise SystemExit(f"--memory-limit {text}: not a size such as 1GB or 512MiB")
    return int(float(match.group(1)) * UNITS[match.group(2).upper()])


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=90_000_000, help="order rows (default 90,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="DuckDB threads (default: nproc)")
    parser.add_argument("--odibi", help="path of the odibi binary (default: build/bench/bin/odibi)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per engine, alternating which goes first; medians and maxima are reported")
    parser.add_argument("--skip-duckdb", action="store_true", help="run odibi only")
    parser.add_argument("--keep-data", action="store_true", help="keep the generated CSV for another run")
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    limit_bytes = parse_size(arguments.memory_limit)
    odibi = harness.find_odibi(arguments.odibi)
    duckdb_run = harness.find_duckdb_run(odibi)
    data = harness.DATA_DIR / f"memory_wall-{arguments.rows}-{arguments.seed}"

    harness.DATA_DIR.mkdir(parents=True, exist_ok=True)
    free_bytes = shutil.disk_usage(harness.DATA_DIR).free
    needed_bytes = arguments.rows * ESTIMATED_BYTES_PER_ROW * DISK_HEADROOM_FACTOR
    if not (data / "orders.csv").is_file() and free_bytes < needed_bytes:
        raise SystemExit(f"{free_bytes / 1e9:.1f} GB free under {harness.DATA_DIR}, about "
                         f"{needed_bytes / 1e9:.1f} GB wanted (CSV and spill): use fewer --rows")

    dataset = harness.ensure_orders_data(duckdb_run, data, arguments.rows, arguments.seed, arguments.threads)
    factor = dataset["orders_csv_bytes"] / limit_bytes
    harness.log(f"orders.csv is {dataset['orders_csv_bytes'] / 1e9:.2f} GB, {factor:.1f}x memory_limit")
    if factor < MINIMUM_SIZE_FACTOR:
        harness.log(f"warning: the CSV is less than {MINIMUM_SIZE_FACTOR}x memory_limit; raise --rows")

    engines = ["odibi"] if arguments.skip_duckdb else ["odibi", "duckdb"]
    setup = Engines(arguments.memory_limit, arguments.threads, odibi, duckdb_run, data)
    logs = harness.RESULTS_DIR / "logs"
    measurements = {engine: [] for engine in engines}
    for repeat in range(arguments.repeat):
        order = engines if repeat % 2 == 0 else list(reversed(engines))
        for engine in order:
            setup.prepare(engine)
            command, env = setup.command(engine)
            measured = harness.run_measured(command, data, logs / f"memory_wall-{engine}-{repeat + 1}.log", env,
                                            setup.spill(engine))
            harness.log(f"  run {repeat + 1} {engine:7} {measured.wall_seconds:8.2f} s "
                        f"(cpu {measured.cpu_seconds:.1f} s) {measured.peak_rss_bytes / harness.MIB:9.1f} MB"
                        f"  spill {measured.peak_spill_bytes / 1e9:.2f} GB  exit {measured.exit_code}")
            measurements[engine].append(measured)
    story = odibi_node_times(data)
    completed = all(m.exit_code == 0 for runs in measurements.values() for m in runs)
    check = None
    if "duckdb" in measurements and completed:
        check = compare_outputs(duckdb_run, data, setup.output("duckdb"), setup.output("odibi"))

    headers = ["engine", "result", "wall s median", "CPU s median", "peak RSS MiB", "memory_limit MiB", "RSS / limit",
               "peak spill GB"]
    rows = []
    for engine, runs in measurements.items():
        failures = [m.exit_code for m in runs if m.exit_code != 0]
        result = "completed" if not failures else f"FAILED (exit {failures[0]})"
        rss = harness.peak_rss(runs)
        rows.append([engine, result, f"{harness.median_seconds(runs):.1f}", f"{harness.median_cpu_seconds(runs):.1f}",
                     f"{rss / harness.MIB:.0f}", f"{limit_bytes / harness.MIB:.0f}", f"{rss / limit_bytes:.2f}",
                     f"{max(m.peak_spill_bytes for m in runs) / 1e9:.2f}"])
    facts = harness.machine_facts(odibi, duckdb_run)
    title = (f"Memory wall: {arguments.rows:,} order rows, {dataset['orders_csv_bytes'] / 1e9:.2f} GB CSV = "
             f"{factor:.1f}x memory_limit {arguments.memory_limit}, threads {arguments.threads}, "
             f"{arguments.repeat} run(s) each")
    footer = (f"{facts['date']}, nproc {facts['nproc']}, {facts['memory']} RAM, DuckDB {facts['duckdb']}, "
              f"{facts['odibi']}, commit {facts['commit']}, load average {facts['load_average_1m']}")
    if check is not None:
        footer += f"\nodibi output vs DuckDB script: {'same rows' if check['equal'] else 'DIFFERENT'} ({check})"
    if story:
        nodes = ", ".join(f"{name} {node['duration_ms'] / 1000:.1f} s" for name, node in story["nodes"].items())
        footer += f"\nodibi per node (story): {nodes}"
    report = f"{title}\n\n{harness.format_table(headers, rows)}\n\n{footer}"
    print(report)
    payload = {
        "benchmark": "memory_wall",
        "arguments": vars(arguments),
        "memory_limit_bytes": limit_bytes,
        "dataset": dataset,
        "machine": facts,
        "runs": {engine: [vars(m) for m in runs] for engine, runs in measurements.items()},
        "check": check,
        "odibi_story": story,
    }
    saved = harness.save_results("memory_wall", payload, report)
    harness.log(f"results: {saved.relative_to(harness.REPO_DIR)}")
    if not arguments.keep_data:
        shutil.rmtree(data, ignore_errors=True)
        harness.log(f"deleted {data.relative_to(harness.REPO_DIR)}")
    failed = not completed or (check is not None and not check["equal"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
