"""Synchronisation between offices by USB stick (issue 12, docs/sync.md).

`identity`: this installation's device id, keys and binding; `office_keys`: the public
keys this office trusts and the hub's signed directory of offices. Each synced row
carries uuid, owner and rev, stamped by `Session.synced_row`.
"""
