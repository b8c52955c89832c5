"""Shared by test_report_bulletin.py and test_report_quarterly.py: a scored county, PDF reading, golden renders
(and by test_scoring_db.py: the §6 March scenario; by the demo-county scoring tests: `demo_session`).

`build_scored_county(template, path)` copies the template hub and adds, through the core:
- the township ZK 喆堃镇 (rare characters: printed through the fallback font);
- rules with township_rewards = 2 and department_rewards = 1;
- March 2026 (the §6 check): TGZ 2 lead overdue, 1 lead return, 1 late co report → 95.75;
  XYJ 100; 喆堃镇 one public criticism → 99; FGJ one lead task never completed → 99; ZJJ 100;
- February: two criticisms of TGZ (→ 98); bonuses in Q1: TGZ 2 approving instructions and
  a commendation (7, capped at 5), ZJJ a commendation (3).
So March ranks XYJ, 喆堃镇, TGZ and ZJJ, FGJ; Q1 totals XYJ 300, 喆堃镇 299, TGZ 298.75, ZJJ 303, FGJ 299.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pdfplumber
import pytest
from report_pdf_helpers import PASSWORD as PASSWORD  # re-exported for the report tests
from report_pdf_helpers import TODAY as TODAY
from report_pdf_helpers import admin_on_copy
from reportlab.lib.units import mm

if TYPE_CHECKING:
    from core.office import Session
    from core.work.tasks import NewTask

D = dt.date
T = TypeVar("T")
GOLDEN = Path(__file__).resolve().parent / "golden"
RULES = "[ranking]\ntownship_rewards = 2\ndepartment_rewards = 1\n"


def design_scenario(s: Session, extra: Sequence[NewTask] = ()) -> list[str]:
    """TGZ in March: 2 lead overdue, 1 lead return, 1 late first report on a co assignment (the §6 check).

    The `extra` tasks are added in the same batch, after the scenario's four; returns their numbers.
    """
    from core.work import actions
    from core.work.actions import Action
    from core.work.tasks import NewTask, add_tasks

    on = D(2026, 3, 2)
    numbers, _c = add_tasks(s, [NewTask(f"事项{i}", "general", on, "TGZ", leader="王建国") for i in range(3)]
                            + [NewTask("协办事项", "general", on, "XYJ", ("TGZ",), leader="王建国"), *extra])
    t1, t2, t3, t4 = numbers[:4]

    def rec(ref: str, kind: str, day: int, text: str = "") -> None:
        actions.record(s, ref, Action(kind, D(2026, 3, day), text=text))

    for t in (t1, t2):
        rec(f"{t}/TGZ", "claim", 2)
        rec(f"{t}/TGZ", "report", 3, "进展")
    for kind, day in (("claim", 2), ("report", 3), ("completion", 4), ("return", 5), ("completion", 6),
                      ("close", 7)):
        rec(f"{t3}/TGZ", kind, day, "材料")
    for kind, day in (("claim", 2), ("report", 6), ("completion", 8), ("close", 9)):
        rec(f"{t4}/TGZ", kind, day, "材料")
    for kind, day in (("claim", 2), ("completion", 3), ("close", 4)):
        rec(f"{t4}/XYJ", kind, day, "材料")
    return numbers[4:]


def build_scored_county(template: Path, path: Path) -> Path:
    """Build the scored county (see the module docstring) at `path`; returns `path`."""
    from core.directory import add_unit
    from core.rules.ruleset import save_ruleset
    from core.scoring import store
    from core.work import actions
    from core.work.actions import Action
    from core.work.tasks import NewTask

    with admin_on_copy(template, path) as s:
        add_unit(s, "ZK", "喆堃镇", "township")
        with s.write():
            save_ruleset(s.db, RULES, "admin", s.office.uuid)
        (t5,) = design_scenario(s, [NewTask("发改事项", "general", D(2026, 3, 2), "FGJ")])
        actions.record(s, f"{t5}/FGJ", Action("claim", D(2026, 3, 2)))
        actions.record(s, f"{t5}/FGJ", Action("report", D(2026, 3, 4), text="推进中"))
        store.add_criticism(s, "ZK", D(2026, 3, 20), "通报批评：进度滞后")
        store.add_criticism(s, "TGZ", D(2026, 2, 12), "通报批评：台账不全")
        store.add_criticism(s, "TGZ", D(2026, 2, 13), "通报批评：推进迟缓")
        store.add_bonus(s, "TGZ", "approving_instruction", D(2026, 1, 20), "县委书记批示肯定")
        store.add_bonus(s, "TGZ", "approving_instruction", D(2026, 2, 10), "县长批示肯定")
        store.add_bonus(s, "TGZ", "commendation", D(2026, 3, 28), "全市表彰")
        store.add_bonus(s, "ZJJ", "commendation", D(2026, 2, 20), "全省表彰")
    return path


def on_db(path: Path, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """`fn(db, *args, **kwargs)` on the database at `path`, opened for it and closed afterwards; returns its result."""
    from core.db.connection import open_database

    db = open_database(path)
    try:
        return fn(db, *args, **kwargs)
    finally:
        db.conn.close()


def one_line(texts: list[str]) -> str:
    """The document's text with every whitespace removed (wrapped lines joined)."""
    return "".join("".join(texts).split())


