-- kpb uppfoljning: ekonomiskt bistånd, one row per month × age band (formats.md §10).
COMMENT ON VIEW bistand_manad IS 'Ekonomiskt bistånd per månad: hushåll och vuxna med utbetalning, återaktualisering';
COMMENT ON COLUMN bistand_manad.ar IS 'Verksamhetsåret';
COMMENT ON COLUMN bistand_manad.delar IS 'Sant när huvudboken slutar före december (delår)';
COMMENT ON COLUMN bistand_manad.manad IS 'Månad 1-12 (utbetalningens period)';
COMMENT ON COLUMN bistand_manad.aldersgrupp IS 'Åldersgrupp: sökandens för hushållen, personens egen för vuxna';
COMMENT ON COLUMN bistand_manad.hushall IS 'Hushåll med utbetalning över 0 i månaden';
COMMENT ON COLUMN bistand_manad.vuxna IS 'Personer 18 år eller äldre med utbetalning över 0 i månaden';
COMMENT ON COLUMN bistand_manad.utbetalt IS 'Hushållens utbetalningar i månaden (kr)';
COMMENT ON COLUMN bistand_manad.lamnade IS 'Vuxna som fick bistånd i månaden men inte de N månaderna efter (NULL: data saknas)';
COMMENT ON COLUMN bistand_manad.ej_atervanda IS 'Av dem: utan bistånd de 12 månaderna efter (Kolada U31462)';
COMMENT ON COLUMN bistand_manad.andel_ej_atervanda IS 'ej_atervanda / lamnade';
