#!/usr/bin/python3
"""Delta benchmark: append and upsert against plain parquet, and snapshot load against commit count.

Three parts, each odibi run as a child process (`odibi run`), the median of --repeat runs reported:

* append: N order rows (orders.parquet, bench/delta/generate.sql) appended by one node to a Delta
  table that already holds one earlier batch of the same rows (`format: delta, mode: append`),
  against the same node writing the rows as parquet (`format: parquet, mode: overwrite`, over the
  earlier file). Target: delta/parquet <= 1.15. Check: the live files' numRecords in the log sum
  to 2N after the append.
* load: tables whose log has C commits (C = 1,000 and 10,000 by default), each adding one one-row
  file (written here, in Python: commitInfo + add, all adds hard links of tiny.parquet), the last
  commit an odibi append, so that odibi writes the checkpoint at version C (delta.checkpointInterval
  10, odibi's default). "no checkpoint" is the same log with the checkpoint removed; "1 commit" holds
  the same C+1 files in a single commit. Then the same with a fixed number of live files (--live-files,
  default the smallest C): only the first of the C commits add files, so that the checkpoint is the
  same for every C and the ratio of the largest C to the smallest shows what the commit count costs
  (target: about 1.0). Wall times move in steps of 100 ms (the CLI polls for signals every 100 ms), so
  the node's own duration from the story is the measure for smaller differences. The odibi node reads the table with a filter on the
  partition column that matches nothing, so partition pruning skips every data file and what remains
  is the snapshot load (listing, checkpoint, commits) plus the pruning query over the files' partition
  values. Reported: wall ms minus the same pipeline on a table of one commit and one file.
* upsert: 1% of the keys, a narrow key range (changes.parquet), upserted by key (`mode: upsert,
  options: {keys: [order_id]}`) into an N-row Delta table partitioned by month (each partition one
  key range), against the same upsert into an N-row parquet file. Reported: files and bytes the
  commit removed and added (its remove/add actions) against the table's files, and delta/parquet
  time. Check: both read back (the Delta table through an odibi node) with N rows, N distinct keys
  and N/100 changed rows.

  /usr/bin/python3 bench/delta/run.py [--rows 10000000] [--repeat 3] [--commits 1000,10000] [--live-files N]
                                      [--parts append,load,upsert] [--memory-limit 4GB] [--odibi PATH]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import harness  # noqa: E402

APPEND_TARGET_RATIO = 1.15
GENERATE_SQL = Path(__file__).resolve().parent / "generate.sql"
# The partition value of every file of the load tables, and the one the read filters on (no file has it).
LOAD_PARTITION = "a"
LOAD_FILTER = "p = 'none'"

PROJECT = """project: delta_bench
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
system:
  connection: work
  path: _system
performance:
  memory_limit: {memory_limit}
  threads: {threads}
pipelines:
  - pipeline: bench
    nodes:
{nodes}"""

WRITE_NODE = """      - name: orders
        read: {{connection: data, format: parquet, path: {source}}}
        write:
          connection: work
          format: {format}
          path: {target}
          mode: {mode}
{extra}"""

# Reads a Delta table back and counts what the checks need.
VERIFY_NODE = """      - name: counted
        read: {{connection: work, format: delta, path: {table}}}
        transform:
          steps:
            - sql: >-
                SELECT count(*) AS row_count, count(DISTINCT order_id) AS key_count,
                count(*) FILTER (WHERE status = 'changed') AS changed_count FROM df
        write: {{connection: work, format: csv, path: counted.csv, mode: overwrite}}
"""

LOAD_READ_NODE = """      - name: table
        read: {{connection: data, format: delta, path: {table}, filter: "{filter}"}}
        write: {{connection: work, format: parquet, path: out.parquet, mode: overwrite}}
"""

# The odibi append that makes the last commit of a load table (and its checkpoint).
LOAD_APPEND_NODE = """      - name: last_commit
        read: {connection: data, format: parquet, path: tiny.parquet}
        transform:
          steps:
            - sql: SELECT id, 'a' AS p FROM df
        write: {connection: data, format: delta, path: TABLE, mode: append}
