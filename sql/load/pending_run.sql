-- The staged results folder whose inputs were committed with it, per year (see kpb_korning).
SELECT ar, resultatmapp FROM kpb_korning;