def ranking_rows(pdf: Path, columns: int) -> list[list[str]]:
    """Rows of the ranking tables (a rank number first), in reading order, cells without whitespace."""
    rows = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.extract_tables():
                rows += [["".join((c or "").split()) for c in r] for r in table
                         if len(r) == columns and (r[0] or "").strip().isdigit()]
    return rows


def assert_a4_and_margins(pdf: Path) -> None:
    """A4 portrait; everything but the page numbers and the header mark inside the 156 × 225 mm block
    at 28 mm left and 37 mm top; the left-aligned lines start at 28 mm (all within 0.5 mm)."""
    tol = 0.5 * mm
    with pdfplumber.open(pdf) as doc:
        lefts = []
        for page in doc.pages:
            assert abs(page.width - 210 * mm) < tol and abs(page.height - 297 * mm) < tol
            body = [c for c in page.chars if 25 * mm < c["top"] < 262 * mm + tol]
            assert body
            assert min(c["x0"] for c in body) > 28 * mm - tol
            assert max(c["x1"] for c in body) < (28 + 156) * mm + tol
            assert min(c["top"] for c in body) > 37 * mm - tol
            assert max(c["bottom"] for c in body) < (37 + 225) * mm + tol
            lefts.append(min(c["x0"] for c in body))
            numbers = [c for c in page.chars if c["top"] > 262 * mm + tol]
            assert numbers, "a page number below the block"
        assert abs(min(lefts) - 28 * mm) < tol


@contextmanager
def in_chinese() -> Iterator[None]:
    """Messages in Chinese inside the block; English (the core tests' language) again afterwards."""
    from core.i18n import set_language

    set_language("zh_CN")
    try:
        yield
    finally:
        set_language("en")


@contextmanager
def demo_session(path: Path, seed: int) -> Iterator[Session]:
    """The demo county (scale 1, `seed`, as of TODAY, built in English) at `path`, with an admin session."""
    from core.demo.build import DEMO_PASSWORD, build_demo
    from core.i18n import set_language
    from core.office import open_session

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLOSELOOP_TODAY", TODAY.isoformat())
        mp.setenv("CLOSELOOP_LANG", "en")
        set_language("en")
        build_demo(path, scale=1, seed=seed, today=TODAY)
    s = open_session(Path(path), "admin", DEMO_PASSWORD, TODAY)
    try:
        yield s
    finally:
        s.db.conn.close()


def render_pngs(pdf: Path, folder: Path, dpi: int = 30) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(folder / "p")], check=True,
                   timeout=60)
    return sorted(folder.glob("p-*.png"))


def compare_golden(pdf: Path, name: str, tmp: Path, update: bool = False) -> None:
    """Each page rendered at 30 dpi matches tests/core/golden/<name>-<n>.png: same size, mean grey
    difference under 2% and under 5% of pixels differing by more than a third of the range.
    With CLOSELOOP_UPDATE_GOLDEN=1 the renders become the goldens; with no golden yet they are
    written and the test fails, so a new golden is looked at before it is committed."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image, ImageChops

    pages = render_pngs(pdf, tmp / name)
    goldens = sorted(GOLDEN.glob(f"{name}-*.png"))
    if update or not goldens:
        GOLDEN.mkdir(exist_ok=True)
        for g in goldens:
            g.unlink()
        for i, p in enumerate(pages, 1):
            shutil.copy(p, GOLDEN / f"{name}-{i}.png")
        if not update:
            pytest.fail(f"no golden render {name}-*.png: written now; look at it and commit it")
        return
    assert len(pages) == len(goldens), f"{len(pages)} pages rendered, {len(goldens)} golden"
    for page, golden in zip(pages, goldens, strict=True):
        a, b = Image.open(page).convert("L"), Image.open(golden).convert("L")
        assert a.size == b.size, (page, golden)
        diff = ImageChops.difference(a, b)
        hist = diff.histogram()
        total = a.size[0] * a.size[1]
        mean = sum(i * n for i, n in enumerate(hist)) / total / 255
        far = sum(hist[85:]) / total
        assert mean < 0.02 and far < 0.05, f"{golden.name}: mean {mean:.3f}, far {far:.3f}"
