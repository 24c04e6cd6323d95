-- The network's figures in long form: one row per kommun, year and figure. Read by DuckDB
-- and by Spark SQL unchanged (kpb/network/engines.py registers the views paket, insats and
-- omrade over the packages, and valt and prisindex). varde is an integer in 1/100 (skala 2:
-- kronor to the öre) or 1/10 000 (skala 4: shares), so every engine computes the same.
-- Only the rows for all ages (aldersgrupp 'alla') that are published (not skyddad) count.
-- A direct pool's kronor per invoiced krona is a control figure, never a unit cost: it is
-- not compared (its kr per rapportenhet, e.g. kr/vårddygn, is).
SELECT 'insats' AS niva, katalogkod AS kod, namn, coalesce(omrade, '') AS omrade, enhet, 'kostnad_per_enhet' AS matt,
       2 AS skala, kommun, ar, CAST(kostnad_per_enhet * 100 AS BIGINT) AS varde
FROM insats
WHERE aldersgrupp = 'alla' AND NOT skyddad AND kostnad_per_enhet IS NOT NULL
  AND enhet <> 'kronor'
UNION ALL
SELECT 'insats', katalogkod, namn, coalesce(omrade, ''), enhet, 'kostnad_per_invanare', 2, kommun, ar,
       CAST(kostnad_per_invanare * 100 AS BIGINT)
FROM insats
WHERE aldersgrupp = 'alla' AND NOT skyddad AND kostnad_per_invanare IS NOT NULL
UNION ALL
SELECT 'insats', katalogkod, namn, coalesce(omrade, ''), rapportenhet, 'kostnad_per_rapportenhet', 2, kommun,
       ar, CAST(kostnad_per_rapportenhet * 100 AS BIGINT)
FROM insats
WHERE aldersgrupp = 'alla' AND NOT skyddad AND kostnad_per_rapportenhet IS NOT NULL
UNION ALL
SELECT 'omrade', omrade, omrade, omrade, '', 'kostnad_per_invanare', 2, kommun, ar,
       CAST(kostnad_per_invanare * 100 AS BIGINT)
FROM omrade
WHERE aldersgrupp = 'alla' AND NOT skyddad AND kostnad_per_invanare IS NOT NULL
UNION ALL
SELECT 'omrade', omrade, omrade, omrade, '', 'kostnad_per_brukare', 2, kommun, ar,
       CAST(kostnad_per_brukare * 100 AS BIGINT)
FROM omrade
WHERE aldersgrupp = 'alla' AND NOT skyddad AND kostnad_per_brukare IS NOT NULL
UNION ALL
SELECT 'omrade', omrade, omrade, omrade, '', 'andel_dyraste_10', 4, kommun, ar,
       CAST(andel_dyraste_10 * 10000 AS BIGINT)
FROM omrade
WHERE aldersgrupp = 'alla' AND NOT skyddad AND andel_dyraste_10 IS NOT NULL
UNION ALL
SELECT 'omrade', omrade, omrade, omrade, '', 'gini', 4, kommun, ar, CAST(gini * 10000 AS BIGINT)
FROM omrade
WHERE aldersgrupp = 'alla' AND NOT skyddad AND gini IS NOT NULL
UNION ALL
SELECT 'omrade', omrade, omrade, omrade, '', 'ytterfall_andel_kostnad', 4, kommun, ar,
       CAST(ytterfall_andel_kostnad * 10000 AS BIGINT)
FROM omrade
WHERE aldersgrupp = 'alla' AND NOT skyddad AND ytterfall_andel_kostnad IS NOT NULL
