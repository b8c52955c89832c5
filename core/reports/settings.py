"""The office's details printed on its documents (settings "Printed materials").

Contract:
- `print_settings(db)` → PrintSettings: the issuing office's name (default: this
  office's name), the document-number prefix (机关代字, e.g. 卫督; default empty), the
  contact person and the contact phone the notices print (default empty: the GUI asks
  for them before printing a notice, the CLI takes `--contact`/`--phone` or refuses),
  and the 抄送 list of the 版记 (`copy_to`, e.g. 县委、县政府领导; default empty: no
  抄送 line). Any thread that owns `db`.
- `save_print_settings(s, ps)` validates the values in a clerk's words (Refusal, and
  nothing changes), stores them (settings table keys `print_office`, `print_prefix`,
  `print_contact`, `print_phone`, `print_copy_to`) and audits `print_settings`. Values equal to the
  stored ones save nothing. `missing_contact(ps)` → the sentence that refuses a notice
  while the contact person or phone is empty, or None. Returns `Changes()` (nothing a view shows depends on them).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import sqlite_utils

from core.errors import Refusal
from core.i18n import _
from core.office import Changes, Session, get_setting, self_office, set_setting

KEYS = {"office": "print_office", "prefix": "print_prefix", "contact": "print_contact", "phone": "print_phone",
        "copy_to": "print_copy_to"}
MAX_OFFICE = 40
MAX_PREFIX = 12
MAX_CONTACT = 20
MAX_COPY_TO = 200
_PHONE = re.compile(r"^[0-9０-９+\-－()（）\s、,，/]*$")


@dataclass(frozen=True)
class PrintSettings:
    """What the documents print about the office that issues them."""

    office: str
    prefix: str
    contact: str
    phone: str
    copy_to: str = ""


def print_settings(db: sqlite_utils.Database) -> PrintSettings:
    default_office = self_office(db).name
    office = get_setting(db, KEYS["office"], "") or default_office
    return PrintSettings(office, get_setting(db, KEYS["prefix"], ""), get_setting(db, KEYS["contact"], ""),
                         get_setting(db, KEYS["phone"], ""), get_setting(db, KEYS["copy_to"], ""))


def _clean(ps: PrintSettings) -> PrintSettings:
    ps = PrintSettings(*(str(v).strip() for v in (ps.office, ps.prefix, ps.contact, ps.phone, ps.copy_to)))
    if not ps.office:
        raise Refusal(_("The issuing office's name is empty; type the name printed on the documents."))
    if len(ps.office) > MAX_OFFICE:
        raise Refusal(_("The issuing office's name is longer than {n} characters; shorten it.").format(n=MAX_OFFICE))
    if len(ps.prefix) > MAX_PREFIX or any(ch in ps.prefix for ch in "〔〕[]0123456789号"):
        raise Refusal(_("The document-number prefix '{prefix}' should be a short abbreviation such as 卫督, "
                        "without the year or the number.").format(prefix=ps.prefix))
    if len(ps.contact) > MAX_CONTACT:
        raise Refusal(_("The contact person's name is longer than {n} characters; shorten it.").format(n=MAX_CONTACT))
    if not _PHONE.match(ps.phone) or len(ps.phone) > 40:
        raise Refusal(_("The contact phone '{phone}' may hold only digits, spaces, '-', '+' and brackets; "
                        "correct it.").format(phone=ps.phone))
    if len(ps.copy_to) > MAX_COPY_TO or "\n" in ps.copy_to:
        raise Refusal(_("The copy-to list is longer than {n} characters or has a line break; write it on one line, "
                        "the names separated by 、.").format(n=MAX_COPY_TO))
    return ps


def missing_contact(ps: PrintSettings) -> str | None:
    """The refusal while the notices' contact person or phone is not set, else None."""
    if ps.contact and ps.phone:
        return None
    return _("The contact person and phone printed on the notices are not set; give them once with "
             "--contact NAME --phone NUMBER (or `settings print --contact NAME --phone NUMBER`, or Settings → "
             "printed materials) and they are kept.")


def save_print_settings(s: Session, ps: PrintSettings) -> Changes:
    """Store the printed-materials settings (see the module docstring)."""
    s.require_write()
    ps = _clean(ps)
    current = print_settings(s.db)
    if ps == current:
        return Changes()
    with s.write() as db:
        for field, value in asdict(ps).items():
            set_setting(db, KEYS[field], value)
        s.audit("print_settings", **asdict(ps))
    return Changes()
