-- One row per brukare: the person's total KPB cost.
COMMENT ON VIEW brukare IS 'Kostnad per brukare (en rad per person och år)';
COMMENT ON COLUMN brukare.ar IS 'Verksamhetsår';
COMMENT ON COLUMN brukare.person_id IS 'Pseudonym (HMAC-SHA-256 av personnumret)';
COMMENT ON COLUMN brukare.kon IS 'Kön enligt personnumret: K eller M (tom om okänt)';
COMMENT ON COLUMN brukare.alder IS 'Ålder den 31 december verksamhetsåret';
COMMENT ON COLUMN brukare.aldersgrupp IS 'Åldersgrupp: 0-19, 20-64, 65-79, 80+';
COMMENT ON COLUMN brukare.omrade IS 'Område för den insats som bär störst del av personens kostnad';
COMMENT ON COLUMN brukare.kostnad IS 'Personens totala KPB-kostnad i kronor';
COMMENT ON COLUMN brukare.antal_insatser IS 'Antal olika insatser personen haft';
COMMENT ON COLUMN brukare.insatskombination IS 'Personens insatser, sorterade och sammanfogade med +';
