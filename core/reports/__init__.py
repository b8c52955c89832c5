"""Printed materials (docs/design.md §9) and Excel in/out: reportlab documents, fonts, xlsx.

Contract shared by every document module here: a function
`render_<document>(db, out: Path, <what to print>, *, as_of: date | None = None) -> int`
reads the database, writes the PDF to `out` atomically (a temporary file beside
it, renamed at the end; a failure leaves no file and never a half-written one)
and returns the number of pages. Texts are gettext messages, so a document is in
the language of the UI (Chinese by default). Never imports Qt.
"""
