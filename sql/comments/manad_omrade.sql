-- kpb uppfoljning: one row per month × område (formats.md §10).
COMMENT ON VIEW manad_omrade IS 'Kostnad och brukare per område och månad';
COMMENT ON COLUMN manad_omrade.ar IS 'Verksamhetsåret';
COMMENT ON COLUMN manad_omrade.delar IS 'Sant när huvudboken slutar före december (delår)';
COMMENT ON COLUMN manad_omrade.manad IS 'Månad 1-12';
COMMENT ON COLUMN manad_omrade.omrade IS 'Område';
COMMENT ON COLUMN manad_omrade.kostnad IS 'Månadens kostnad (kr)';
COMMENT ON COLUMN manad_omrade.kostnad_hittills IS 'Kostnad från januari till och med månaden (kr)';
COMMENT ON COLUMN manad_omrade.brukare IS 'Personer med volym i någon av områdets insatser i månaden';
COMMENT ON COLUMN manad_omrade.kostnad_per_brukare IS 'Månadens kostnad per brukare (kr)';
COMMENT ON COLUMN manad_omrade.kostnad_per_invanare IS 'Månadens kostnad per invånare (kr, invanare i kpb.toml)';
