-- kpb uppfoljning: one row per month × insats (formats.md §10).
COMMENT ON VIEW manad_insats IS 'Kostnad och volym per insats och månad; månaderna summerar till årets insats-kostnad';
COMMENT ON COLUMN manad_insats.ar IS 'Verksamhetsåret';
COMMENT ON COLUMN manad_insats.delar IS 'Sant när huvudboken slutar före december (delår)';
COMMENT ON COLUMN manad_insats.manad IS 'Månad 1-12';
COMMENT ON COLUMN manad_insats.omrade IS 'Område (ÄO, BUF, EB, ...)';
COMMENT ON COLUMN manad_insats.insats IS 'Insatskod';
COMMENT ON COLUMN manad_insats.namn IS 'Insatsens namn';
COMMENT ON COLUMN manad_insats.enhet IS 'Volymenhet: timmar, dygn, manader, antal, kronor';
COMMENT ON COLUMN manad_insats.kostnad IS 'Månadens kostnad (kr): hittills i år minus hittills förra månaden';
COMMENT ON COLUMN manad_insats.kostnad_hittills IS 'Kostnad från januari till och med månaden (kr)';
COMMENT ON COLUMN manad_insats.volym IS 'Volym i månaden i insatsens enhet';
COMMENT ON COLUMN manad_insats.brukare IS 'Personer med volym i månaden';
COMMENT ON COLUMN manad_insats.styckkostnad IS 'Kostnad per enhet i månaden (kr)';
COMMENT ON COLUMN manad_insats.rapport_enhet IS 'Rapportenhet för direktpooler (t.ex. vårddygn)';
COMMENT ON COLUMN manad_insats.rapport_volym IS 'Volym i rapportenheten i månaden';
COMMENT ON COLUMN manad_insats.kostnad_per_rapportenhet IS 'Kostnad per rapportenhet i månaden (kr)';
