-- kpb uppfoljning: one row per measuring day × område × insats × age band (formats.md §10).
COMMENT ON VIEW punkt IS 'Brukare med öppen insats en mätdag (den 15:e varje månad, eller --datum)';
COMMENT ON COLUMN punkt.ar IS 'Verksamhetsåret';
COMMENT ON COLUMN punkt.delar IS 'Sant när huvudboken slutar före december (delår)';
COMMENT ON COLUMN punkt.datum IS 'Mätdagen';
COMMENT ON COLUMN punkt.omrade IS 'Område';
COMMENT ON COLUMN punkt.insats IS 'Insatskod; tom (NULL) = området som helhet, varje person en gång';
COMMENT ON COLUMN punkt.aldersgrupp IS 'Åldersgrupp';
COMMENT ON COLUMN punkt.brukare IS 'Personer med insatsen öppen mätdagen';
