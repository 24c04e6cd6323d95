-- One row per cost pool: booked, overhead in and out, what reached brukare, what did not.
COMMENT ON VIEW pool IS 'Kostnadspooler: bokfört, gemensamma kostnader, till brukare och ofördelat';
COMMENT ON COLUMN pool.ar IS 'Verksamhetsår';
COMMENT ON COLUMN pool.pool IS 'Poolens namn i reglerna';
COMMENT ON COLUMN pool.typ IS 'verksamhet, gemensam, direkt, ej_brukar eller exkludera';
COMMENT ON COLUMN pool.bokfort IS 'Bokfört netto i huvudboken (kr)';
COMMENT ON COLUMN pool.erhallen_gemensam IS 'Gemensamma kostnader som poolen tagit emot (kr)';
COMMENT ON COLUMN pool.fordelad_gemensam IS 'Kostnad som poolen fördelat vidare som gemensam kostnad (kr)';
COMMENT ON COLUMN pool.att_fordela IS 'Poolens kostnad efter gemensamma kostnader (kr)';
COMMENT ON COLUMN pool.till_brukare IS 'Del som hamnat på brukare (kr)';
COMMENT ON COLUMN pool.ofordelat IS 'Del som inte kunnat knytas till brukare (kr), se avstamning för orsak';
