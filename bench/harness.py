"""Shared pieces of the benchmark drivers: find or build the tools, run a child process and measure
its wall time and peak RSS, watch a spill folder, and print result tables.

Standard library only; run the drivers with Debian's /usr/bin/python3 (its pandas is a baseline).
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
TOOLS_BUILD_DIR = REPO_DIR / "build" / "bench-tools"
# Build folders searched for the odibi binary, optimised builds first.
ODIBI_BUILD_DIRS = ["bench", "release"]
SYSTEM_PYTHON = "/usr/bin/python3"
KIB = 1024
MIB = 1024 * 1024
SPILL_POLL_SECONDS = 0.25


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def find_odibi(explicit: Optional[str]) -> Path:
    """The odibi CLI: --odibi, else build/bench/bin/odibi, else build/release/bin/odibi."""
    if explicit:
        path = Path(explicit).resolve()
        if not path.is_file():
            raise SystemExit(f"--odibi {explicit}: no such file")
        return path
    for build in ODIBI_BUILD_DIRS:
        path = REPO_DIR / "build" / build / "bin" / "odibi"
        if path.is_file():
            return path
    raise SystemExit(
        "odibi is not built. Build it first:\n"
        "  cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release\n"
        "  cmake --build build/bench --target odibi -j2\n"
        "or pass --odibi PATH")


def find_duckdb_run(odibi: Path) -> Path:
    """duckdb_run next to odibi (built by the main build with ODIBI_BUILD_BENCH=ON), else a build of
    bench/ on its own in build/bench-tools, made here when missing."""
    beside = odibi.parent / "duckdb_run"
    if beside.is_file():
        return beside
    tool = TOOLS_BUILD_DIR / "bin" / "duckdb_run"
    if not (TOOLS_BUILD_DIR / "CMakeCache.txt").is_file():
        log(f"building {tool.relative_to(REPO_DIR)}")
        subprocess.run(["cmake", "-S", str(BENCH_DIR), "-B", str(TOOLS_BUILD_DIR), "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=Release"], check=True, stdout=subprocess.DEVNULL)
    # Up to date in a moment when nothing changed.
    subprocess.run(["cmake", "--build", str(TOOLS_BUILD_DIR), "-j2"], check=True, stdout=subprocess.DEVNULL)
    return tool


@dataclass
class Measurement:
    """One child process run."""
    wall_seconds: float
    peak_rss_bytes: int
    exit_code: int
    cpu_seconds: float = 0.0
    peak_spill_bytes: int = 0
    log_path: Optional[Path] = None


def folder_size(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                pass
    return total


class SpillWatcher:
    """Samples the size of a spill folder while a child runs and keeps the largest."""

    def __init__(self, folder: Optional[Path]):
        self.folder = folder
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        if self.folder is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(SPILL_POLL_SECONDS):
            if self.folder.exists():
                self.peak_bytes = max(self.peak_bytes, folder_size(self.folder))


def run_measured(command: List[str], cwd: Path, log_path: Path, env: Optional[Dict[str, str]] = None,
                 spill_folder: Optional[Path] = None) -> Measurement:
    """Runs command as a child, waits for it with wait4 and returns its wall time and ru_maxrss."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    child_env = dict(os.environ)
    child_env.update(env or {})
    with open(log_path, "wb") as output, SpillWatcher(spill_folder) as watcher:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=child_env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB.
    return Measurement(wall_seconds=wall, peak_rss_bytes=usage.ru_maxrss * KIB, exit_code=process.returncode,
                       cpu_seconds=usage.ru_utime + usage.ru_stime, peak_spill_bytes=watcher.peak_bytes,
                       log_path=log_path)


