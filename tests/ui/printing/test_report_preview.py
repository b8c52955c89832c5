"""The preview window: pages and zoom, printing to a PDF printer, saving a copy, refusals, cancel."""
from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QToolButton

from core.errors import Refusal
from tests.ui._report_helpers import make_ctx, make_render, write_pdf
from ui.printing import dialogs as report_dialogs
from ui.printing import jobs as report_jobs
from ui.printing import printer as report_print
from ui.printing.preview import PreviewWindow, open_windows
from ui.shell import settings_store
from ui.shell.busy import BusyTask
from ui.shell.context import AppContext

A4_PT = (595.28, 841.89)


@pytest.fixture
def ctx(db_path: Path) -> Iterator[AppContext]:
    context = make_ctx(db_path)
    yield context
    context.close()


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(report_dialogs, "show_error", lambda parent, title, sentence: shown.append(sentence))
    return shown


@pytest.fixture
def folders(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The temporary folders open_report makes."""
    made: list[Path] = []
    real = report_jobs.tempfile.mkdtemp

    def mkdtemp(**kwargs: Any) -> str:
        made.append(Path(real(**kwargs)))
        return str(made[-1])

    monkeypatch.setattr(report_jobs.tempfile, "mkdtemp", mkdtemp)
    return made


@pytest.fixture(autouse=True)
def _close_windows() -> Iterator[None]:
    yield
    for window in open_windows():
        window.close()


def finish(qtbot, task: BusyTask | None) -> str:  # noqa: ANN001
    assert task is not None
    if task.outcome is None:
        with qtbot.waitSignal(task.finished, timeout=10_000):
            pass
    return str(task.outcome)


def preview(qtbot, ctx: AppContext, pages: int = 3) -> PreviewWindow:  # noqa: ANN001
    before = len(open_windows())
    assert finish(qtbot, report_jobs.open_report(ctx, None, "测试文件", make_render(pages), "测试.pdf")) == "done"
    windows = open_windows()
    assert len(windows) == before + 1
    window = windows[-1]
    qtbot.addWidget(window)
    window.resize(820, 900)
    return window


def test_the_preview_shows_every_page_and_moves_between_them(qtbot, ctx: AppContext, folders: list[Path],  # noqa: ANN001
                                                             tmp_path: Path) -> None:
    window = preview(qtbot, ctx)
    assert window.page_count == 3
    assert window.current_page == 0 and window.page_box.value() == 1 and "3" in window.page_label.text()
    assert not window.prev_action.isEnabled() and window.next_action.isEnabled()
    window.next_action.trigger()
    assert window.current_page == 1 and window.page_box.value() == 2
    window.next_action.trigger()
    assert window.current_page == 2 and not window.next_action.isEnabled()
    window.prev_action.trigger()
    assert window.current_page == 1
    window.page_box.setValue(3)
    assert window.current_page == 2
    assert window.pdf.parent == folders[0] and window.pdf.is_file()
    window.grab().save(str(tmp_path / "preview.png"))


def test_zoom_in_out_and_the_fit_modes_change_the_view(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    window = preview(qtbot, ctx)
    window.show()
    qtbot.waitExposed(window)
    assert window.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    width_zoom = window._effective_zoom()
    window.zoom_in_action.trigger()
    assert window.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert window.view.zoomFactor() == pytest.approx(width_zoom * 1.25, rel=0.01)
    assert "%" in window.zoom_label.text()
    window.zoom_out_action.trigger()
    window.zoom_out_action.trigger()
    assert window.view.zoomFactor() == pytest.approx(width_zoom / 1.25, rel=0.01)
    window.fit_page_action.trigger()
    assert window.view.zoomMode() == QPdfView.ZoomMode.FitInView
    assert window._effective_zoom() < width_zoom   # a whole A4 page is narrower than the window
    window.fit_width_action.trigger()
    assert window.view.zoomMode() == QPdfView.ZoomMode.FitToWidth


def test_every_toolbar_button_has_a_name_and_the_shortcuts_are_standard(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    window = preview(qtbot, ctx)
    buttons = window.toolbar.findChildren(QToolButton)
    named = [b for b in buttons if b.defaultAction() is not None]
    assert named and all(b.accessibleName() for b in named)
    assert window.page_box.accessibleName() and window.view.accessibleName()
    shortcuts = {a.objectName(): a.shortcut().toString() for a in window.actions()}
    assert shortcuts["print"] == "Ctrl+P" and shortcuts["save_pdf"] == "Ctrl+S"
    assert shortcuts["zoom_in"] == "Ctrl++" and shortcuts["zoom_out"] == "Ctrl+-"
    assert shortcuts["close_preview"] == "Esc"


def pdf_printer(out: Path, first: int = 0, last: int = 0) -> Any:
    """A print dialog that chooses a PDF file and, when given, the page range first–last (from 1)."""
    chosen: dict[str, Any] = {}

    def ask(printer: QPrinter, parent: Any, page_count: int, current: int) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        if first:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(first, last)
        chosen.update(printer=printer, page_count=page_count)
        return True

    ask.chosen = chosen  # type: ignore[attr-defined]
    return ask


def test_print_sends_the_chosen_range_as_a4_pages(qtbot, ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window = preview(qtbot, ctx)
    out = tmp_path / "printed.pdf"
    ask = pdf_printer(out, 2, 3)
    monkeypatch.setattr(report_print, "ask_print", ask)
    with qtbot.waitSignal(window.printed) as signal:
        window.print_action.trigger()
    assert signal.args == [2]
    printer = ask.chosen["printer"]
    assert ask.chosen["page_count"] == 3
    assert printer.fullPage() and printer.pageLayout().pageSize().id().name == "A4"
    assert printer.resolution() >= 300
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_PT, abs=1)


def test_a_landscape_document_prints_on_landscape_sheets(qtbot, ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def render(db: Any, out: Path) -> int:
        return write_pdf(out, 2, wide=True)

    assert finish(qtbot, report_jobs.open_report(ctx, None, "台账", render, "ledger.pdf")) == "done"
    window = open_windows()[-1]
    qtbot.addWidget(window)
    out = tmp_path / "wide.pdf"
    monkeypatch.setattr(report_print, "ask_print", pdf_printer(out))
    assert window.print_document() == 2
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(out).pages]
    rotated = [(w, h) if not p.rotation % 180 else (h, w) for (w, h), p in zip(sizes, PdfReader(out).pages,
                                                                                  strict=True)]
    assert rotated == [pytest.approx(A4_PT[::-1], abs=1)] * 2


def test_cancel_while_printing_stops_the_job(qtbot, ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    window = preview(qtbot, ctx)
    monkeypatch.setattr("ui.printing.preview.PRINT_DIALOG_AFTER_MS", 0)
    monkeypatch.setattr(report_print, "ask_print", pdf_printer(tmp_path / "cancelled.pdf"))
    real = report_print.print_document
    seen: list[int] = []

    def cancel_after_first(document: Any, printer: Any, pages: Any, dpi: int = 300, progress: Any = None) -> int:
        def watch(done: int, total: int) -> bool:
            seen.append(done)
            if done == 1:
                assert window.print_progress is not None
                window.print_progress.cancel()   # the user presses Cancel while page 2 waits
            return bool(progress(done, total))
        return real(document, printer, pages, dpi, watch)

    monkeypatch.setattr(report_print, "print_document", cancel_after_first)
    with qtbot.assertNotEmitted(window.printed):
        assert window.print_document() == 0
    assert seen == [0, 1] and window.print_progress is None


def test_a_printer_that_cannot_start_is_explained(qtbot, ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                                                  monkeypatch: pytest.MonkeyPatch, errors: list[str]) -> None:
    window = preview(qtbot, ctx)
    monkeypatch.setattr(report_print, "ask_print", pdf_printer(tmp_path / "no such folder" / "out.pdf"))
    assert window.print_document() == 0
    assert len(errors) == 1 and "out.pdf" in errors[0]


def test_a_cancelled_print_dialog_prints_nothing(qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    window = preview(qtbot, ctx)
    monkeypatch.setattr(report_print, "ask_print", lambda *args: False)
    assert window.print_document() == 0


def test_save_as_pdf_copies_the_document_and_remembers_the_folder(qtbot, ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window = preview(qtbot, ctx)
    target_dir = tmp_path / "out"
    target_dir.mkdir()
    asked: list[Path] = []

    def ask(parent: Any, title: str, suggested: Path, file_filter: str) -> Path:
        asked.append(suggested)
        return target_dir / "周交办清单"   # no suffix typed: .pdf is added

    opened: list[Path] = []
    monkeypatch.setattr(report_dialogs, "ask_save_path", ask)
    monkeypatch.setattr(report_dialogs, "open_folder", lambda folder: opened.append(folder) or True)
    assert not window.folder_action.isEnabled()
    with qtbot.waitSignal(window.saved):
        window.save_action.trigger()
    copy = target_dir / "周交办清单.pdf"
    assert copy.read_bytes() == window.pdf.read_bytes()
    assert asked[0].name == "测试.pdf"
    assert settings_store.value(settings_store.REPORT_FOLDER) == str(target_dir)
    window.folder_action.trigger()
    assert opened == [target_dir]
    window.save_as()
    assert asked[1].parent == target_dir   # the next save starts in the folder used last


def test_a_failed_save_leaves_no_partial_file_and_says_why(qtbot, ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                                                           monkeypatch: pytest.MonkeyPatch, errors: list[str]) -> None:
    window = preview(qtbot, ctx)
    target_dir = tmp_path / "out"
    target_dir.mkdir()
    target = target_dir / "copy.pdf"
    target.write_bytes(b"the user's older file")
    monkeypatch.setattr(report_dialogs, "ask_save_path", lambda *args: target)

    def half_copy(src: Any, dst: Any) -> None:
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", half_copy)
    assert window.save_as() is None
    assert target.read_bytes() == b"the user's older file"
    assert sorted(p.name for p in target_dir.iterdir()) == ["copy.pdf"]
    assert len(errors) == 1 and "No space left on device" in errors[0]
    monkeypatch.setattr(report_dialogs, "ask_save_path", lambda *args: tmp_path / "missing" / "copy.pdf")
    assert window.save_as() is None
    assert len(errors) == 2 and str(tmp_path / "missing") in errors[1]


def test_a_refused_render_shows_its_sentence_and_opens_nothing(qtbot, ctx: AppContext, errors: list[str],  # noqa: ANN001
                                                               folders: list[Path]) -> None:
    def render(db: Any, out: Path) -> int:
        out.write_bytes(b"%PDF-1.4 half")
        raise Refusal("There is no meeting 99; choose a meeting that was saved.")

    task = report_jobs.open_report(ctx, None, "周交办清单", render, "weekly.pdf")
    assert finish(qtbot, task) == "error"
    assert errors == ["There is no meeting 99; choose a meeting that was saved."]
    assert open_windows() == []
    assert folders and not folders[0].exists()


def test_closing_the_preview_removes_its_temporary_file(qtbot, ctx: AppContext, folders: list[Path]) -> None:  # noqa: ANN001
    window = preview(qtbot, ctx)
    window.show()
    qtbot.waitExposed(window)
    assert folders[0].is_dir()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not folders[0].exists()
    assert open_windows() == []


def test_cancel_stops_waiting_and_the_late_result_is_thrown_away(qtbot, ctx: AppContext, folders: list[Path],  # noqa: ANN001
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ui.shell.busy.DIALOG_AFTER_MS", 0)
    release = threading.Event()

    def slow(db: Any, out: Path) -> int:
        release.wait(10)
        return write_pdf(out, 1)

    task = report_jobs.open_report(ctx, None, "台账", slow, "ledger.pdf")
    qtbot.waitUntil(lambda: task.dialog is not None, timeout=5_000)
    task.cancel()
    assert finish(qtbot, task) == "cancelled"
    with qtbot.waitSignal(ctx.worker.idle, timeout=10_000):
        release.set()
    assert open_windows() == []
    assert not folders[0].exists()


def test_a_preview_destroyed_with_its_main_window_removes_its_file(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                   folders: list[Path]) -> None:
    from PySide6.QtWidgets import QDialog, QWidget

    main = QWidget()
    dialog = QDialog(main)        # a task view, say: the preview belongs to the window behind it
    task = report_jobs.open_report(ctx, dialog, "督办通知单", make_render(1), "notice.pdf")
    assert finish(qtbot, task) == "done"
    window = open_windows()[-1]
    assert window.parentWidget() is main
    main.deleteLater()
    qtbot.waitUntil(lambda: not folders[0].exists(), timeout=5_000)
    assert open_windows() == []
