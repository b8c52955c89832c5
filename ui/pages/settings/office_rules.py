"""Settings → rules of the office: who approves or rejects extensions, closes (销号) and returns (退回).

Contract: `OfficeRulesSection(ctx, parent)` loads `core.work.decisions.decision_policy`
through `ctx.query` (emits `loaded`) and shows the three rules as radio buttons
(`buttons`: policy → QRadioButton). "Save" stores the chosen one with
`save_decision_policy` through `ctx.write` (emits `saved`); a refusal shows in red
(`refused(str)`). Only a hub's administrator may change it; others see it read only.
Threading: GUI thread only.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from core.work.decisions import POLICIES, POLICY_LABELS, decision_policy, save_decision_policy
from ui.pages.directory.form import alive, error_label
from ui.pages.settings.common import say, show_failure
from ui.shell.context import AppContext


class OfficeRulesSection(QWidget):
    """Rules of the office (see the module contract)."""

    loaded = Signal()
    saved = Signal()
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = ctx.hub_may_write and ctx.is_admin
        heading = QLabel(_("Who approves or rejects extensions, closes (销号) and returns (退回) items:"))
        heading.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        for policy in POLICIES:
            button = QRadioButton(_(POLICY_LABELS[policy]))
            button.setEnabled(self.editable)
            self.group.addButton(button)
            self.buttons[policy] = button
            layout.addWidget(button)
        self.save_button = QPushButton(_("&Save"))
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(self.editable)
        self.message = error_label(_("Message"))
        note = QLabel(_("Each decision names who took it in the task's timeline (批准人). Only an administrator "
                        "changes this rule."))
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(note)
        layout.addStretch(1)
        self.reload()

    def reload(self) -> None:
        self.ctx.query(decision_policy, alive(self, self._loaded))

    def _loaded(self, policy: str) -> None:
        self.buttons[policy].setChecked(True)
        self.loaded.emit()

    def chosen(self) -> str:
        return next((p for p, b in self.buttons.items() if b.isChecked()), POLICIES[0])

    def save(self) -> None:
        if not self.editable:
            return
        policy = self.chosen()

        def done(_result: Any) -> None:
            say(self.message, _("Saved."))
            self.saved.emit()
        self.ctx.write(lambda s: save_decision_policy(s, policy), alive(self, done), alive(self, self._failed))

    def _failed(self, exc: Exception) -> None:
        show_failure(self.message, exc, self.refused)
