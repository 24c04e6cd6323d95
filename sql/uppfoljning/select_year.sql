-- kpb uppfoljning: one year's rows of a loaded table, only the columns it reads, in no
-- particular order (every step sums or sorts them itself; sorting 25M activity rows here
-- would cost more than the whole follow-up).
SELECT {columns} FROM {table} WHERE ar = $ar;
