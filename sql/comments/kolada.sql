-- Kolada values of comparison municipalities beside kpb's own figures (kpb.analyse.kolada).
COMMENT ON VIEW kolada IS 'Jämförelsekommuner: Kolada-värden bredvid kpb:s egna nyckeltal';
COMMENT ON COLUMN kolada.ar IS 'Verksamhetsår';
COMMENT ON COLUMN kolada.kpi IS 'Kolada-nyckeltalets id';
COMMENT ON COLUMN kolada.titel IS 'Kolada-nyckeltalets titel ur kpb:s katalog (tomt för ett nyckeltal utanför katalogen)';
COMMENT ON COLUMN kolada.enhet IS 'Enheten båda värdena har, t.ex. kr/vårddygn eller kr/inv 0–20';
COMMENT ON COLUMN kolada.begrepp IS 'Kostnadsbegrepp: kostnad, utbetalt bistånd, andel personer, andel hushåll, antal personer';
COMMENT ON COLUMN kolada.nyckeltal IS 'kpb:s nyckeltal som Kolada-värdet ställs bredvid (enligt kpb.toml [kolada])';
COMMENT ON COLUMN kolada.kommun IS 'Kommunen som Kolada-värdet gäller';
COMMENT ON COLUMN kolada.egen_kommun IS 'Sant för den egna kommunen (kommun i kpb.toml)';
COMMENT ON COLUMN kolada.kpb_varde IS 'kpb:s eget värde för nyckeltalet, samma för alla rader av nyckeltalet';
COMMENT ON COLUMN kolada.kolada_varde IS 'Värdet i Kolada-filen (tomt om filen saknar nyckeltalet för året)';
