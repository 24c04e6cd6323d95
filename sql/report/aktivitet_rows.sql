-- The year's aktivitet rows, for the reporting volumes of `kpb rapport` (kpb/report/volumes.py
-- maps their insats codes onto the catalogue before it counts). Parameter: $ar (year).
select person_id, insats, "from", tom, timmar_milli, antal_milli
from aktivitet
where ar = $ar