"""


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="order rows (default 10,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant; the median time is reported")
    parser.add_argument("--commits", default="1000,10000", help="commit counts of the load tables")
    parser.add_argument("--live-files", type=int, default=0,
                        help="live files of the fixed-size load tables (default: the smallest commit count)")
    parser.add_argument("--parts", default="append,load,upsert", help="which parts to run")
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--odibi", help="path of the odibi binary (default: build/bench/bin/odibi)")
    return parser.parse_args()


class Bench:
    def __init__(self, arguments: argparse.Namespace, odibi: Path, duckdb_run: Path, data: Path):
        self.arguments = arguments
        self.odibi = odibi
        self.duckdb_run = duckdb_run
        self.data = data
        self.logs = harness.RESULTS_DIR / "logs"

    def project(self, data: Path, work: Path, nodes: str) -> str:
        return PROJECT.format(data=data, work=work, memory_limit=self.arguments.memory_limit,
                              threads=self.arguments.threads, nodes=nodes)

    def run_odibi(self, work: Path, project: str, log_name: str) -> harness.Measurement:
        """Writes work/odibi.yaml and runs it; fails the benchmark when odibi fails."""
        (work / "odibi.yaml").write_text(project)
        measured = harness.run_measured([str(self.odibi), "run", "odibi.yaml"], work, self.logs / f"{log_name}.log")
        if measured.exit_code != 0:
            raise SystemExit(f"odibi failed (exit {measured.exit_code}): see {measured.log_path}")
        return measured

    def query(self, sql: str) -> List[str]:
        """The last result line of sql run by duckdb_run, split on tabs."""
        script = self.data / "query.sql"
        script.write_text(sql + "\n")
        output = subprocess.run([str(self.duckdb_run), str(script)], capture_output=True, text=True,
                                check=True).stdout
        return output.strip().splitlines()[-1].split("\t")


def link_tree(source: Path, target: Path) -> None:
    """A copy of a Delta table made of hard links: its files are never modified in place (new
    versions, data files and checkpoints are new names; _last_checkpoint is replaced by a rename)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, copy_function=os.link)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def story_steps(work: Path) -> Dict[str, object]:
    """Node and phase durations (ms) of the newest story under work/stories."""
    stories = sorted((work / "stories").rglob("run_*.json"), key=lambda path: path.stat().st_mtime)
    if not stories:
        return {}
    document = json.loads(stories[-1].read_text())
    result = {"run_ms": document.get("duration_ms")}
    for node in document.get("nodes", []):
        result[node.get("name")] = {"ms": node.get("duration_ms"),
                                    "steps": {step.get("phase"): step.get("duration_ms")
                                              for step in node.get("steps", [])}}
    return result


# ---------------------------------------------------------------------------------------------------
# Delta logs written here: the load tables.

def commit_line(action: str, body: dict) -> str:
    return json.dumps({action: body}, separators=(",", ":"))


def add_action(path: str, size: int, now_ms: int) -> str:
    stats = json.dumps({"numRecords": 1, "minValues": {"id": 1}, "maxValues": {"id": 1}, "nullCount": {"id": 0}},
                       separators=(",", ":"))
    return commit_line("add", {"path": path, "partitionValues": {"p": LOAD_PARTITION}, "size": size,
                               "modificationTime": now_ms, "dataChange": True, "stats": stats})


def commit_info(now_ms: int, version: int) -> str:
    body = {"timestamp": now_ms + version, "operation": "WRITE",
            "operationParameters": {"mode": "Append", "partitionBy": "[\"p\"]"},
            "isBlindAppend": True, "engineInfo": "bench/delta/run.py"}
    if version > 0:
        body["readVersion"] = version - 1
    return commit_line("commitInfo", body)


def table_header() -> List[str]:
    schema = {"type": "struct", "fields": [
        {"name": "id", "type": "long", "nullable": True, "metadata": {}},
        {"name": "p", "type": "string", "nullable": True, "metadata": {}}]}
    return [
        commit_line("protocol", {"minReaderVersion": 1, "minWriterVersion": 2}),
        commit_line("metaData", {"id": str(uuid.uuid4()), "format": {"provider": "parquet", "options": {}},
                                 "schemaString": json.dumps(schema), "partitionColumns": ["p"],
                                 "configuration": {"delta.checkpointInterval": "10"},
                                 "createdTime": int(time.time() * 1000)}),
    ]


