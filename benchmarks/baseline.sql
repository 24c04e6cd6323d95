-- Baseline: the core KPB allocation kernel as one plain DuckDB query.
-- Inputs: aktivitet (the loaded table in kpb.duckdb), pool_match(pool, insats, utforare,
-- enhet) from the rules (utforare NULL = any) and pool_pris(pool, insats, belopp_ore): the
-- amount of each operating pool × insats after overhead. Output: one row per person × insats
-- × pool with the person's exact share in öre (largest remainder, ties by person_id).
WITH bounds AS (
    SELECT make_date(getvariable('ar'), 1, 1) AS first_day,
           make_date(getvariable('ar'), 12, 31) AS last_day
),
matched AS (
    SELECT a.person_id, a.insats, m.pool, m.enhet, a.timmar_milli, a.antal_milli,
           greatest(a."from", b.first_day) AS d0,
           least(coalesce(a.tom, b.last_day), b.last_day) AS d1
    FROM aktivitet a
    JOIN pool_match m ON a.insats = m.insats AND (m.utforare IS NULL OR a.utforare = m.utforare)
    CROSS JOIN bounds b
    WHERE a.ar = getvariable('ar')
),
summed AS (          -- timmar and antal: sums of exact milli-units
    SELECT person_id, insats, pool,
           sum(CASE WHEN enhet = 'timmar' THEN timmar_milli ELSE antal_milli END)::HUGEINT AS w
    FROM matched WHERE enhet IN ('timmar', 'antal')
    GROUP BY ALL
),
ordered AS (         -- dygn: overlapping ranges of a person and pool are merged
    SELECT person_id, insats, pool, d0, d1,
           max(d1) OVER (PARTITION BY person_id, insats, pool ORDER BY d0, d1
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached
    FROM matched WHERE enhet = 'dygn' AND d1 >= d0
),
islands AS (
    SELECT *, sum(CASE WHEN reached IS NULL OR d0 > reached THEN 1 ELSE 0 END)
                  OVER (PARTITION BY person_id, insats, pool ORDER BY d0, d1) AS island
    FROM ordered
),
days AS (
    SELECT person_id, insats, pool, sum(span)::HUGEINT AS w
    FROM (SELECT person_id, insats, pool, date_diff('day', min(d0), max(d1)) + 1 AS span
          FROM islands GROUP BY person_id, insats, pool, island)
    GROUP BY ALL
),
months AS (          -- manader: distinct calendar months touched
    SELECT person_id, insats, pool, count(DISTINCT m)::HUGEINT AS w
    FROM (SELECT person_id, insats, pool,
                 unnest(generate_series(date_trunc('month', d0), d1, INTERVAL 1 MONTH)) AS m
          FROM matched WHERE enhet = 'manader' AND d1 >= d0)
    GROUP BY ALL
),
volumes AS (
    SELECT * FROM summed UNION ALL SELECT * FROM days UNION ALL SELECT * FROM months
),
shares AS (
    SELECT v.person_id, v.insats, v.pool, p.belopp_ore,
           p.belopp_ore::HUGEINT * v.w AS numerator,
           sum(v.w) OVER (PARTITION BY v.pool, v.insats) AS denominator
    FROM volumes v JOIN pool_pris p ON v.pool = p.pool AND v.insats = p.insats
),
floors AS (
    SELECT *, numerator // denominator AS floor_ore, numerator % denominator AS remainder
    FROM shares
),
ranked AS (
    SELECT *, belopp_ore - sum(floor_ore) OVER (PARTITION BY pool, insats) AS left_over,
           row_number() OVER (PARTITION BY pool, insats
                              ORDER BY remainder DESC, person_id) AS place
    FROM floors
)
SELECT person_id, insats, pool,
       (floor_ore + CASE WHEN place <= left_over THEN 1 ELSE 0 END)::BIGINT AS kostnad_ore
FROM ranked
ORDER BY person_id, insats, pool
