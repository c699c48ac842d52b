"""The ETL benchmark as a pandas script (the second baseline for bench/etl/odibi.yaml).

Usage: pandas_etl.py DATA_DIR OUTPUT_FILE
Writes CSV when no parquet engine (pyarrow, fastparquet) is installed; the output is small.
"""
import sys

import pandas as pd


def main() -> int:
    data_dir, output = sys.argv[1], sys.argv[2]
    orders = pd.read_csv(f"{data_dir}/orders.csv", parse_dates=["order_date", "updated_at"])
    customers = pd.read_csv(f"{data_dir}/customers.csv")
    latest = orders.sort_values("updated_at").drop_duplicates("order_id", keep="last")
    latest = latest[latest["status"] != "cancelled"].copy()
    latest["revenue"] = latest["quantity"] * latest["unit_price"]
    joined = latest.merge(customers, on="customer_id", how="inner")
    result = (
        joined.groupby(["tier", "order_date"], as_index=False)
        .agg(orders=("order_id", "size"), revenue=("revenue", "sum"))
    )
    result["revenue"] = result["revenue"].round(2)
    if output.endswith(".parquet"):
        result.to_parquet(output, index=False)
    else:
        result.to_csv(output, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
