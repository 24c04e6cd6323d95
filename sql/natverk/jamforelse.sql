-- The comparison of one year (valt) across kommuner: per insats or område and figure, each
-- kommun's value, its rank (1 = lowest), the median and quartiles, the distance from the
-- median and the change since the kommun's latest earlier package (nominal, and in fixed
-- prices when prisindex holds both years). Runs unchanged in DuckDB and Spark SQL.
--
-- Integers only, so both engines give the same figures to the öre: varde is 1/100 kr (or
-- 1/10 000 of a share, skala 4); quartiles are the linear interpolation between the
-- closest ranks (type 7: position (n − 1)·k/4), computed as 4 × the value in integers and
-- rounded half away from zero; shares (fran_median_andel, forandring) are in 1/10 000.
-- "a rounded half away from zero over d" (d > 0) is written out as
-- CAST((2a + d − (2a + d) % 2d) / 2d AS BIGINT), where / is exact: the dividend is a
-- multiple of the divisor (below 2^53).
WITH varden AS (
    SELECT m.niva, m.kod, m.namn, m.omrade, m.enhet, m.matt, m.skala, m.kommun, m.ar, m.varde
    FROM matt m JOIN valt v ON m.ar = v.ar
),
rankade AS (
    SELECT varden.*,
           row_number() OVER (PARTITION BY niva, kod, omrade, enhet, matt ORDER BY varde, kommun) AS plats,
           rank() OVER (PARTITION BY niva, kod, omrade, enhet, matt ORDER BY varde) AS rang,
           count(*) OVER (PARTITION BY niva, kod, omrade, enhet, matt) AS kommuner
    FROM varden
),
lagen AS (
    SELECT rankade.*,
           CAST((((kommuner - 1) * 1) - ((kommuner - 1) * 1) % 4) / 4 AS BIGINT) + 1 AS k1, ((kommuner - 1) * 1) % 4 AS r1,
           CAST((((kommuner - 1) * 2) - ((kommuner - 1) * 2) % 4) / 4 AS BIGINT) + 1 AS k2, ((kommuner - 1) * 2) % 4 AS r2,
           CAST((((kommuner - 1) * 3) - ((kommuner - 1) * 3) % 4) / 4 AS BIGINT) + 1 AS k3, ((kommuner - 1) * 3) % 4 AS r3
    FROM rankade
),
grupper AS (
    SELECT niva, kod, omrade, enhet, matt,
           max(CASE WHEN plats = k1 THEN varde END) AS a1,
           max(CASE WHEN plats = k1 + 1 THEN varde END) AS b1, max(r1) AS r1,
           max(CASE WHEN plats = k2 THEN varde END) AS a2,
           max(CASE WHEN plats = k2 + 1 THEN varde END) AS b2, max(r2) AS r2,
           max(CASE WHEN plats = k3 THEN varde END) AS a3,
           max(CASE WHEN plats = k3 + 1 THEN varde END) AS b3, max(r3) AS r3
    FROM lagen
    GROUP BY niva, kod, omrade, enhet, matt
),
fyrdubbla AS (
    SELECT niva, kod, omrade, enhet, matt,
           4 * a1 + r1 * (coalesce(b1, a1) - a1) AS q1,
           4 * a2 + r2 * (coalesce(b2, a2) - a2) AS q2,
           4 * a3 + r3 * (coalesce(b3, a3) - a3) AS q3
    FROM grupper
),
statistik AS (
    SELECT niva, kod, omrade, enhet, matt,
           CASE WHEN (q1) >= 0
         THEN CAST((2 * (q1) + 4 - (2 * (q1) + 4) % (2 * 4)) / (2 * 4) AS BIGINT)
         ELSE -CAST((-2 * (q1) + 4 - (-2 * (q1) + 4) % (2 * 4)) / (2 * 4) AS BIGINT) END AS kvartil1,
           CASE WHEN (q2) >= 0
         THEN CAST((2 * (q2) + 4 - (2 * (q2) + 4) % (2 * 4)) / (2 * 4) AS BIGINT)
         ELSE -CAST((-2 * (q2) + 4 - (-2 * (q2) + 4) % (2 * 4)) / (2 * 4) AS BIGINT) END AS median,
           CASE WHEN (q3) >= 0
         THEN CAST((2 * (q3) + 4 - (2 * (q3) + 4) % (2 * 4)) / (2 * 4) AS BIGINT)
         ELSE -CAST((-2 * (q3) + 4 - (-2 * (q3) + 4) % (2 * 4)) / (2 * 4) AS BIGINT) END AS kvartil3
    FROM fyrdubbla
),
tidigare AS (
    SELECT m.niva, m.kod, m.omrade, m.enhet, m.matt, m.skala, m.kommun, m.ar AS ar_tidigare,
           m.varde AS varde_tidigare,
           row_number() OVER (PARTITION BY m.niva, m.kod, m.omrade, m.enhet, m.matt, m.kommun
                              ORDER BY m.ar DESC) AS nr
    FROM matt m JOIN valt v ON m.ar < v.ar
),
senast AS (
    SELECT t.niva, t.kod, t.omrade, t.enhet, t.matt, t.kommun, t.ar_tidigare, t.varde_tidigare,
           CASE WHEN t.skala = 2 AND pf.index_milli > 0 AND pt.index_milli > 0
                THEN CASE WHEN (t.varde_tidigare * pt.index_milli) >= 0
         THEN CAST((2 * (t.varde_tidigare * pt.index_milli) + pf.index_milli - (2 * (t.varde_tidigare * pt.index_milli) + pf.index_milli) % (2 * pf.index_milli)) / (2 * pf.index_milli) AS BIGINT)
         ELSE -CAST((-2 * (t.varde_tidigare * pt.index_milli) + pf.index_milli - (-2 * (t.varde_tidigare * pt.index_milli) + pf.index_milli) % (2 * pf.index_milli)) / (2 * pf.index_milli) AS BIGINT) END
           END AS varde_tidigare_fast
    FROM tidigare t
    CROSS JOIN valt v
    LEFT JOIN prisindex pf ON pf.ar = t.ar_tidigare
    LEFT JOIN prisindex pt ON pt.ar = v.ar
    WHERE t.nr = 1
)
SELECT r.niva, r.kod, r.namn, r.omrade, r.enhet, r.matt, r.skala, r.ar, r.kommun, r.varde,
       r.rang, r.kommuner, s.median, s.kvartil1, s.kvartil3,
       r.varde - s.median AS fran_median,
       CASE WHEN s.median > 0
            THEN CASE WHEN ((r.varde - s.median) * 10000) >= 0
         THEN CAST((2 * ((r.varde - s.median) * 10000) + s.median - (2 * ((r.varde - s.median) * 10000) + s.median) % (2 * s.median)) / (2 * s.median) AS BIGINT)
         ELSE -CAST((-2 * ((r.varde - s.median) * 10000) + s.median - (-2 * ((r.varde - s.median) * 10000) + s.median) % (2 * s.median)) / (2 * s.median) AS BIGINT) END
       END AS fran_median_andel,
       p.ar_tidigare, p.varde_tidigare, p.varde_tidigare_fast,
       CASE WHEN p.varde_tidigare > 0
            THEN CASE WHEN ((r.varde - p.varde_tidigare) * 10000) >= 0
         THEN CAST((2 * ((r.varde - p.varde_tidigare) * 10000) + p.varde_tidigare - (2 * ((r.varde - p.varde_tidigare) * 10000) + p.varde_tidigare) % (2 * p.varde_tidigare)) / (2 * p.varde_tidigare) AS BIGINT)
         ELSE -CAST((-2 * ((r.varde - p.varde_tidigare) * 10000) + p.varde_tidigare - (-2 * ((r.varde - p.varde_tidigare) * 10000) + p.varde_tidigare) % (2 * p.varde_tidigare)) / (2 * p.varde_tidigare) AS BIGINT) END
       END AS forandring,
       CASE WHEN p.varde_tidigare_fast > 0
            THEN CASE WHEN ((r.varde - p.varde_tidigare_fast) * 10000) >= 0
         THEN CAST((2 * ((r.varde - p.varde_tidigare_fast) * 10000) + p.varde_tidigare_fast - (2 * ((r.varde - p.varde_tidigare_fast) * 10000) + p.varde_tidigare_fast) % (2 * p.varde_tidigare_fast)) / (2 * p.varde_tidigare_fast) AS BIGINT)
         ELSE -CAST((-2 * ((r.varde - p.varde_tidigare_fast) * 10000) + p.varde_tidigare_fast - (-2 * ((r.varde - p.varde_tidigare_fast) * 10000) + p.varde_tidigare_fast) % (2 * p.varde_tidigare_fast)) / (2 * p.varde_tidigare_fast) AS BIGINT) END
       END AS forandring_fast
FROM rankade r
JOIN statistik s
  ON s.niva = r.niva AND s.kod = r.kod AND s.omrade = r.omrade AND s.enhet = r.enhet
 AND s.matt = r.matt
LEFT JOIN senast p
  ON p.niva = r.niva AND p.kod = r.kod AND p.omrade = r.omrade AND p.enhet = r.enhet
 AND p.matt = r.matt AND p.kommun = r.kommun
ORDER BY r.niva, r.kod, r.omrade, r.enhet, r.matt, r.rang, r.kommun
