-- Arbetsmarknad outcomes: one row per participant × insats (kpb.report.effect).
COMMENT ON VIEW utfall_deltagare IS 'Utfall per deltagare och insats, med kostnad och bistånd före och efter';
COMMENT ON COLUMN utfall_deltagare.ar IS 'Verksamhetsår';
COMMENT ON COLUMN utfall_deltagare.person_id IS 'Pseudonym (HMAC-SHA-256 av personnumret)';
COMMENT ON COLUMN utfall_deltagare.insats IS 'Insatskod';
COMMENT ON COLUMN utfall_deltagare.utforare IS 'Utförare';
COMMENT ON COLUMN utfall_deltagare.start IS 'Startdatum';
COMMENT ON COLUMN utfall_deltagare.avslut IS 'Avslutsdatum, om avslutet föll under året';
COMMENT ON COLUMN utfall_deltagare.avslutsorsak IS 'Avslutsorsak som verksamhetssystemet skrev den';
COMMENT ON COLUMN utfall_deltagare.kategori IS 'Avslutsorsakens grupp enligt kpb.toml: arbete, studier, annan_insats, avbrott, ovrigt';
COMMENT ON COLUMN utfall_deltagare.kostnad IS 'Deltagarens KPB-kostnad för insatsen under året, i kronor';
COMMENT ON COLUMN utfall_deltagare.bistand_fore IS 'Bistånd under de sex kalendermånaderna före startmånaden (täckta månader), i kronor';
COMMENT ON COLUMN utfall_deltagare.manader_med_bistand_fore IS 'Månader med bistånd före start';
COMMENT ON COLUMN utfall_deltagare.tackta_manader_fore IS 'Månader av de sex före start som årets data täcker';
COMMENT ON COLUMN utfall_deltagare.bistand_efter IS 'Bistånd under de sex kalendermånaderna efter avslutsmånaden (täckta månader), i kronor';
COMMENT ON COLUMN utfall_deltagare.manader_med_bistand_efter IS 'Månader med bistånd efter avslut';
COMMENT ON COLUMN utfall_deltagare.tackta_manader_efter IS 'Månader av de sex efter avslut som årets data täcker';
