"""Fixtures for the GUI tests: offscreen Qt, a small known database, no real dialogs.

The offscreen platform is chosen here, at import, before anything imports Qt.
QStandardPaths' test mode keeps settings and logs out of the user's folders.
The template database is built once per session through the core's own API and
copied (SQLite backup, tests/_shared/db_copy.py) for each test.
"""
from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import datetime as dt  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
# the project root, and this folder: tests in its subfolders (which mirror the code's families,
# issue 11) import the helper modules kept here by bare name, e.g. `from _shared_fixtures import ...`
for _folder in (ROOT, Path(__file__).resolve().parent):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from tests._shared.db_copy import copy_database  # noqa: E402  (the one copy helper, shared with tests/core)

QStandardPaths.setTestModeEnabled(True)
# QSettings of this test process in a folder of its own: two suites running at once on one
# machine (two checkouts, CI beside a developer) would otherwise share ~/.config and flake
_SETTINGS_DIR = tempfile.mkdtemp(prefix="closeloop-qsettings-")
for _format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
    QSettings.setPath(_format, QSettings.Scope.UserScope, _SETTINGS_DIR)

T = dt.date(2026, 11, 27)  # the day the tests look at (a Friday)
PASSWORD = "test-pass"


@dataclass(frozen=True)
class Scenario:
    """What the template database holds, in words the tests assert on."""

    as_of: dt.date               # the day the tests look at
    password: str                # the password of the user "admin"
    red_tgz: tuple[str, ...]     # task numbers of 太公镇's red assignments, in task-number order
    unit_codes: tuple[str, ...]  # in the order the directory lists them


def _day(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def build_small_database(path: Path) -> Scenario:
    """A hub with three units and nine tasks whose lights as of T are known.

    Lights as of T (general tasks: claim due D, first report D+3, completion D+7):
    - 2026-1 TGZ lead, closed on time; JTJ co, claimed only → red (completion due 11-09)
    - 2026-2 TGZ lead, claimed 11-26 → green (report due 11-29)
    - 2026-3 TGZ lead, claimed 11-24 → yellow (report due 11-27 = T)
    - 2026-4 XCZ lead, claimed and reported, no completion → red (due 11-17)
    - 2026-5 TGZ lead, not claimed → red (claim due 11-25)
    - 2026-6 XCZ lead, completion 11-12 after due 11-10, closed 11-13 → closed late
    - 2026-7 JTJ lead, cancelled
    - 2026-8 TGZ lead, claimed and reported, no completion → red (due 11-12)
    - 2026-9 XCZ lead, assigned T → yellow (claim due today)
    """
    from core.directory import add_leader, add_unit
    from core.office import init_office
    from core.work.actions import Action, record
    from core.work.tasks import NewTask, add_tasks

    s = init_office(path, name="示例县委督查室", code="HUB", admin="admin", password=PASSWORD, today=T)
    add_unit(s, "TGZ", "太公镇", "township")
    add_unit(s, "XCZ", "兴城镇", "township")
    add_unit(s, "JTJ", "县交通运输局", "department")
    add_leader(s, "王建国", "副县长", ["TGZ", "JTJ"])
    plan = [
        ("推进太公镇农村人居环境整治", _day(11, 2), "TGZ", ("JTJ",)),
        ("太公镇冬季森林防火巡查", _day(11, 26), "TGZ", ()),
        ("太公镇粮食秋收进度报送", _day(11, 24), "TGZ", ()),
        ("兴城镇老旧小区改造推进", _day(11, 10), "XCZ", ()),
        ("太公镇集镇道路积水点整治", _day(11, 25), "TGZ", ()),
        ("兴城镇信访积案化解", _day(11, 3), "XCZ", ()),
        ("县道养护招标准备", _day(11, 4), "JTJ", ()),
        ("太公镇安全生产隐患排查", _day(11, 5), "TGZ", ()),
        ("兴城镇冬季供暖保障", T, "XCZ", ()),
    ]
    numbers, _changes = add_tasks(s, [NewTask(title=title, category="general", assigned_on=on, lead=lead,
                                              co=co, leader="王建国") for title, on, lead, co in plan])
    assert numbers == [f"2026-{i}" for i in range(1, 10)], numbers
    steps: list[tuple[str, str, dt.date, str]] = [
        ("2026-1/TGZ", "claim", _day(11, 2), ""), ("2026-1/TGZ", "report", _day(11, 4), "已部署"),
        ("2026-1/TGZ", "completion", _day(11, 6), "已完成整治"), ("2026-1/TGZ", "close", _day(11, 7), ""),
        ("2026-1/JTJ", "claim", _day(11, 2), ""),
        ("2026-2/TGZ", "claim", _day(11, 26), ""),
        ("2026-3/TGZ", "claim", _day(11, 24), ""),
        ("2026-4/XCZ", "claim", _day(11, 10), ""), ("2026-4/XCZ", "report", _day(11, 12), "正在推进"),
        ("2026-6/XCZ", "claim", _day(11, 3), ""), ("2026-6/XCZ", "report", _day(11, 5), "正在化解"),
        ("2026-6/XCZ", "completion", _day(11, 12), "已化解"), ("2026-6/XCZ", "close", _day(11, 13), ""),
        ("2026-7/JTJ", "cancel", _day(11, 6), "并入年度计划"),
        ("2026-8/TGZ", "claim", _day(11, 5), ""), ("2026-8/TGZ", "report", _day(11, 7), "排查中"),
    ]
    for ref, kind, on, text in steps:
        record(s, ref, Action(kind=kind, on=on, text=text))
    s.db.conn.close()
    return Scenario(as_of=T, password=PASSWORD, red_tgz=("2026-5", "2026-8"), unit_codes=("TGZ", "XCZ", "JTJ"))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Scenario]:
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", T.isoformat())
    try:
        path = tmp_path_factory.mktemp("template") / "small.db"
        scenario = build_small_database(path)
    finally:
        mp.undo()
    return path, scenario


