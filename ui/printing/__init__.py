"""Printed documents in the app: one function per document (`documents`), made on the worker
(`jobs`), previewed (`preview`) and printed at 300 dpi (`printer`)."""
