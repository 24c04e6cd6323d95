-- One row per brukare × insats × pool: what each person cost, and on what volume.
COMMENT ON VIEW brukare_insats IS 'Kostnad per brukare, insats och pool (en rad per person × insats × pool)';
COMMENT ON COLUMN brukare_insats.ar IS 'Verksamhetsår';
COMMENT ON COLUMN brukare_insats.person_id IS 'Pseudonym (HMAC-SHA-256 av personnumret), aldrig personnumret';
COMMENT ON COLUMN brukare_insats.insats IS 'Insatskod enligt reglernas insatskatalog';
COMMENT ON COLUMN brukare_insats.pool IS 'Kostnadspool som kostnaden kommer från';
COMMENT ON COLUMN brukare_insats.omrade IS 'Verksamhetsområde (ÄO, LSS, BUF, VUX, EB, AMI ...)';
COMMENT ON COLUMN brukare_insats.enhet IS 'Volymenhet: timmar, dygn, manader, antal eller kronor';
COMMENT ON COLUMN brukare_insats.volym IS 'Personens volym i poolen, i enheten';
COMMENT ON COLUMN brukare_insats.kostnad IS 'Kostnad i kronor, exakt på öret (största-rest-metoden)';
COMMENT ON COLUMN brukare_insats.kalla IS 'fordelad (andel av poolen efter volym) eller direkt (egna belopp)';
