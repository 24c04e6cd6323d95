-- One row per ledger row: which pool and which rule took it.
COMMENT ON VIEW ledger_pool IS 'Varje huvudboksrad och den pool (regel) som tog den';
COMMENT ON COLUMN ledger_pool.ar IS 'Verksamhetsår';
COMMENT ON COLUMN ledger_pool.kalla_fil IS 'Exportfil raden kom från (relativt projektmappen)';
COMMENT ON COLUMN ledger_pool.kalla_rad IS 'Radnummer i filen';
COMMENT ON COLUMN ledger_pool.konto IS 'Radens konto (kontoklass = första siffran)';
COMMENT ON COLUMN ledger_pool.ansvar IS 'Radens ansvar';
COMMENT ON COLUMN ledger_pool.pool IS 'Pool som raden hamnade i';
COMMENT ON COLUMN ledger_pool.regel IS 'Regeln (pool och mönster) som matchade';
COMMENT ON COLUMN ledger_pool.belopp IS 'Radens belopp i kronor';