def write_log_table(table: Path, tiny: Path, commits: int, files: int) -> None:
    """A table of `files` one-row files: all in version 0 when commits == 1, else one per commit in the
    first `files` commits, the later commits adding none (commitInfo only, as a streaming writer's empty
    batches leave them). Every data file is a hard link of tiny."""
    shutil.rmtree(table, ignore_errors=True)
    log_dir = table / "_delta_log"
    log_dir.mkdir(parents=True)
    data_dir = table / f"p={LOAD_PARTITION}"
    data_dir.mkdir()
    size = tiny.stat().st_size
    now_ms = int(time.time() * 1000)
    names = [f"part-{index:05d}-bench.parquet" for index in range(files)]
    for name in names:
        os.link(tiny, data_dir / name)
    adds = [add_action(f"p={LOAD_PARTITION}/{name}", size, now_ms) for name in names]
    if commits == 1:
        lines = [commit_info(now_ms, 0)] + table_header() + adds
        (log_dir / f"{0:020d}.json").write_text("\n".join(lines) + "\n")
        return
    assert commits >= files
    for version in range(commits):
        lines = [commit_info(now_ms, version)] + (table_header() if version == 0 else [])
        lines += [adds[version]] if version < files else []
        (log_dir / f"{version:020d}.json").write_text("\n".join(lines) + "\n")


def live_files(table: Path) -> Dict[str, dict]:
    """Replays the JSON commits of a table without checkpoints: live path -> add action."""
    files: Dict[str, dict] = {}
    for commit in sorted((table / "_delta_log").glob("*.json")):
        for line in commit.read_text().splitlines():
            if not line.strip():
                continue
            action = json.loads(line)
            if "add" in action:
                files[action["add"]["path"]] = action["add"]
            elif "remove" in action:
                files.pop(action["remove"]["path"], None)
    return files


def log_rows(table: Path) -> int:
    return sum(json.loads(add["stats"])["numRecords"] for add in live_files(table).values())


def commit_actions(table: Path, version: int) -> Dict[str, List[dict]]:
    actions: Dict[str, List[dict]] = {"add": [], "remove": []}
    for line in (table / "_delta_log" / f"{version:020d}.json").read_text().splitlines():
        action = json.loads(line)
        for kind in actions:
            if kind in action:
                actions[kind].append(action[kind])
    return actions


def latest_version(table: Path) -> int:
    return max(int(path.name[:20]) for path in (table / "_delta_log").glob("*.json"))


# ---------------------------------------------------------------------------------------------------

def rotate(variants: List[str], repeat: int) -> List[str]:
    """Each repeat starts with another variant, so that none always runs first."""
    shift = repeat % len(variants)
    return variants[shift:] + variants[:shift]


def summary_of(measurements: List[harness.Measurement]) -> Dict[str, float]:
    return {"wall_s_median": harness.median_seconds(measurements),
            "cpu_s_median": harness.median_cpu_seconds(measurements),
            "peak_rss_mib": harness.peak_rss(measurements) / harness.MIB}


