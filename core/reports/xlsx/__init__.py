"""Excel: the ledger and rankings written (`export`), the clerks' sheets read (`read`, `dates`),
matched to fields (`mapping`) and imported with a dry run (`importing`)."""
