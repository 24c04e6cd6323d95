-- One row per household × insats: what the members' insatser cost.
COMMENT ON VIEW hushall_insats IS 'Kostnad per hushåll och insats';
COMMENT ON COLUMN hushall_insats.ar IS 'Verksamhetsår';
COMMENT ON COLUMN hushall_insats.hushall IS 'Pseudonym för hushållet (HMAC av hushållsid)';
COMMENT ON COLUMN hushall_insats.insats IS 'Insatskod';
COMMENT ON COLUMN hushall_insats.antal_medlemmar IS 'Antal medlemmar som haft insatsen';
COMMENT ON COLUMN hushall_insats.kostnad IS 'Medlemmarnas kostnad för insatsen, i kronor';