def run_append(bench: Bench) -> dict:
    data, repeat = bench.data, bench.arguments.repeat
    rows = bench.arguments.rows
    templates = data / "append-template"
    harness.reset_folder(templates)
    harness.log("append: writing the earlier batch (Delta table and parquet file)")
    for format_name, target in (("delta", "orders_delta"), ("parquet", "orders.parquet")):
        mode = "append" if format_name == "delta" else "overwrite"
        bench.run_odibi(templates, bench.project(data, templates, WRITE_NODE.format(
            source="orders.parquet", format=format_name, target=target, mode=mode, extra="")),
            f"delta-append-template-{format_name}")
    variants = ["parquet", "delta"]
    measurements = {variant: [] for variant in variants}
    loads = {variant: [] for variant in variants}
    stories = {variant: [] for variant in variants}
    for index in range(repeat):
        for variant in rotate(variants, index):
            work = data / f"append-{variant}"
            harness.reset_folder(work)
            if variant == "delta":
                link_tree(templates / "orders_delta", work / "orders_delta")
                node = WRITE_NODE.format(source="orders.parquet", format="delta", target="orders_delta",
                                         mode="append", extra="")
            else:
                os.link(templates / "orders.parquet", work / "orders.parquet")
                node = WRITE_NODE.format(source="orders.parquet", format="parquet", target="orders.parquet",
                                         mode="overwrite", extra="")
            project = bench.project(data, work, node)
            load = load_average()
            measured = bench.run_odibi(work, project, f"delta-append-{variant}-{index + 1}")
            measurements[variant].append(measured)
            loads[variant].append(load)
            stories[variant].append(story_steps(work))
            harness.log(f"  append run {index + 1} {variant:7} {measured.wall_seconds:7.2f} s "
                        f"(cpu {measured.cpu_seconds:6.2f} s) load {load}")
    table = data / "append-delta" / "orders_delta"
    rows_after = log_rows(table)
    version = latest_version(table)
    added = commit_actions(table, version)["add"]
    parquet_rows = int(bench.query(f"SELECT count(*) FROM read_parquet('{data}/append-parquet/orders.parquet')")[0])
    ratio = harness.median_seconds(measurements["delta"]) / harness.median_seconds(measurements["parquet"])
    cpu_ratio = harness.median_cpu_seconds(measurements["delta"]) / harness.median_cpu_seconds(measurements["parquet"])
    return {
        "summary": {variant: summary_of(runs) for variant, runs in measurements.items()},
        "ratio": ratio, "cpu_ratio": cpu_ratio, "target": APPEND_TARGET_RATIO,
        "rows_after_append": rows_after, "rows_expected": 2 * rows, "rows_ok": rows_after == 2 * rows,
        "parquet_rows": parquet_rows, "parquet_ok": parquet_rows == rows,
        "files_added": len(added), "bytes_added": sum(add["size"] for add in added),
        "parquet_bytes": (data / "append-parquet" / "orders.parquet").stat().st_size,
        "load_average": loads, "stories": stories,
        "runs": {variant: [vars(m) | {"log_path": str(m.log_path)} for m in runs]
                 for variant, runs in measurements.items()},
    }


def build_checkpointed(bench: Bench, folder: Path, tiny: Path, table: Path, nockpt: Path, commits: int,
                       files: int) -> None:
    """`table`: `commits` commits (write_log_table) and an odibi append as commit `commits`, which writes
    the checkpoint at that version; `nockpt`: the same log without the checkpoint."""
    write_log_table(table, tiny, commits, files)
    work = folder / f"append-{table.name}"
    harness.reset_folder(work)
    node = LOAD_APPEND_NODE.replace("TABLE", table.name)
    measured = bench.run_odibi(work, bench.project(folder, work, node), f"delta-load-append-{table.name}")
    harness.log(f"  odibi append as commit {commits:,} of {table.name}: {measured.wall_seconds:.2f} s")
    checkpoint = table / "_delta_log" / f"{commits:020d}.checkpoint.parquet"
    if not checkpoint.is_file():
        raise SystemExit(f"odibi wrote no checkpoint {checkpoint}")
    link_tree(table, nockpt)
    for path in (nockpt / "_delta_log").iterdir():
        if ".checkpoint." in path.name or path.name == "_last_checkpoint":
            path.unlink()


def build_load_tables(bench: Bench, folder: Path, commit_counts: List[int], live_files: int) -> Dict[str, Path]:
    """base (1 commit, 1 file); per C: C+1 commits each adding a file with a checkpoint at C, the same
    without it, and one commit of C+1 files; then, per C, C+1 commits of which only the first
    `live_files` add a file (so every C has the same live files), with and without the checkpoint at C.
    Rebuilt when the marker differs."""
    marker = folder / "generated.json"
    wanted = {"commits": commit_counts, "live_files": live_files, "generator": Path(__file__).read_text()}
    tables = {"base": folder / "base"}
    for count in commit_counts:
        tables[f"{count}-ckpt"] = folder / f"commits-{count}"
        tables[f"{count}-nockpt"] = folder / f"commits-{count}-nockpt"
        tables[f"{count}-onecommit"] = folder / f"files-{count}"
    for count in commit_counts:
        tables[f"{count}-ckpt-{live_files}f"] = folder / f"commits-{count}-files-{live_files}"
        tables[f"{count}-nockpt-{live_files}f"] = folder / f"commits-{count}-files-{live_files}-nockpt"
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        harness.log(f"reusing the load tables in {folder}")
        return tables
    harness.reset_folder(folder)
    shutil.copyfile(bench.data / "tiny.parquet", folder / "tiny.parquet")
    tiny = folder / "tiny.parquet"
    write_log_table(tables["base"], tiny, 1, 1)
    for count in commit_counts:
        harness.log(f"load: writing {count:,} commits")
        build_checkpointed(bench, folder, tiny, tables[f"{count}-ckpt"], tables[f"{count}-nockpt"], count, count)
        write_log_table(tables[f"{count}-onecommit"], tiny, 1, count + 1)
        harness.log(f"load: writing {count:,} commits, {live_files:,} of them adding a file")
        build_checkpointed(bench, folder, tiny, tables[f"{count}-ckpt-{live_files}f"],
                           tables[f"{count}-nockpt-{live_files}f"], count, live_files)
    marker.write_text(json.dumps(wanted))
    return tables


