-- kpb jamfor: one row per insats, styckkostnad in the earlier and the later KPB year.
COMMENT ON VIEW jamfor_styckkostnad IS 'Styckkostnad per insats, ett KPB-år mot ett tidigare (kpb jamfor)';
COMMENT ON COLUMN jamfor_styckkostnad.ar_fran IS 'Det tidigare KPB-året';
COMMENT ON COLUMN jamfor_styckkostnad.ar_till IS 'Det senare KPB-året';
COMMENT ON COLUMN jamfor_styckkostnad.insats IS 'Insatskod';
COMMENT ON COLUMN jamfor_styckkostnad.enhet_fran IS 'Enheten insatsen jämförs i det tidigare året: rapportenheten där insatsens pooler har en (t.ex. vårddygn), annars insatsens enhet; tomt för kronor utan rapportvolym (ingen styckkostnad)';
COMMENT ON COLUMN jamfor_styckkostnad.enhet_till IS 'Enheten insatsen jämförs i det senare året';
COMMENT ON COLUMN jamfor_styckkostnad.volym_fran IS 'Volym i den jämförda enheten det tidigare året (summa över insatsens pooler)';
COMMENT ON COLUMN jamfor_styckkostnad.kostnad_fran IS 'Kostnad det tidigare året, löpande priser, i kronor';
COMMENT ON COLUMN jamfor_styckkostnad.volym_till IS 'Volym det senare året';
COMMENT ON COLUMN jamfor_styckkostnad.kostnad_till IS 'Kostnad det senare året, i kronor';
COMMENT ON COLUMN jamfor_styckkostnad.kostnad_fran_fast IS 'Det tidigare årets kostnad i det senare årets priser (prisindex i kpb.toml)';
COMMENT ON COLUMN jamfor_styckkostnad.prisindex IS 'Prisindexet raden räknats om med (insatsens eller områdets eget, annars standardindexet)';
COMMENT ON COLUMN jamfor_styckkostnad.styckkostnad_fran IS 'Kostnad per enhet det tidigare året (kr per enhet_fran); aldrig kronor per krona';
COMMENT ON COLUMN jamfor_styckkostnad.styckkostnad_fran_fast IS 'Det tidigare årets styckkostnad i det senare årets priser (kr)';
COMMENT ON COLUMN jamfor_styckkostnad.styckkostnad_till IS 'Kostnad per enhet det senare året (kr per enhet_till)';
COMMENT ON COLUMN jamfor_styckkostnad.forandring_nominell IS 'Förändring av styckkostnaden i löpande priser, som andel (0.1 = +10 %)';
COMMENT ON COLUMN jamfor_styckkostnad.forandring_fast IS 'Förändring av styckkostnaden i fasta priser, som andel (0.1 = +10 %)';
