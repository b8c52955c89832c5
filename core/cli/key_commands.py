"""`keys show` and `keys revoke`: this installation's keys and the keys this office trusts (docs/sync.md).

Contract: `add_parsers(cmds, sub)` adds the commands; `HANDLERS` maps `keys` to its handler.
- `keys show [--json]`: this office's code, device id, key id and fingerprint (the keys
  are generated on first need), then every known key of the other offices: office code,
  key id, fingerprint, device, valid from, revoked at and why. The JSON is
  {"office", "device", "key_id", "fingerprint", "keys": [{"office", "key_id",
  "fingerprint", "device", "valid_from", "revoked_at", "revoked_reason"}]}.
- `keys revoke OFFICE --reason TEXT`: at the hub (administrator or clerk), revoke the
  valid keys of the office OFFICE (core.sync.office_keys.revoke).
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from core.cli import terminal as out
from core.i18n import _, ngettext
from core.office import Session


def cmd_keys(s: Session, a: argparse.Namespace) -> int:
    from core.sync.identity import ensure_identity, fingerprint
    from core.sync.office_keys import all_keys, revoke

    if a.action == "revoke":
        count = revoke(s, a.office, a.reason)
        out.say(ngettext("Revoked {n} key of the office {code}: bundles signed with it are refused from now on.",
                         "Revoked {n} keys of the office {code}: bundles signed with them are refused from now on.",
                         count).format(n=count, code=a.office.strip()))
        return 0
    me = ensure_identity(s.db)
    others = [(code, k) for code, k in all_keys(s.db) if k.office != s.office.uuid]
    if a.json:
        out.print_json({"office": s.office.code, "device": me.device, "key_id": me.key_id,
                        "fingerprint": fingerprint(me.sign_pub),
                        "keys": [{"office": code, "key_id": k.key_id, "fingerprint": fingerprint(k.sign_pub),
                                  "device": k.device, "valid_from": k.valid_from, "revoked_at": k.revoked_at,
                                  "revoked_reason": k.revoked_reason} for code, k in others]})
        return 0
    out.say(_("Office {code}, device {device}").format(code=s.office.code, device=me.device))
    out.say(_("Key id {key_id}, fingerprint {fingerprint}").format(key_id=me.key_id,
                                                                    fingerprint=fingerprint(me.sign_pub)))
    if not others:
        out.say(_("No keys of other offices are known yet."))
        return 0
    out.print_table([_("Office"), _("Key id"), _("Fingerprint"), _("Device"), _("Valid from"), _("Revoked")],
                    [(code, k.key_id, fingerprint(k.sign_pub), k.device, k.valid_from[:10],
                      _("{at}: {reason}").format(at=k.revoked_at[:10], reason=k.revoked_reason)
                      if k.revoked_at else "") for code, k in others], max_width=60)
    return 0


HANDLERS: dict[str, Callable[[Any, argparse.Namespace], int]] = {"keys": cmd_keys}


def add_parsers(cmds: argparse._SubParsersAction, sub: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `keys show` and `keys revoke` under `cmds`; `sub(parent, name, help)` makes one."""
    from core.cli.cli_parser import CliParser

    keys = sub(cmds, "keys", _("this office's keys and the keys it trusts")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = sub(keys, "show", _("show this office's device, key id and fingerprint, and the known keys"))
    c.add_argument("--json", action="store_true")
    c = sub(keys, "revoke", _("revoke the keys of an office (hub)"))
    c.add_argument("office", metavar="OFFICE")
    c.add_argument("--reason", required=True)
