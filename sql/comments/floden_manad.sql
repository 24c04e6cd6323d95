-- kpb uppfoljning: one row per month × område × insats × age band (formats.md §10).
COMMENT ON VIEW floden_manad IS 'Brukare per månad: vid månadens början, nya, avslutade, vid slutet';
COMMENT ON COLUMN floden_manad.ar IS 'Verksamhetsåret';
COMMENT ON COLUMN floden_manad.delar IS 'Sant när huvudboken slutar före december (delår)';
COMMENT ON COLUMN floden_manad.manad IS 'Månad 1-12';
COMMENT ON COLUMN floden_manad.omrade IS 'Område';
COMMENT ON COLUMN floden_manad.insats IS 'Insatskod; tom (NULL) = området som helhet, varje person en gång';
COMMENT ON COLUMN floden_manad.aldersgrupp IS 'Åldersgrupp (områdets egna i [uppfoljning], annars 0-19, 20-64, 65-79, 80+)';
COMMENT ON COLUMN floden_manad.vid_borjan IS 'Personer med insatsen öppen månadens första dag';
COMMENT ON COLUMN floden_manad.nya IS 'Brukare i månaden utan volym de N månaderna före (NULL: månaderna före finns inte i data)';
COMMENT ON COLUMN floden_manad.avslutade IS 'Brukare i månaden utan volym de N månaderna efter (NULL: månaderna efter finns inte i data)';
COMMENT ON COLUMN floden_manad.vid_slut IS 'Personer med insatsen öppen månadens sista dag';
COMMENT ON COLUMN floden_manad.brukare IS 'Personer med volym i månaden';
