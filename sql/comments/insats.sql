-- One row per insats × pool: volume, cost and styckkostnad.
COMMENT ON VIEW insats IS 'Styckkostnad per insats och pool';
COMMENT ON COLUMN insats.ar IS 'Verksamhetsår';
COMMENT ON COLUMN insats.insats IS 'Insatskod i regelfilens katalog';
COMMENT ON COLUMN insats.namn IS 'Insatsens namn i regelfilens katalog (namn)';
COMMENT ON COLUMN insats.pool IS 'Kostnadspool';
COMMENT ON COLUMN insats.enhet IS 'Volymenhet';
COMMENT ON COLUMN insats.volym IS 'Total volym i poolen';
COMMENT ON COLUMN insats.kostnad IS 'Kostnad efter gemensamma kostnader, i kronor';
COMMENT ON COLUMN insats.styckkostnad IS 'Kostnad per volymenhet (kr), avrundad för visning; kostnader räknas aldrig som pris × volym';
COMMENT ON COLUMN insats.antal_brukare IS 'Antal personer med volym';
COMMENT ON COLUMN insats.rapportenhet IS 'Rapportenhet där poolen har en rapportvolym i regelfilen (t.ex. vårddygn, beviljad timme); tomt annars';
COMMENT ON COLUMN insats.rapportvolym IS 'Rapportvolym: aktivitetsrader räknade i rapportenheten (koder översatta som i volymerna), vid poolens utförare';
COMMENT ON COLUMN insats.kostnad_per_rapportenhet IS 'Kostnad ÷ rapportvolym (kr per rapportenhet, t.ex. kr/vårddygn), avrundad för visning';
