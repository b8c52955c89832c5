"""Synchronisation between offices by USB stick (issue 12) will live here: exporting the rows an
office owns since the other side last saw them (each synced row carries uuid, owner and rev,
stamped by `Session.synced_row`), importing a packet with its checks, and the record of what was
exchanged. Nothing is built yet; the rest of core does not import this package.
"""