def run_load(bench: Bench) -> dict:
    commit_counts = [int(value) for value in bench.arguments.commits.split(",") if value]
    live_files = bench.arguments.live_files or min(commit_counts)
    folder = harness.DATA_DIR / "delta-log"
    tables = build_load_tables(bench, folder, commit_counts, live_files)
    variants = list(tables)
    measurements = {variant: [] for variant in variants}
    loads = {variant: [] for variant in variants}
    node_ms = {variant: [] for variant in variants}
    for index in range(bench.arguments.repeat):
        for variant in rotate(variants, index):
            work = folder / f"read-{variant}"
            harness.reset_folder(work)
            node = LOAD_READ_NODE.format(table=tables[variant].name, filter=LOAD_FILTER)
            load = load_average()
            measured = bench.run_odibi(work, bench.project(folder, work, node), f"delta-load-{variant}-{index + 1}")
            measurements[variant].append(measured)
            loads[variant].append(load)
            node_ms[variant].append(story_steps(work).get("table", {}).get("ms"))
            harness.log(f"  load run {index + 1} {variant:16} {measured.wall_seconds * 1000:8.0f} ms load {load}")
    base = harness.median_seconds(measurements["base"])
    results = {}
    for variant in variants:
        wall = harness.median_seconds(measurements[variant])
        nodes = [value for value in node_ms[variant] if value is not None]
        results[variant] = {"wall_ms_median": wall * 1000, "load_ms": (wall - base) * 1000,
                            "node_ms_median": statistics.median(nodes) if nodes else None,
                            "load_average": loads[variant],
                            "log_files": len(list((tables[variant] / "_delta_log").iterdir()))}
    flat = [f"{count}-ckpt-{live_files}f" for count in commit_counts]
    ratio = {"wall_ms": results[flat[-1]]["wall_ms_median"] / results[flat[0]]["wall_ms_median"],
             "node_ms": (results[flat[-1]]["node_ms_median"] / results[flat[0]]["node_ms_median"]
                         if results[flat[0]]["node_ms_median"] else None)}
    return {"commit_counts": commit_counts, "live_files": live_files, "tables": results, "filter": LOAD_FILTER,
            "flat_ratio": ratio,
            "runs": {variant: [vars(m) | {"log_path": str(m.log_path)} for m in runs]
                     for variant, runs in measurements.items()}}


