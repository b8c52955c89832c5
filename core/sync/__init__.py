"""Synchronisation between offices by USB stick (issue 12, docs/sync.md).

The parts, in the order a bundle meets them:
- `identity`: this installation's device id, keys and binding; `office_keys`: the
  public keys this office trusts and the hub's signed directory of offices;
  `enroll_code`: the one-time enrollment code and the proof of a unit's keys.
- `rows`: synced rows on the wire (references as uuids); `selection`: what a bundle
  for one office carries (visibility, acknowledgements, what new rows need).
- `stream_crypto`: the encrypted, authenticated stream; `bundle_file`: the signed
  manifest and its members inside it, written safely and read with limits.
- `exporter`: making bundles; `verify`: checking one before anything is written;
  `apply`: the ownership rule, forks, revisions and the writes; `importer`: held,
  fork or applied, acknowledgements and keys; `enroll`: a unit office's first file
  and its database; `status`: what each office has received.
Change capture is in the schema (core/db/migrations.py m006): triggers on every
synced table fill `change_log`, so no write can be missed.
"""
