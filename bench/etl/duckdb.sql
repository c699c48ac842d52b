-- The ETL benchmark as one hand-written DuckDB script (the baseline for bench/etl/odibi.yaml).
-- Run in the data folder by duckdb_run with the same memory_limit, threads and temp_directory.
COPY (
    WITH latest AS (
        SELECT *
        FROM read_csv('orders.csv', header = true)
        QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC) = 1
    ),
    orders AS (
        SELECT *, quantity * unit_price AS revenue FROM latest WHERE status <> 'cancelled'
    )
    SELECT c.tier, o.order_date, count(*) AS orders, round(sum(o.revenue), 2) AS revenue
    FROM orders o JOIN read_csv('customers.csv', header = true) c USING (customer_id)
    GROUP BY ALL
) TO 'duckdb/daily_revenue_by_tier.parquet' (FORMAT parquet);
