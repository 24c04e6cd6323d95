-- kpb jamfor: one row per insats, the brukare of the two years matched by pseudonym.
COMMENT ON VIEW jamfor_floden IS 'Brukarflöden per insats: nya, kvarstående och avslutade mellan två KPB-år';
COMMENT ON COLUMN jamfor_floden.ar_fran IS 'Det tidigare KPB-året';
COMMENT ON COLUMN jamfor_floden.ar_till IS 'Det senare KPB-året';
COMMENT ON COLUMN jamfor_floden.insats IS 'Insatskod';
COMMENT ON COLUMN jamfor_floden.brukare_fran IS 'Brukare med insatsen det tidigare året';
COMMENT ON COLUMN jamfor_floden.brukare_till IS 'Brukare med insatsen det senare året';
COMMENT ON COLUMN jamfor_floden.nya IS 'Brukare med insatsen det senare men inte det tidigare året';
COMMENT ON COLUMN jamfor_floden.kvarstaende IS 'Brukare med insatsen båda åren';
COMMENT ON COLUMN jamfor_floden.avslutade IS 'Brukare med insatsen det tidigare men inte det senare året';
