-- Data of bench/delta, written into the current directory, deterministically from the variables
-- `rows` and `seed` (every value is a hash of (seed, salt, row)):
--   duckdb_run --var rows=10000000 --var seed=42 generate.sql
-- orders.parquet: `rows` distinct orders in key order (order_id 1..rows); order_date grows with the
--   key, so each month (order_month, the partition column of the upsert table) holds one key range.
-- changes.parquet: 1% of the keys, a narrow range (the first rows//100 orders from 2024-05-03 on,
--   inside May), with status 'changed', another quantity and a later updated_at: an upsert of
--   updates only, so the table keeps `rows` rows.
-- tiny.parquet: one row (id BIGINT), the data file that every commit of the snapshot-load tables adds.
SET preserve_insertion_order = true;
SET VARIABLE order_rows = getvariable('rows')::BIGINT;
SET VARIABLE seed_value = getvariable('seed')::BIGINT;
SET VARIABLE customer_count = greatest(1000, getvariable('order_rows') // 100);

COPY (
    WITH keyed AS (
        SELECT range AS i, DATE '2024-01-01' + (range * 366 // getvariable('order_rows'))::INTEGER AS order_date
        FROM range(getvariable('order_rows'))
    )
    SELECT
        i + 1 AS order_id,
        (1 + hash(getvariable('seed_value'), 4, i) % getvariable('customer_count'))::BIGINT AS customer_id,
        order_date,
        strftime(order_date, '%Y-%m') AS order_month,
        CASE
            WHEN hash(getvariable('seed_value'), 6, i) % 100 < 5 THEN 'cancelled'
            WHEN hash(getvariable('seed_value'), 6, i) % 100 < 30 THEN 'placed'
            WHEN hash(getvariable('seed_value'), 6, i) % 100 < 60 THEN 'shipped'
            WHEN hash(getvariable('seed_value'), 6, i) % 100 < 97 THEN 'delivered'
            ELSE 'returned'
        END AS status,
        (1 + hash(getvariable('seed_value'), 7, i) % 20)::INTEGER AS quantity,
        ((100 + hash(getvariable('seed_value'), 8, i) % 49900) / 100)::DECIMAL(10, 2) AS unit_price,
        order_date + to_seconds((hash(getvariable('seed_value'), 9, i) % 86400)::BIGINT) AS updated_at
    FROM keyed
) TO 'orders.parquet' (FORMAT parquet);

COPY (
    SELECT
        order_id, customer_id, order_date, order_month,
        'changed' AS status,
        quantity % 20 + 1 AS quantity,
        unit_price,
        updated_at + INTERVAL 7 DAY AS updated_at
    FROM read_parquet('orders.parquet')
    WHERE order_date >= DATE '2024-05-03'
    ORDER BY order_id
    LIMIT getvariable('order_rows') // 100
) TO 'changes.parquet' (FORMAT parquet);

COPY (SELECT 1::BIGINT AS id) TO 'tiny.parquet' (FORMAT parquet);