@pytest.fixture
def scenario(template_db: tuple[Path, Scenario]) -> Scenario:
    return template_db[1]


@pytest.fixture
def db_path(template_db: tuple[Path, Scenario], tmp_path: Path) -> Path:
    path = tmp_path / "office.db"
    copy_database(template_db[0], path)
    return path


@pytest.fixture(autouse=True)
def _app_state(qapp, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:  # noqa: ANN001
    """App names (for QSettings), the test day, empty settings, and a Chinese font."""
    from ui.fonts import ensure_cjk_font
    from ui.shell.app import APP_NAME, ORG_DOMAIN

    qapp.setApplicationName(APP_NAME)
    qapp.setOrganizationName("Closeloop-tests")
    qapp.setOrganizationDomain(ORG_DOMAIN)
    from core.i18n import language, set_language

    monkeypatch.setenv("CLOSELOOP_TODAY", T.isoformat())
    monkeypatch.delenv("CLOSELOOP_LANG", raising=False)
    before = language()
    set_language("zh_CN")  # every UI test starts in the app's default language, whatever ran before
    QSettings().clear()
    ensure_cjk_font(qapp)
    yield
    QSettings().clear()
    set_language(before)


@pytest.fixture(autouse=True)
def crash_reports(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Every crash dialog the code would show, as (message, details); none expected by default."""
    from ui.shell.crash import CrashDialog

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(CrashDialog, "present", classmethod(lambda cls, m, d: shown.append((m, d))))
    yield shown
    assert not shown, f"unexpected crash dialog: {shown[0][1] if shown else ''}"


@pytest.fixture
def show_page(qtbot):  # noqa: ANN001, ANN201
    """`show_page(cls, ctx, *args, size=(w, h), wait="loaded"|"idle"|None)`: the one way page tests open a page.

    See `open_page` in tests/ui/_shared_fixtures.py.
    """
    from _shared_fixtures import open_page

    return lambda cls, ctx, *args, **kwargs: open_page(qtbot, cls, ctx, *args, **kwargs)
