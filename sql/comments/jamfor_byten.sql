-- kpb jamfor: brukare in both years who left one insats and got another of the same område.
COMMENT ON VIEW jamfor_byten IS 'Byten mellan insatser inom samma område bland brukare som finns båda åren (t.ex. HVB → familjehem)';
COMMENT ON COLUMN jamfor_byten.ar_fran IS 'Det tidigare KPB-året';
COMMENT ON COLUMN jamfor_byten.ar_till IS 'Det senare KPB-året';
COMMENT ON COLUMN jamfor_byten.omrade IS 'Område';
COMMENT ON COLUMN jamfor_byten.insats_fran IS 'Insats det tidigare året som brukaren inte har det senare';
COMMENT ON COLUMN jamfor_byten.insats_till IS 'Insats det senare året som brukaren inte hade det tidigare';
COMMENT ON COLUMN jamfor_byten.brukare IS 'Antal brukare med bytet';
COMMENT ON COLUMN jamfor_byten.kostnad_fran IS 'Deras kostnad för insats_fran det tidigare året, i kronor';
COMMENT ON COLUMN jamfor_byten.kostnad_till IS 'Deras kostnad för insats_till det senare året, i kronor';
