-- Kolada values of comparison municipalities beside kpb's own figures (kpb.report.kolada).
COMMENT ON VIEW kolada IS 'Jämförelsekommuner: Kolada-värden bredvid kpb:s egna nyckeltal';
COMMENT ON COLUMN kolada.ar IS 'Verksamhetsår';
COMMENT ON COLUMN kolada.kpi IS 'Kolada-nyckeltalets id';
COMMENT ON COLUMN kolada.nyckeltal IS 'kpb:s nyckeltal som Kolada-värdet ställs bredvid (enligt kpb.toml [kolada])';
COMMENT ON COLUMN kolada.kommun IS 'Kommunen som Kolada-värdet gäller';
COMMENT ON COLUMN kolada.egen_kommun IS 'Sant för den egna kommunen (kommun i kpb.toml)';
COMMENT ON COLUMN kolada.kpb_varde IS 'kpb:s eget värde för nyckeltalet, samma för alla rader av nyckeltalet';
COMMENT ON COLUMN kolada.kolada_varde IS 'Värdet i Kolada-filen (tomt om filen saknar nyckeltalet för året)';
