"""入网单: the enrollment sheet the county office prints for a unit office, with its one-time code.

Contract: `render_enroll_sheet(db, out, enrollment, *, on)` writes one page: the unit,
the enrollment file's name, the one-time code in large type, the county office key's
fingerprint to compare on screen, the last day the code is valid, and the steps the
unit's clerk takes. The sheet travels on paper, never on the stick (docs/sync.md).
Writes through `atomic_output` (core.reports.layout): a failure leaves no file.
Returns the page count. Reads only.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Spacer, Table, TableStyle

from core.format import long_date
from core.i18n import _
from core.reports import layout
from core.reports.fonts import register_fonts
from core.reports.settings import print_settings
from core.reports.text import para


def render_enroll_sheet(db: sqlite_utils.Database, out: Path | str, enrollment, *,  # noqa: ANN001
                        on: dt.date) -> int:
    """Write the enrollment sheet of `enrollment` (core.sync.enroll.Enrollment); see the module contract."""
    ps = print_settings(db)
    fonts = register_fonts(db)
    st = layout.styles(fonts)
    big = ParagraphStyle("code", parent=st.plain, fontName=fonts.heiti, fontSize=16, leading=24, alignment=TA_CENTER)
    big.fallbackFont = fonts.fallback
    cell = ParagraphStyle("cell", parent=st.plain, fontSize=12, leading=17)
    cell.fallbackFont = fonts.fallback
    rows = [
        (_("Unit"), para(enrollment.unit_name, cell)),
        (_("Enrollment file"), para(enrollment.path.name, cell)),
        (_("One-time code"), para(enrollment.code, big)),
        (_("County office key fingerprint"), para(enrollment.fingerprint, cell)),
        (_("Valid until"), para(long_date(enrollment.expires_on), cell)),
    ]
    table = Table([[para(label, cell), value] for label, value in rows],
                  colWidths=[0.28 * layout.BLOCK_W, 0.72 * layout.BLOCK_W])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    steps = [
        _("1. Copy the enrollment file from the stick to the unit office's computer, or leave it on the stick."),
        _("2. In Closeloop choose \u201cJoin (township or department)\u201d, or run: "
          "main.py init --from-enrollment FILE --admin NAME."),
        _("3. Type the one-time code above. Compare the fingerprint Closeloop shows with the one above; if they "
          "differ, stop and call the county office."),
        _("4. Keep this sheet apart from the stick. The code works once, and only until the date above."),
    ]
    story = [para(_("{unit}:").format(unit=enrollment.unit_name), st.plain), Spacer(1, 4), table, Spacer(1, 10)]
    story += [para(text, st.body) for text in steps]
    story.append(para(_("{office}, {date}").format(office=ps.office, date=long_date(on)), st.right))
    return layout.official_document(out, story=story, fonts=fonts, agency=ps.office, doc_number=None, form="letter",
                                    title=_("Enrollment sheet"),
                                    doc_title_meta=_("Enrollment sheet {unit}").format(unit=enrollment.unit_name))
