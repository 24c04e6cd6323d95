-- One row per overhead flow: from which pool to which, with what key value and amount.
COMMENT ON VIEW fordelning IS 'Fördelning av gemensamma kostnader mellan pooler';
COMMENT ON COLUMN fordelning.ar IS 'Verksamhetsår';
COMMENT ON COLUMN fordelning.fran_pool IS 'Gemensam pool som fördelar';
COMMENT ON COLUMN fordelning.till_pool IS 'Mottagande pool';
COMMENT ON COLUMN fordelning.nyckelvarde IS 'Mottagarens nyckelvärde (andel, m², personalkostnad ...)';
COMMENT ON COLUMN fordelning.belopp IS 'Fördelat belopp i kronor';
