-- Writes orders.csv and customers.csv into the current directory, deterministically from the
-- variables `rows` (number of order rows) and `seed`: every value is a hash of (seed, salt, row).
--   duckdb_run --var rows=1000000 --var seed=42 generate.sql
-- orders.csv: the first 90% of the rows are distinct orders; the last 10% are late updates of
-- earlier orders (same order_id, customer and order_date, a later updated_at). About 5% of all rows
-- have status 'cancelled'. updated_at is unique within an order, so "the latest row" is well defined.
SET preserve_insertion_order = true;
SET VARIABLE order_rows = getvariable('rows')::BIGINT;
SET VARIABLE seed_value = getvariable('seed')::BIGINT;
SET VARIABLE distinct_orders = getvariable('order_rows') - getvariable('order_rows') // 10;
SET VARIABLE customer_count = greatest(1000, getvariable('order_rows') // 100);

COPY (
    SELECT
        i + 1 AS customer_id,
        'Customer ' || (i + 1) AS name,
        CASE
            WHEN hash(getvariable('seed_value'), 1, i) % 100 < 50 THEN 'bronze'
            WHEN hash(getvariable('seed_value'), 1, i) % 100 < 80 THEN 'silver'
            WHEN hash(getvariable('seed_value'), 1, i) % 100 < 95 THEN 'gold'
            ELSE 'platinum'
        END AS tier,
        ['US', 'DE', 'FR', 'GB', 'NL', 'ES', 'IT', 'PL', 'SE', 'CA'][1 + (hash(getvariable('seed_value'), 2, i) % 10)::INTEGER] AS country
    FROM (SELECT range AS i FROM range(getvariable('customer_count')))
) TO 'customers.csv' (FORMAT csv, HEADER true);

COPY (
    WITH order_rows AS (
        SELECT
            range AS i,
            CASE
                WHEN range < getvariable('distinct_orders') THEN range
                ELSE hash(getvariable('seed_value'), 3, range) % getvariable('distinct_orders')
            END AS o
        FROM range(getvariable('order_rows'))
    ),
    with_dates AS (
        SELECT i, o, DATE '2024-01-01' + (hash(getvariable('seed_value'), 5, o) % 366)::INTEGER AS order_date
        FROM order_rows
    )
    SELECT
        o + 1 AS order_id,
        1 + hash(getvariable('seed_value'), 4, o) % getvariable('customer_count') AS customer_id,
        order_date,
        CASE
            WHEN hash(getvariable('seed_value'), 6, i) % 100 < 5 THEN 'cancelled'
            WHEN hash(getvariable('seed_value'), 6, i) % 100 < 30 THEN 'placed'
            WHEN hash(getvariable('seed_value'), 6, i) % 100 < 60 THEN 'shipped'
            WHEN hash(getvariable('seed_value'), 6, i) % 100 < 97 THEN 'delivered'
            ELSE 'returned'
        END AS status,
        1 + hash(getvariable('seed_value'), 7, i) % 20 AS quantity,
        ((100 + hash(getvariable('seed_value'), 8, i) % 49900) / 100)::DECIMAL(10, 2) AS unit_price,
        CASE
            WHEN i < getvariable('distinct_orders')
                THEN order_date + to_seconds((hash(getvariable('seed_value'), 9, i) % 86400)::BIGINT)
            ELSE order_date + INTERVAL 1 DAY + to_seconds((i - getvariable('distinct_orders'))::BIGINT)
        END AS updated_at
    FROM with_dates
) TO 'orders.csv' (FORMAT csv, HEADER true);
