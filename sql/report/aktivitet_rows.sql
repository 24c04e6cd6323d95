-- The year's aktivitet rows of the given insats codes: the reporting volumes of direct pools
-- (rapportvolym in the rules). Parameters: $ar (year), $koder (list of insats codes).
select person_id, insats, "from", tom, timmar_milli, antal_milli
from aktivitet
where ar = $ar and list_contains($koder, insats)
