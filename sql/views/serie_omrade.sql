-- Series over every computed year, one row per year × område (the insats catalogue's område
-- in brukare_insats): cost, persons with a cost, cost per brukare, also in fixed prices of
-- the latest year by the [jamfor] index. Placeholders as in serie_insats.sql.
CREATE OR REPLACE {temp} VIEW serie_omrade AS
WITH idx(ar, num, den) AS ({index}),
per_year AS (
    SELECT ar, omrade, CAST(sum(kostnad) * 100 AS HUGEINT) AS ore,
           count(DISTINCT person_id) FILTER (WHERE kostnad <> 0) AS brukare
    FROM brukare_insats_alla_ar GROUP BY ar, omrade),
priced AS (
    SELECT p.*, t.num * f.den AS fast_num, t.den * f.num AS fast_den
    FROM per_year p
    LEFT JOIN idx f ON f.ar = p.ar
    LEFT JOIN idx t ON t.ar = (SELECT max(ar) FROM brukare_insats_alla_ar)),
fixed AS (
    SELECT *, sign(ore * fast_num) * ((2 * abs(ore * fast_num) + fast_den) // (2 * fast_den))
              AS fast_ore
    FROM priced)
SELECT ar, omrade,
       CAST(CAST(ore AS DECIMAL(38, 0)) * 0.01 AS DECIMAL(18, 2)) AS kostnad,
       CAST(CAST(fast_ore AS DECIMAL(38, 0)) * 0.01 AS DECIMAL(18, 2)) AS kostnad_fast,
       brukare,
       CASE WHEN brukare > 0 THEN CAST(CAST(sign(ore) * ((2 * abs(ore) + brukare)
            // (2 * brukare)) AS DECIMAL(38, 0)) * 0.01 AS DECIMAL(18, 2)) END
            AS kostnad_per_brukare,
       CASE WHEN brukare > 0 THEN CAST(CAST(sign(fast_ore) * ((2 * abs(fast_ore) + brukare)
            // (2 * brukare)) AS DECIMAL(38, 0)) * 0.01 AS DECIMAL(18, 2)) END
            AS kostnad_per_brukare_fast
FROM fixed ORDER BY omrade, ar;
