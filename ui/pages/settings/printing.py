"""Settings → printed materials: the issuing office, the document-number prefix, the contact, the 抄送.

Contract: `PrintingSection(ctx, parent)` loads `core.reports.settings.print_settings`
through `ctx.query` (emits `loaded`) and saves the five fields (the fifth, `copy_to`,
is the 抄送 list of the 版记) with
`save_print_settings` through `ctx.write` ("Save", Enter in a field); a refusal shows
in red in the section (`refused(str)`), a save emits `saved`. The example number
(卫督〔2026〕12号) follows the prefix as it is typed. Viewers cannot edit.
Threading: GUI thread only.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from core.i18n import _
from core.reports.layout import doc_number
from core.reports.settings import PrintSettings, print_settings, save_print_settings
from ui.pages.directory.form import alive, error_label
from ui.pages.settings.common import say, show_failure
from ui.shell.context import AppContext


class PrintingSection(QWidget):
    """Printed materials (see the module contract)."""

    loaded = Signal()
    saved = Signal()
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office = QLineEdit()
        self.office.setAccessibleName(_("Issuing office"))
        self.prefix = QLineEdit()
        self.prefix.setAccessibleName(_("Document-number prefix"))
        self.prefix.setPlaceholderText("卫督")
        self.example = QLabel()
        self.example.setAccessibleName(_("Example document number"))
        self.contact = QLineEdit()
        self.contact.setAccessibleName(_("Contact person"))
        self.phone = QLineEdit()
        self.phone.setAccessibleName(_("Contact phone"))
        self.copy_to = QLineEdit()
        self.copy_to.setAccessibleName(_("Copy to"))
        self.copy_to.setPlaceholderText("县委、县政府领导")
        self.save_button = QPushButton(_("&Save"))
        self.save_button.clicked.connect(self.save)
        self.message = error_label(_("Message"))
        form = QFormLayout()
        for text, widget in ((_("Issuing &office:"), self.office), (_("Document-number &prefix:"), self.prefix),
                             (_("Example:"), self.example), (_("Con&tact person:"), self.contact),
                             (_("Contact p&hone:"), self.phone), (_("Cop&y to:"), self.copy_to)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        for edit in (self.office, self.prefix, self.contact, self.phone, self.copy_to):
            edit.setReadOnly(not ctx.can_write)
            edit.returnPressed.connect(self.save)
        self.prefix.textChanged.connect(self._example)
        self.save_button.setVisible(ctx.can_write)
        note = QLabel(_("These details print on the supervision notices, urge notices and bulletins. Each document "
                        "keeps the number it was first printed with; the copy-to list prints in the closing block."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(note)
        layout.addStretch(1)
        self.setTabOrder(self.office, self.prefix)
        self.setTabOrder(self.prefix, self.contact)
        self.setTabOrder(self.contact, self.phone)
        self.setTabOrder(self.phone, self.copy_to)
        self.setTabOrder(self.copy_to, self.save_button)
        self.reload()

    def reload(self) -> None:
        self.ctx.query(print_settings, alive(self, self._loaded))

    def _loaded(self, ps: PrintSettings) -> None:
        self.office.setText(ps.office)
        self.prefix.setText(ps.prefix)
        self.contact.setText(ps.contact)
        self.phone.setText(ps.phone)
        self.copy_to.setText(ps.copy_to)
        self._example()
        self.loaded.emit()

    def _example(self) -> None:
        self.example.setText(doc_number(self.prefix.text().strip(), self.ctx.today().year, 12))

    def values(self) -> PrintSettings:
        return PrintSettings(self.office.text(), self.prefix.text(), self.contact.text(), self.phone.text(),
                             self.copy_to.text())

    def save(self) -> None:
        if not self.ctx.can_write:
            return
        ps = self.values()

        def done(_result: Any) -> None:
            say(self.message, _("Saved."))
            self.saved.emit()
            self.reload()
        self.ctx.write(lambda s: save_print_settings(s, ps), alive(self, done), alive(self, self._failed))

    def _failed(self, exc: Exception) -> None:
        show_failure(self.message, exc, self.refused)
