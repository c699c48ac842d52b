-- Data of bench/patterns, written into the current directory, deterministically from the variables
-- `rows` and `seed` (every value is a hash of (seed, salt, row)):
--   duckdb_run --var rows=20000000 --var seed=42 generate.sql
-- dim.parquet: a type-2 customer dimension as the dimension pattern writes it: `rows` customers,
--   one current version each (customer_sk = customer_id), loaded at 2026-01-01.
-- customers.parquet: the next full snapshot of the source: the same customers, 5% of them (ids
--   divisible by 20) with a changed city: the SCD2 update closes and adds those versions.
-- target.parquet: `rows` rows keyed by id, the merge target.
-- changes.parquet: 5% of the target's keys, spread over the whole key range (ids divisible by 20
--   below rows // 2 are updates, and as many new ids above rows), for the upsert.
SET preserve_insertion_order = true;
SET VARIABLE row_count = getvariable('rows')::BIGINT;
SET VARIABLE seed_value = getvariable('seed')::BIGINT;

CREATE MACRO city(i, salt) AS ['Amsterdam', 'Berlin', 'Chicago', 'Delhi', 'Lagos', 'Lima', 'Oslo', 'Perth',
                               'Quito', 'Seoul'][1 + (hash(getvariable('seed_value'), salt, i) % 10)::INTEGER];
CREATE MACRO tier(i) AS ['Bronze', 'Silver', 'Gold'][1 + (hash(getvariable('seed_value'), 3, i) % 3)::INTEGER];

COPY (
    SELECT range + 1 AS customer_id,
           'customer ' || (range + 1) AS name,
           city(range, 1) AS city,
           tier(range) AS tier,
           range + 1 AS customer_sk,
           TIMESTAMP '2026-01-01 00:00:00' AS valid_from,
           CAST(NULL AS TIMESTAMP) AS valid_to,
           true AS is_current,
           TIMESTAMP '2026-01-01 00:00:00' AS load_timestamp
    FROM range(getvariable('row_count'))
) TO 'dim.parquet' (FORMAT parquet);

COPY (
    SELECT range + 1 AS customer_id,
           'customer ' || (range + 1) AS name,
           CASE WHEN (range + 1) % 20 = 0 THEN city(range, 2) || ' (moved)' ELSE city(range, 1) END AS city,
           tier(range) AS tier
    FROM range(getvariable('row_count'))
) TO 'customers.parquet' (FORMAT parquet);

COPY (
    SELECT range + 1 AS id,
           hash(getvariable('seed_value'), 5, range) % 1000000 AS amount,
           'status ' || (hash(getvariable('seed_value'), 6, range) % 7) AS status,
           TIMESTAMP '2026-01-01 00:00:00' + to_seconds((range % 86400)::BIGINT) AS updated_at
    FROM range(getvariable('row_count'))
) TO 'target.parquet' (FORMAT parquet);

COPY (
    SELECT CASE WHEN range % 2 = 0 THEN (range // 2 + 1) * 20 ELSE getvariable('row_count') + range END AS id,
           hash(getvariable('seed_value'), 7, range) % 1000000 AS amount,
           'changed' AS status,
           TIMESTAMP '2026-02-01 00:00:00' AS updated_at
    FROM range(getvariable('row_count') // 20)
) TO 'changes.parquet' (FORMAT parquet);
