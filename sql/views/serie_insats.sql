-- Series over every computed year, one row per year × insats: the year's own figures from
-- insats and brukare_insats (so kpb jamfor's pairs and these series agree), and in fixed
-- prices of the latest year by the [jamfor] index of kpb.toml. {temp}: TEMP or empty;
-- {index}: a query of (ar, num, den), each year's index as an exact fraction (no rows: the
-- fixed-price columns are empty). Ratios are exact integer quotients rounded half away from
-- zero, never through a float; a direct pool's kr per invoiced krona has no fixed price.
CREATE OR REPLACE {temp} VIEW serie_insats AS
WITH idx(ar, num, den) AS ({index}),
per_year AS (
    SELECT ar, insats, any_value(namn) AS namn, any_value(enhet) AS enhet,
           CAST(sum(kostnad) * 100 AS HUGEINT) AS ore, CAST(sum(volym) * 1000 AS HUGEINT) AS milli
    FROM insats_alla_ar GROUP BY ar, insats),
persons AS (
    SELECT ar, insats, count(DISTINCT person_id) AS brukare
    FROM brukare_insats_alla_ar WHERE kostnad <> 0 GROUP BY ar, insats),
priced AS (
    SELECT p.*, t.num * f.den AS fast_num, t.den * f.num AS fast_den
    FROM per_year p
    LEFT JOIN idx f ON f.ar = p.ar
    LEFT JOIN idx t ON t.ar = (SELECT max(ar) FROM insats_alla_ar)),
fixed AS (
    SELECT *, sign(ore * fast_num) * ((2 * abs(ore * fast_num) + fast_den) // (2 * fast_den))
              AS fast_ore
    FROM priced)
SELECT f.ar, f.insats, f.namn, f.enhet,
       CAST(CAST(f.ore AS DECIMAL(38, 0)) * 0.01 AS DECIMAL(18, 2)) AS kostnad,
       CAST(CAST(f.fast_ore AS DECIMAL(38, 0)) * 0.01 AS DECIMAL(18, 2)) AS kostnad_fast,
       CAST(CAST(f.milli AS DECIMAL(38, 0)) * 0.001 AS DECIMAL(18, 3)) AS volym,
       coalesce(b.brukare, 0) AS brukare,
       CASE WHEN f.milli <> 0 THEN CAST(CAST(sign(f.ore * f.milli) * ((2 * abs(f.ore) * 100000
            + abs(f.milli)) // (2 * abs(f.milli))) AS DECIMAL(38, 0)) * 0.0001 AS DECIMAL(18, 4))
            END AS styckkostnad,
       CASE WHEN f.milli <> 0 AND f.enhet <> 'kronor' THEN CAST(CAST(sign(f.fast_ore * f.milli) * ((2 * abs(f.fast_ore)
            * 100000 + abs(f.milli)) // (2 * abs(f.milli))) AS DECIMAL(38, 0)) * 0.0001
            AS DECIMAL(18, 4)) END AS styckkostnad_fast
FROM fixed f LEFT JOIN persons b ON b.ar = f.ar AND b.insats = f.insats
ORDER BY f.insats, f.ar;
