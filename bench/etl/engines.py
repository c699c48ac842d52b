"""The three ways the ETL benchmark's work is run (odibi, a DuckDB script, pandas), and the checks
on their outputs. Used by bench/etl/run.py and bench/memory_wall/run.py."""
import json
import subprocess
from pathlib import Path

import harness

ETL_DIR = Path(__file__).resolve().parent
OUTPUT_NAME = "daily_revenue_by_tier"
# Revenue is a sum of doubles; a parallel sum may round the last cent the other way.
REVENUE_TOLERANCE = 0.011


class Engines:
    """The command line, output file and folders of each engine for one data folder."""

    def __init__(self, memory_limit: str, threads: int, odibi: Path, duckdb_run: Path, data: Path):
        self.memory_limit = memory_limit
        self.threads = threads
        self.odibi = odibi
        self.duckdb_run = duckdb_run
        self.data = data

    def output(self, engine: str) -> Path:
        suffix = "csv" if engine == "pandas" else "parquet"
        return self.data / engine / f"{OUTPUT_NAME}.{suffix}"

    def spill(self, engine: str) -> Path:
        return self.data / "spill" / engine

    def prepare(self, engine: str) -> None:
        harness.reset_folder(self.data / engine)
        harness.reset_folder(self.spill(engine))

    def command(self, engine: str):
        limit, threads = self.memory_limit, str(self.threads)
        if engine == "duckdb":
            return [str(self.duckdb_run), "--quiet", "--memory-limit", limit, "--threads", threads,
                    "--temp-directory", str(self.spill(engine)), str(ETL_DIR / "duckdb.sql")], {}
        if engine == "odibi":
            env = {"ODIBI_BENCH_DATA": str(self.data), "ODIBI_BENCH_MEMORY_LIMIT": limit,
                   "ODIBI_BENCH_THREADS": threads, "ODIBI_BENCH_TEMP": str(self.spill(engine))}
            return [str(self.odibi), "run", str(ETL_DIR / "odibi.yaml")], env
        return [harness.SYSTEM_PYTHON, str(ETL_DIR / "pandas_etl.py"), str(self.data), str(self.output(engine))], {}


def compare_outputs(duckdb_run: Path, data: Path, expected: Path, actual: Path) -> dict:
    """Rows of actual against expected, matched on (tier, order_date)."""
    def scan(path: Path) -> str:
        reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
        return (f"SELECT tier::VARCHAR AS tier, order_date::DATE AS order_date, orders::BIGINT AS orders, "
                f"revenue::DOUBLE AS revenue FROM {reader}('{path}')")
    sql = f"""
        WITH expected AS ({scan(expected)}), actual AS ({scan(actual)})
        SELECT
            (SELECT count(*) FROM expected) AS expected_rows,
            (SELECT count(*) FROM actual) AS actual_rows,
            (SELECT count(*) FROM expected e FULL JOIN actual a ON e.tier = a.tier AND e.order_date = a.order_date
             WHERE e.orders IS DISTINCT FROM a.orders OR e.revenue IS NULL OR a.revenue IS NULL
                OR abs(e.revenue - a.revenue) > {REVENUE_TOLERANCE}) AS mismatched_rows,
            (SELECT sum(orders) FROM expected) AS expected_orders,
            (SELECT sum(orders) FROM actual) AS actual_orders
    """
    script = data / "compare.sql"
    script.write_text(sql)
    result = subprocess.run([str(duckdb_run), str(script)], capture_output=True, text=True, cwd=data)
    if result.returncode != 0:
        return {"equal": False, "error": result.stderr.strip()}
    header, values = result.stdout.strip().split("\n")[:2]
    facts = {name: int(value) for name, value in zip(header.split("\t"), values.split("\t"))}
    facts["equal"] = facts["expected_rows"] == facts["actual_rows"] and facts["mismatched_rows"] == 0
    return facts


def odibi_node_times(data: Path) -> dict:
    """Run, node and step durations (ms) from the newest odibi story JSON."""
    stories = sorted((data / "odibi" / "stories").rglob("run_*.json"), key=lambda path: path.stat().st_mtime)
    if not stories:
        return {}
    document = json.loads(stories[-1].read_text())
    nodes = {}
    for node in document.get("nodes", []):
        steps = [f"{step.get('phase')}: {step.get('duration_ms')} ms" for step in node.get("steps", [])]
        nodes[node.get("name")] = {"duration_ms": node.get("duration_ms"), "steps": steps}
    return {"story": str(stories[-1].relative_to(data)), "duration_ms": document.get("duration_ms"), "nodes": nodes}
