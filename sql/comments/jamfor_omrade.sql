-- kpb jamfor: one row per område, cost per brukare in the earlier and the later KPB year.
COMMENT ON VIEW jamfor_omrade IS 'Kostnad per brukare och område, ett KPB-år mot ett tidigare (kpb jamfor)';
COMMENT ON COLUMN jamfor_omrade.ar_fran IS 'Det tidigare KPB-året';
COMMENT ON COLUMN jamfor_omrade.ar_till IS 'Det senare KPB-året';
COMMENT ON COLUMN jamfor_omrade.omrade IS 'Område (ÄO, BUF, VUX, EB, AMI, ...)';
COMMENT ON COLUMN jamfor_omrade.brukare_fran IS 'Personer med kostnad i området det tidigare året';
COMMENT ON COLUMN jamfor_omrade.kostnad_fran IS 'Områdets kostnad på brukare det tidigare året, i kronor';
COMMENT ON COLUMN jamfor_omrade.brukare_till IS 'Personer med kostnad i området det senare året';
COMMENT ON COLUMN jamfor_omrade.kostnad_till IS 'Områdets kostnad på brukare det senare året, i kronor';
COMMENT ON COLUMN jamfor_omrade.kostnad_per_brukare_fran IS 'Kostnad per brukare det tidigare året (avrundad till hela ören)';
COMMENT ON COLUMN jamfor_omrade.kostnad_per_brukare_till IS 'Kostnad per brukare det senare året';
COMMENT ON COLUMN jamfor_omrade.kostnad_per_brukare_fran_fast IS 'Det tidigare årets kostnad per brukare i det senare årets priser';
COMMENT ON COLUMN jamfor_omrade.prisindex IS 'Prisindexet raden räknats om med (områdets eget, annars standardindexet)';
COMMENT ON COLUMN jamfor_omrade.forandring_nominell IS 'Förändring av kostnad per brukare i löpande priser, som andel';
COMMENT ON COLUMN jamfor_omrade.forandring_fast IS 'Förändring av kostnad per brukare i fasta priser, som andel';
