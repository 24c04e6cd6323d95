-- One row per ekonomiskt bistånd household: its members' person costs, ranked by total cost.
COMMENT ON VIEW hushall IS 'Kostnad per hushåll (en rad per hushåll och år), rangordnad efter total kostnad';
COMMENT ON COLUMN hushall.ar IS 'Verksamhetsår';
COMMENT ON COLUMN hushall.rang IS 'Plats i rangordningen efter total kostnad (1 = dyrast)';
COMMENT ON COLUMN hushall.hushall IS 'Pseudonym för hushållet (HMAC av hushållsid)';
COMMENT ON COLUMN hushall.antal_medlemmar IS 'Antal personer som räknas till hushållet (en person räknas i hushållet på sin senaste rad)';
COMMENT ON COLUMN hushall.bistand IS 'Medlemmarnas kostnad för ekonomiskt bistånd (utbetalt), i kronor';
COMMENT ON COLUMN hushall.handlaggning IS 'Medlemmarnas kostnad för handläggning av ekonomiskt bistånd, i kronor';
COMMENT ON COLUMN hushall.ovriga_insatser IS 'Medlemmarnas kostnad för alla andra insatser, i kronor';
COMMENT ON COLUMN hushall.kostnad IS 'Hushållets totala kostnad: bistånd + handläggning + övriga insatser';
COMMENT ON COLUMN hushall.manader_med_utbetalning IS 'Antal kalendermånader då hushållets utbetalningar av bistånd summerar över 0';
COMMENT ON COLUMN hushall.langvarigt_bistand IS 'Långvarigt bistånd: utbetalning minst [hushall] langvarigt_manader månader av årets 12 (Socialstyrelsen: 10)';
COMMENT ON COLUMN hushall.andel_av_bistand IS 'Hushållets andel av alla hushålls kostnad för ekonomiskt bistånd';
COMMENT ON COLUMN hushall.kumulativ_andel_av_bistand IS 'Andel av biståndet hos detta och alla dyrare hushåll i rangordningen';
