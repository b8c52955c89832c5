"""The 督查 page (issue 16): `page` (the tabs), `tables` (what each table shows), `dialogs` (the writes)."""
