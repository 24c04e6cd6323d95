-- The year's inputs no longer wait for a staged results folder (see kpb_korning).
DELETE FROM kpb_korning WHERE ar = ?;