def reset_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def machine_facts(odibi: Path, duckdb_run: Path) -> Dict[str, str]:
    memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    commit = subprocess.run(["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO_DIR), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    duckdb_version = subprocess.run([str(duckdb_run), "--version"], capture_output=True, text=True).stdout.strip()
    odibi_version = subprocess.run([str(odibi), "--version"], capture_output=True, text=True).stdout.strip()
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{memory_bytes / (1024 ** 3):.1f} GiB",
        "load_average_1m": f"{os.getloadavg()[0]:.2f}",
        "duckdb": duckdb_version,
        "odibi": odibi_version,
        "commit": commit + (" (with local changes)" if dirty else ""),
    }


def median_seconds(measurements: List[Measurement]) -> float:
    return statistics.median(m.wall_seconds for m in measurements)


def best_seconds(measurements: List[Measurement]) -> float:
    return min(m.wall_seconds for m in measurements)


def median_cpu_seconds(measurements: List[Measurement]) -> float:
    return statistics.median(m.cpu_seconds for m in measurements)


def peak_rss(measurements: List[Measurement]) -> int:
    return max(m.peak_rss_bytes for m in measurements)


def format_table(headers: List[str], rows: List[List[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    def line(cells):
        return "| " + " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths)) + " |"
    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(headers), separator] + [line(row) for row in rows])


def save_results(name: str, payload: dict, table: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path = RESULTS_DIR / f"{name}-{stamp}.json"
    json_path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    (RESULTS_DIR / f"{name}-{stamp}.md").write_text(table + "\n")
    return json_path


GENERATE_SQL = BENCH_DIR / "etl" / "generate.sql"


def ensure_generated(duckdb_run: Path, folder: Path, rows: int, seed: int, threads: int, generator: Path,
                     outputs: List[str]) -> Optional[float]:
    """Runs the generator SQL in folder unless the same rows, seed and generator made every output
    there already. Returns the seconds the generation took, or None when the data was reused."""
    marker = folder / "generated.json"
    wanted = {"rows": rows, "seed": seed, "generator": generator.read_text()}
    if marker.is_file() and json.loads(marker.read_text()) == wanted \
            and all((folder / output).is_file() for output in outputs):
        log(f"reusing {folder}/{outputs[0]} ({rows:,} rows, seed {seed})")
        return None
    reset_folder(folder)
    log(f"generating {rows:,} rows (seed {seed}) into {folder}")
    start = time.perf_counter()
    subprocess.run([str(duckdb_run), "--quiet", "--threads", str(threads), "--var", f"rows={rows}",
                    "--var", f"seed={seed}", str(generator)], cwd=folder, check=True)
    marker.write_text(json.dumps(wanted))
    return time.perf_counter() - start


def ensure_orders_data(duckdb_run: Path, folder: Path, rows: int, seed: int, threads: int) -> Dict[str, object]:
    """Generates orders.csv and customers.csv into folder unless the same rows and seed are there."""
    generate_seconds = ensure_generated(duckdb_run, folder, rows, seed, threads, GENERATE_SQL,
                                        ["orders.csv", "customers.csv"])
    return {
        "orders_csv_bytes": (folder / "orders.csv").stat().st_size,
        "customers_csv_bytes": (folder / "customers.csv").stat().st_size,
        "generate_seconds": generate_seconds,
    }


def warm_page_cache(path: Path) -> None:
    """Reads a file once so that the first measured run does not pay for a cold cache alone."""
    with open(path, "rb") as stream:
        while stream.read(16 * MIB):
            pass


def pandas_available() -> Optional[str]:
    """pandas' version under Debian's python3, or None when it does not import."""
    if not Path(SYSTEM_PYTHON).is_file():
        return None
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import pandas; print(pandas.__version__)"],
                           capture_output=True, text=True)
    return probe.stdout.strip() if probe.returncode == 0 else None


def common_arguments(description: str, rows: int, rows_help: str, repeat: int,
                     memory_limit: str) -> argparse.ArgumentParser:
    """The options every driver takes: --rows, --seed, --repeat, --memory-limit, --threads, --odibi."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=rows, help=rows_help)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=repeat, help="runs per variant; the median time is reported")
    parser.add_argument("--memory-limit", default=memory_limit)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--odibi", help="path of the odibi binary (default: build/bench/bin/odibi)")
    return parser


def query_value(duckdb_run: Path, folder: Path, sql: str) -> str:
    """The last output line of one SQL statement run by duckdb_run (a script written into `folder`)."""
    script = folder / "count.sql"
    script.write_text(sql + "\n")
    output = subprocess.run([str(duckdb_run), str(script)], capture_output=True, text=True, check=True).stdout
    return output.strip().splitlines()[-1]