def run_upsert(bench: Bench) -> dict:
    data, rows = bench.data, bench.arguments.rows
    template = data / "upsert-template"
    harness.reset_folder(template)
    harness.log("upsert: writing the partitioned Delta table")
    built = bench.run_odibi(template, bench.project(data, template, WRITE_NODE.format(
        source="orders.parquet", format="delta", target="orders_delta", mode="overwrite",
        extra="          partition_by: [order_month]\n")), "delta-upsert-template")
    before = live_files(template / "orders_delta")
    variants = ["parquet", "delta"]
    measurements = {variant: [] for variant in variants}
    loads = {variant: [] for variant in variants}
    upsert_options = "          options: {keys: [order_id]}\n"
    for index in range(bench.arguments.repeat):
        for variant in rotate(variants, index):
            work = data / f"upsert-{variant}"
            harness.reset_folder(work)
            if variant == "delta":
                link_tree(template / "orders_delta", work / "orders_delta")
                target = "orders_delta"
            else:
                shutil.copyfile(data / "orders.parquet", work / "orders.parquet")
                target = "orders.parquet"
            node = WRITE_NODE.format(source="changes.parquet", format=variant, target=target, mode="upsert",
                                     extra=upsert_options)
            load = load_average()
            measured = bench.run_odibi(work, bench.project(data, work, node), f"delta-upsert-{variant}-{index + 1}")
            measurements[variant].append(measured)
            loads[variant].append(load)
            harness.log(f"  upsert run {index + 1} {variant:7} {measured.wall_seconds:7.2f} s "
                        f"(cpu {measured.cpu_seconds:6.2f} s) load {load}")
    table = data / "upsert-delta" / "orders_delta"
    actions = commit_actions(table, latest_version(table))
    verify = data / "upsert-delta"
    bench.run_odibi(verify, bench.project(data, verify, VERIFY_NODE.format(table="orders_delta")), "delta-upsert-verify")
    counted = (verify / "counted.csv").read_text().splitlines()[1].split(",")
    delta_counts = [int(value) for value in counted]
    parquet_counts = [int(value) for value in bench.query(
        f"SELECT count(*), count(DISTINCT order_id), count(*) FILTER (WHERE status = 'changed') "
        f"FROM read_parquet('{data}/upsert-parquet/orders.parquet')")]
    expected = [rows, rows, rows // 100]
    ratio = harness.median_seconds(measurements["delta"]) / harness.median_seconds(measurements["parquet"])
    return {
        "summary": {variant: summary_of(runs) for variant, runs in measurements.items()},
        "ratio": ratio,
        "table_build_s": built.wall_seconds,
        "files_before": len(before), "bytes_before": sum(add["size"] for add in before.values()),
        "files_removed": len(actions["remove"]), "bytes_removed": sum(r.get("size", 0) for r in actions["remove"]),
        "files_added": len(actions["add"]), "bytes_added": sum(add["size"] for add in actions["add"]),
        "partitions_touched": sorted({json.dumps(r.get("partitionValues")) for r in actions["remove"]}),
        "parquet_bytes": (data / "orders.parquet").stat().st_size,
        "delta_counts": delta_counts, "parquet_counts": parquet_counts, "expected_counts": expected,
        "rows_ok": delta_counts == expected and parquet_counts == expected,
        "load_average": loads,
        "runs": {variant: [vars(m) | {"log_path": str(m.log_path)} for m in runs]
                 for variant, runs in measurements.items()},
    }


def mib(value: int) -> str:
    return f"{value / harness.MIB:.1f}"


def loads_text(loads: List[str]) -> str:
    """The 1-minute load averages at the start of each run."""
    return ", ".join(load.split()[0] for load in loads)


def report(arguments: argparse.Namespace, results: dict, facts: Dict[str, str]) -> str:
    parts = [f"Delta benchmark: {arguments.rows:,} order rows, memory_limit {arguments.memory_limit}, "
             f"threads {arguments.threads}, {arguments.repeat} runs each (median)"]
    if "append" in results:
        append = results["append"]
        rows = []
        for variant in ("parquet", "delta"):
            summary = append["summary"][variant]
            rows.append([variant, f"{summary['wall_s_median']:.2f}", f"{summary['cpu_s_median']:.2f}",
                         f"{summary['peak_rss_mib']:.0f}", loads_text(append["load_average"][variant])])
        verdict = "met" if append["ratio"] <= APPEND_TARGET_RATIO else "MISSED"
        parts.append("Append (earlier batch in the table; parquet: overwrite)\n\n"
                     + harness.format_table(["write", "wall s median", "CPU s median", "peak RSS MiB",
                                             "load avg (1 min) per run"], rows)
                     + f"\n\ndelta/parquet wall = {append['ratio']:.2f} (target <= {APPEND_TARGET_RATIO}: {verdict}); "
                       f"CPU {append['cpu_ratio']:.2f}\n"
                       f"rows in the table after the append (numRecords of live files): {append['rows_after_append']:,} "
                       f"of {append['rows_expected']:,} ({'ok' if append['rows_ok'] else 'MISMATCH'}); "
                       f"the commit added {append['files_added']} file(s), {mib(append['bytes_added'])} MiB "
                       f"(parquet output {mib(append['parquet_bytes'])} MiB)")
    if "load" in results:
        load = results["load"]
        rows = []
        for variant, values in load["tables"].items():
            rows.append([variant, values["log_files"], f"{values['wall_ms_median']:.0f}", f"{values['load_ms']:.0f}",
                         "" if values["node_ms_median"] is None else f"{values['node_ms_median']:.0f}",
                         loads_text(values["load_average"])])
        parts.append(f"Snapshot load (read with filter {load['filter']}: every file pruned)\n\n"
                     + harness.format_table(["table", "files in _delta_log", "wall ms median",
                                             "ms over base", "node ms (story)", "load avg per run"], rows)
                     + "\n\nC-ckpt: C+1 commits, checkpoint at version C; C-nockpt: the same log without it; "
                       "C-onecommit: the same C+1 files in one commit; base: 1 commit, 1 file; "
                       f"C-ckpt-{load['live_files']}f / C-nockpt-{load['live_files']}f: C+1 commits of which the "
                       f"first {load['live_files']:,} and the last add a file (the same live files for every C)\n"
                       f"{load['commit_counts'][-1]:,} / {load['commit_counts'][0]:,} commits with checkpoint, same "
                       "live files: "
                       + ("n/a" if load['flat_ratio']['node_ms'] is None else f"{load['flat_ratio']['node_ms']:.2f}")
                       + f" (node ms), {load['flat_ratio']['wall_ms']:.2f} (wall ms); target ~1.0\n"
                       "Wall times move in steps of 100 ms (odibi run polls for signals every 100 ms while the "
                       "pipeline runs): compare node ms for differences below that")
    if "upsert" in results:
        upsert = results["upsert"]
        rows = []
        for variant in ("parquet", "delta"):
            summary = upsert["summary"][variant]
            rows.append([variant, f"{summary['wall_s_median']:.2f}", f"{summary['cpu_s_median']:.2f}",
                         f"{summary['peak_rss_mib']:.0f}", loads_text(upsert["load_average"][variant])])
        parts.append(f"Upsert ({arguments.rows // 100:,} changed keys, one narrow key range)\n\n"
                     + harness.format_table(["target", "wall s median", "CPU s median", "peak RSS MiB",
                                             "load avg per run"], rows)
                     + f"\n\ndelta/parquet wall = {upsert['ratio']:.2f}\n"
                       f"Delta commit: removed {upsert['files_removed']} of {upsert['files_before']} files "
                       f"({mib(upsert['bytes_removed'])} of {mib(upsert['bytes_before'])} MiB), added "
                       f"{upsert['files_added']} ({mib(upsert['bytes_added'])} MiB); partitions touched: "
                       f"{', '.join(upsert['partitions_touched'])}; parquet rewrites its whole "
                       f"{mib(upsert['parquet_bytes'])} MiB file\n"
                       f"read back (rows, keys, changed): delta {upsert['delta_counts']}, parquet "
                       f"{upsert['parquet_counts']}, expected {upsert['expected_counts']} "
                       f"({'ok' if upsert['rows_ok'] else 'MISMATCH'})")
    parts.append(f"{facts['date']}, nproc {facts['nproc']}, {facts['memory']} RAM, DuckDB {facts['duckdb']}, "
                 f"{facts['odibi']}, commit {facts['commit']}, load average at the end {load_average()}")
    return "\n\n".join(parts)


def main() -> int:
    arguments = parse_arguments()
    odibi = harness.find_odibi(arguments.odibi)
    duckdb_run = harness.find_duckdb_run(odibi)
    data = harness.DATA_DIR / f"delta-{arguments.rows}-{arguments.seed}"
    harness.ensure_generated(duckdb_run, data, arguments.rows, arguments.seed, arguments.threads, GENERATE_SQL,
                             ["orders.parquet"])
    harness.warm_page_cache(data / "orders.parquet")
    bench = Bench(arguments, odibi, duckdb_run, data)
    parts = [part for part in arguments.parts.split(",") if part]
    results = {}
    for part in ("append", "load", "upsert"):
        if part in parts:
            results[part] = {"append": run_append, "load": run_load, "upsert": run_upsert}[part](bench)
    facts = harness.machine_facts(odibi, duckdb_run)
    text = report(arguments, results, facts)
    print(text)
    payload = {"benchmark": "delta", "arguments": vars(arguments), "machine": facts,
               "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), **results}
    saved = harness.save_results("delta", payload, text)
    harness.log(f"results: {saved.relative_to(harness.REPO_DIR)}")
    ok = all(results[part].get("rows_ok", True) for part in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
