"""Which actions of docs/design.md §4 an office and a user may take on an assignment now.

Contract: `allowed_actions(office_role, user, status, own_unit=...)` lists, in
the order a clerk meets them, the actions `core.work.actions.record` would accept
from the assignment's current state, for this office and user:
- a user who cannot write (a viewer, a deactivated user) may take none;
- a hub office may record every action, the unit's ones on its behalf (代录);
- a unit office may record only claim, report, completion and extension
  request, and only on its own unit's assignments (`own_unit`);
- a closed or cancelled assignment takes no action.
`hub_may_write(office_role, user)` is the one check for the hub's own data (the
directory, the calendar, the deadline and scoring rules, weekly meetings, scores):
a user who may write (an active clerk or administrator) of a hub office.
`may_decide(policy, user, recorded_it=...)` is the office's rule for its decisions
(extension approval and rejection, close, return; `core.work.decisions`): under
"admin" only administrators, under "any" every writer, under "admin_or_other"
(the default) an administrator or a writer who did not record what is decided.
`allowed_actions(..., policy=, recorded=)` leaves out the decisions `may_decide`
refuses (`recorded`: the kinds — "extension_request", "completion" — whose pending
one this user recorded in this office).
It looks at the state and the pending extension only. The dates a clerk enters
are checked by `record` itself (never before the assignment date, never in the
future; an extension request dated after the completion due in force is
refused with its own sentence), so an action listed here may still be refused
for its date, its empty text or its files — never for the state, office or user.
Pure: no I/O, any thread.
"""
from __future__ import annotations

import datetime as dt
from typing import Protocol

from core.auth import User
from core.work.workflow import HUB_ACTIONS, OPEN_STATES, UNIT_ACTIONS

# The order of the buttons: the unit's steps first, then the hub's decisions.
ACTION_ORDER = ("claim", "report", "completion", "extension_request", "extension_approve",
                "extension_reject", "return", "close", "urge", "cancel")


class AssignmentState(Protocol):
    """What the permissions look at (workflow.Status and task_view.AssignmentBrief have it)."""

    @property
    def state(self) -> str: ...

    @property
    def pending_extension(self) -> dt.date | None: ...


def actions_from_state(state: str, pending_extension: dt.date | None) -> frozenset[str]:
    """The actions the life of an assignment allows from `state` (docs/design.md §4), whoever acts."""
    if state not in OPEN_STATES:
        return frozenset()
    ok = {"urge", "cancel"}
    if state == "assigned":
        ok.add("claim")
    if state in ("claimed", "in_progress"):
        ok |= {"report", "completion"}
        if pending_extension is None:
            ok.add("extension_request")
    if state == "submitted":
        ok |= {"return", "close"}
    if pending_extension is not None:
        ok |= {"extension_approve", "extension_reject"}
    return frozenset(ok)


DECISIONS = {"extension_approve": "extension_request", "extension_reject": "extension_request",
             "close": "completion", "return": "completion"}


def may_decide(policy: str, user: User, *, recorded_it: bool) -> bool:
    """Whether `user` may take a decision under the office's `policy` (see the module contract)."""
    if not user.can_write:
        return False
    if policy == "any":
        return True
    if user.role == "admin":
        return True
    return policy != "admin" and not recorded_it


def allowed_actions(office_role: str, user: User, status: AssignmentState, *, own_unit: bool = True,
                    policy: str = "any", recorded: frozenset[str] = frozenset()) -> list[str]:
    """The actions this office (`hub` or `unit`) and user may record now; see the module contract.

    `own_unit`: whether the assignment is the unit office's own (ignored for a hub).
    """
    if not user.can_write:
        return []
    by_state = actions_from_state(status.state, status.pending_extension)
    if office_role == "hub":
        may = UNIT_ACTIONS | HUB_ACTIONS
    elif office_role == "unit" and own_unit:
        may = UNIT_ACTIONS
    else:
        may = frozenset()
    return [a for a in ACTION_ORDER if a in by_state and a in may
            and (a not in DECISIONS or may_decide(policy, user, recorded_it=DECISIONS[a] in recorded))]


def hub_may_write(office_role: str, user: User) -> bool:
    """Whether `user` of an office of `office_role` may change the hub's own data (see the module contract)."""
    return office_role == "hub" and user.can_write
