-- 10M-style customer events for bench/quality: a few rows break each of the eight row-level checks.
SELECT setseed(CAST(getvariable('seed') AS DOUBLE) / 1000);
COPY (
    SELECT
        CASE WHEN i % 100000 = 7 THEN i - 1 ELSE i END AS id,
        CASE WHEN i % 50000 = 3 THEN NULL ELSE i % 1000003 END AS customer_id,
        CASE WHEN i % 70000 = 5 THEN NULL
             WHEN i % 90000 = 11 THEN 'user' || i || '-at-example'
             ELSE 'user' || i || '@example.com' END AS email,
        CASE WHEN i % 80000 = 13 THEN 150 ELSE 18 + (i % 60) END AS age,
        CASE WHEN i % 60000 = 17 THEN 'unknown'
             ELSE ['active', 'inactive', 'pending'][1 + (i % 3)] END AS status,
        CASE WHEN i % 40000 = 19 THEN -1.0 ELSE round(random() * 500, 2) END AS amount,
        TIMESTAMP '2026-01-01' + to_seconds(i % 20000000) AS created_at
    FROM range(CAST(getvariable('rows') AS BIGINT)) AS t(i)
) TO 'events.parquet' (FORMAT parquet);
