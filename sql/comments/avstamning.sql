-- The reconciliation: ledger total = Σ brukare + ej_brukar + ofördelat + exkluderat, to the öre.
COMMENT ON VIEW avstamning IS 'Avstämning: huvudbokens total = brukare + ej brukarbundet + ofördelat + exkluderat';
COMMENT ON COLUMN avstamning.ar IS 'Verksamhetsår';
COMMENT ON COLUMN avstamning.post IS 'Avstämningspost';
COMMENT ON COLUMN avstamning.pool IS 'Pool som posten gäller (tom för totaler)';
COMMENT ON COLUMN avstamning.orsak IS 'Orsak (för exkluderat och ofördelat)';
COMMENT ON COLUMN avstamning.belopp IS 'Belopp i kronor';
