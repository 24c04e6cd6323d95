"""What the commands print: summaries of load, check and compute, the explain chain, `kpb vem`
and the output of `kpb sql`. Text for a terminal, built from values the stages return."""
