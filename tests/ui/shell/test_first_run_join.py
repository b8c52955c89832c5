"""The first run's third choice: a township clerk joins from the enrollment file on the stick (issue 13).

A hub (the small test database) enrolls 太公镇 through the core, as its clerk would on the sync page;
the township's clerk then drives the first-run dialog: file, code, the fingerprint shown, password.
Every refusal is a sentence in the dialog and leaves no database behind.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _shell_helpers import T, by_name, office_and_user, type_with_input_method
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QRadioButton

from core.i18n import _
from core.sync.enroll import Enrollment, enroll_export
from ui import join_form
from ui.first_run import FirstRunDialog
from ui.shell import app as app_module

if TYPE_CHECKING:
    from conftest import Scenario

NEW_PASSWORD = "town-pass"


def _enroll(db_path: Path, password: str, stick: Path, unit: str = "TGZ") -> Enrollment:
    from core.office import open_session

    stick.mkdir(exist_ok=True)
    s = open_session(db_path, "admin", password, today=T)
    try:
        return enroll_export(s, unit, stick)
    finally:
        s.db.conn.close()


@pytest.fixture
def enrolled(db_path: Path, scenario: Scenario, tmp_path: Path) -> Enrollment:
    return _enroll(db_path, scenario.password, tmp_path / "stick")


def _dialog(qtbot, path: Path) -> FirstRunDialog:  # noqa: ANN001
    dialog = FirstRunDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose("unit")
    return dialog


def _fill(qtbot, dialog: FirstRunDialog, file: Path | str, code: str, password: str = NEW_PASSWORD,  # noqa: ANN001
          repeat: str | None = None) -> None:
    form = dialog.join_form
    form.file.clear()
    type_with_input_method(form.file, str(file))  # pasted (the stick's path has Chinese in it)
    form.code.clear()
    qtbot.keyClicks(form.code, code)
    for edit, text in ((form.password, password), (form.repeat, password if repeat is None else repeat)):
        edit.clear()
        qtbot.keyClicks(edit, text)


def _press_join(qtbot, dialog: FirstRunDialog) -> None:  # noqa: ANN001
    """Click Join and wait for the job it starts (reading the file, or joining), if any."""
    started: list[object] = []
    dialog.job_started.connect(started.append)
    dialog.ok_button.click()
    if started and dialog.task is not None:
        with qtbot.waitSignal(dialog.task.finished, timeout=20_000):
            pass
    dialog.job_started.disconnect(started.append)


def _message(dialog: FirstRunDialog) -> str:
    label = by_name(dialog, QLabel, _("First-run message"))
    return label.text() if label.isVisibleTo(dialog) else ""


def _leaves_nothing(path: Path) -> None:
    assert not path.exists()
    if path.parent.exists():
        assert not [p.name for p in path.parent.iterdir() if p.name.startswith(path.name)]


def test_joining_with_the_right_code_signs_the_admin_in_on_the_units_desk(qtbot, enrolled: Enrollment,  # noqa: ANN001
                                                                           tmp_path: Path) -> None:
    path = tmp_path / "town" / "closeloop.db"
    dialog = _dialog(qtbot, path)
    assert [b.objectName() for b in dialog.findChildren(QRadioButton)] == ["choice_hub", "choice_demo", "choice_unit"]
    assert dialog.ok_button.text() == _("&Join")
    panel = dialog.join_form.panel
    assert not panel.isVisibleTo(dialog)
    _fill(qtbot, dialog, enrolled.path, enrolled.code.lower().replace("-", " "))  # typed loosely: still the code
    _press_join(qtbot, dialog)  # the first press reads the file and shows the fingerprint; nothing is created
    assert panel.isVisibleTo(dialog) and not path.exists() and dialog.isVisible()
    assert by_name(dialog, QLabel, _("County office key fingerprint")).text() == enrolled.fingerprint
    about = dialog.join_form.about.text()
    assert "太公镇" in about and "示例县委督查室" in about and "2026-12-27" in about
    compare = _("Compare it with the fingerprint printed on the enrollment sheet; join only if the two are the "
                "same. If they differ, the file did not come from your county office: do not use it and call the "
                "county office.")
    assert compare in [w.text() for w in panel.findChildren(QLabel)]

    _press_join(qtbot, dialog)  # not ticked yet: asked to compare
    assert _message(dialog) == _("Compare the fingerprint shown with the one printed on the enrollment sheet, "
                                 "and tick the box if they are the same; if they differ, do not join and call the "
                                 "county office.")
    assert not path.exists()
    dialog.join_form.same.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.ok_button.click()
    result = dialog.result_value
    assert result is not None and result.path == path and result.user is not None
    assert (result.user.name, result.user.role) == ("admin", "admin")
    office, _user = office_and_user(path, "admin", NEW_PASSWORD)
    assert (office.code, office.name, office.role) == ("TGZ", "太公镇", "unit")
    assert Path(f"{enrolled.path}.used").exists()

    window = app_module.build_main_window(path, office, result.user, None)
    qtbot.addWidget(window)
    try:
        assert window.current_key() == "desk"
    finally:
        window.close()


def test_a_wrong_code_is_a_sentence_and_leaves_no_database(qtbot, enrolled: Enrollment, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "town" / "closeloop.db"
    dialog = _dialog(qtbot, path)
    _fill(qtbot, dialog, enrolled.path, "AAAA-BBBB-CCCC-DDDD-EEEE")
    _press_join(qtbot, dialog)
    assert _message(dialog) == _("The enrollment file {name} cannot be used: {why} No database was created.").format(
        name=enrolled.path.name, why=_(
            "the enrollment code does not open it. Retype the code from the printed enrollment sheet; if it still "
            "fails, the file is damaged or belongs to another sheet: ask the county office for a new file and code."))
    assert not dialog.join_form.panel.isVisibleTo(dialog) and dialog.isVisible()
    _leaves_nothing(path)
    assert not Path(f"{enrolled.path}.used").exists()


def test_garbage_and_a_bundle_for_a_set_up_office_are_refused(qtbot, enrolled: Enrollment,  # noqa: ANN001
                                                              tmp_path: Path) -> None:
    path = tmp_path / "town" / "closeloop.db"
    garbage = tmp_path / "stick" / "photo.closeloop"
    garbage.write_bytes(b"\x89PNG not a bundle at all" * 40)
    dialog = _dialog(qtbot, path)
    _fill(qtbot, dialog, garbage, enrolled.code)
    _press_join(qtbot, dialog)
    assert _message(dialog) == _("The enrollment file {name} cannot be used: {why} No database was created.").format(
        name=garbage.name, why=_("it is not an enrollment file. Choose the enrollment file that the county office "
                                 "wrote on the stick for this office."))
    _leaves_nothing(path)

    from core.sync.stream_crypto import MAGIC
    bundle = tmp_path / "stick" / "示例县委督查室_to_太公镇_2026-11-27_0001.closeloop"
    header = b'{"version":1,"mode":"x25519","to_office":"x","to_code":"TGZ","key_id":"k","eph":"' + b"00" * 32 + b'"}'
    bundle.write_bytes(MAGIC + len(header).to_bytes(2, "big") + header + b"\0" * 100)
    _fill(qtbot, dialog, bundle, enrolled.code)
    _press_join(qtbot, dialog)
    assert _message(dialog) == _("The enrollment file {name} cannot be used: {why} No database was created.").format(
        name=bundle.name, why=_("it is a sync bundle for an office already set up, not an enrollment file. Choose "
                                "the enrollment file that the county office wrote on the stick for this office."))
    _leaves_nothing(path)


def test_an_expired_file_is_refused(qtbot, enrolled: Enrollment, tmp_path: Path,  # noqa: ANN001
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOSELOOP_TODAY", (enrolled.expires_on + dt.timedelta(days=1)).isoformat())
    path = tmp_path / "town" / "closeloop.db"
    dialog = _dialog(qtbot, path)
    _fill(qtbot, dialog, enrolled.path, enrolled.code)
    _press_join(qtbot, dialog)
    assert _message(dialog) == _("The enrollment file {name} cannot be used: {why} No database was created.").format(
        name=enrolled.path.name, why=_("it expired on {date}. Ask the county office to enroll this office again.")
        .format(date="2026-12-27"))
    _leaves_nothing(path)


def test_a_used_file_differing_passwords_and_empty_fields_are_refused(qtbot, enrolled: Enrollment,  # noqa: ANN001
                                                                      tmp_path: Path) -> None:
    path = tmp_path / "town" / "closeloop.db"
    dialog = _dialog(qtbot, path)
    _press_join(qtbot, dialog)
    assert _message(dialog) == _("Choose the enrollment file on the stick first (Choose…).")
    type_with_input_method(dialog.join_form.file, str(enrolled.path))
    _press_join(qtbot, dialog)
    assert _message(dialog) == _("Type the enrollment code printed on the enrollment sheet.")

    _fill(qtbot, dialog, enrolled.path, enrolled.code, repeat="other-pass")
    _press_join(qtbot, dialog)  # the fingerprint
    dialog.join_form.same.setChecked(True)
    _press_join(qtbot, dialog)
    assert _message(dialog) == _("The two passwords differ; type the same password twice.")
    _leaves_nothing(path)

    dialog.join_form.code.setText(enrolled.code + "X")  # a changed code hides the fingerprint and the tick
    assert not dialog.join_form.panel.isVisibleTo(dialog) and not dialog.join_form.same.isChecked()

    Path(f"{enrolled.path}.used").write_text("2026-11-20\n", "utf-8")  # joined on another day with this file
    _fill(qtbot, dialog, enrolled.path, enrolled.code)
    _press_join(qtbot, dialog)
    assert _message(dialog) == _("The enrollment file {name} cannot be used: {why} No database was created.").format(
        name=enrolled.path.name, why=_("it was already used to set up an office on {date}. Ask the county office "
                                       "for a new enrollment file and code.").format(date="2026-11-20"))
    _leaves_nothing(path)


def test_choose_opens_the_lock_safe_dialog_and_fills_the_file(qtbot, enrolled: Enrollment, tmp_path: Path,  # noqa: ANN001
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, str]] = []

    def fake_open(parent: object, title: str, folder: str = "", file_filter: str = "") -> str:
        asked.append((title, file_filter))
        return str(enrolled.path)

    monkeypatch.setattr(join_form.file_dialogs, "open_file", fake_open)
    dialog = _dialog(qtbot, tmp_path / "town" / "closeloop.db")
    dialog.join_form.choose_button.click()
    assert by_name(dialog, QLineEdit, _("Enrollment file")).text() == str(enrolled.path)
    assert asked and "*.closeloop" in asked[0][1]
    assert isinstance(dialog.join_form.same, QCheckBox)
