"""Who may take the county office's decisions on a task: extension approval and
rejection, closing (销号) and returning (退回) — a rule of the office (setting `decisions_by`).

Contract:
- `POLICIES`: "admin_or_other" (the default: an administrator, or any other hub clerk
  than the one who recorded what is decided — the pending extension request, or the
  standing completion — in this office), "admin" (administrators only) and "any"
  (any hub clerk or administrator).
- `decision_policy(db)` → the policy in force; `save_decision_policy(s, policy)`
  stores it (administrator only; refused in a sentence, nothing changed, for an
  unknown policy), audited as `decisions_by`.
- `recorder(db, assignment_id, kind, office_uuid)` → the user name that recorded, in
  this office, what `kind` decides (the latest extension request or completion), or
  None when another office recorded it (a unit's own report, imported by sync).
- `check_decider(s, assignment_id, kind)` refuses (Refusal, one sentence saying who
  may) a decision the policy does not allow this user; other kinds pass. Called by
  `core.work.actions.record` inside its transaction, so the CLI and the GUI obey the same rule.
- `own_records(db, assignment_id, office_uuid, user_name)` → the kinds
  ("extension_request", "completion") whose latest one this user recorded here;
  `allowed_here(db, office, user, brief)` → `core.permissions.allowed_actions` with the
  office's rule applied (what the task view's buttons offer; read-only, any thread owning `db`).
The approver is the event's `user_name` (every event row names who recorded it).
"""
from __future__ import annotations

import sqlite_utils

from core.auth import User
from core.errors import Refusal, UsageError
from core.i18n import N_, _
from core.office import Changes, Office, Session, get_setting, set_setting
from core.permissions import allowed_actions, may_decide
from core.work.task_view import AssignmentBrief

SETTING = "decisions_by"
POLICIES = ("admin_or_other", "admin", "any")
DEFAULT_POLICY = "admin_or_other"
POLICY_LABELS = {
    "admin_or_other": N_("An administrator, or a clerk other than the one who recorded the request or completion"),
    "admin": N_("Administrators only"),
    "any": N_("Any clerk or administrator of the county office"),
}
# the decision → the kind of event it decides on
DECIDES_ON = {"extension_approve": "extension_request", "extension_reject": "extension_request",
              "close": "completion", "return": "completion"}


def decision_policy(db: sqlite_utils.Database) -> str:
    value = get_setting(db, SETTING, DEFAULT_POLICY)
    return value if value in POLICIES else DEFAULT_POLICY


def save_decision_policy(s: Session, policy: str) -> Changes:
    """Store who may decide (see the module contract); equal to the stored one saves nothing."""
    s.require_write(admin=True)
    s.require_hub()
    if policy not in POLICIES:
        raise UsageError(_("'{policy}' is not a rule for decisions; choose admin_or_other, admin or any.").format(
            policy=policy))
    if policy == decision_policy(s.db):
        return Changes()
    with s.write(admin=True) as db:
        set_setting(db, SETTING, policy)
        s.audit("decisions_by", policy=policy)
    return Changes()


def recorder(db: sqlite_utils.Database, assignment_id: int, kind: str, office_uuid: str) -> str | None:
    """Who recorded, in this office, the event `kind` decides on (see the module contract)."""
    row = db.execute("SELECT user_name, owner FROM event WHERE assignment_id = ? AND kind = ? "
                     "ORDER BY effective_date DESC, id DESC LIMIT 1",
                     [assignment_id, DECIDES_ON[kind]]).fetchone()
    return str(row[0]) if row is not None and row[1] == office_uuid else None


def own_records(db: sqlite_utils.Database, assignment_id: int, office_uuid: str, user_name: str) -> frozenset[str]:
    """The kinds decided on whose latest one `user_name` recorded in this office (see the module contract)."""
    return frozenset(kind for kind, decision in (("extension_request", "extension_approve"),
                                                 ("completion", "close"))
                     if recorder(db, assignment_id, decision, office_uuid) == user_name)


def allowed_here(db: sqlite_utils.Database, office: Office, user: User, brief: AssignmentBrief) -> list[str]:
    """The actions `user` may record on `brief` now, the office's rule for decisions applied."""
    return allowed_actions(office.role, user, brief, own_unit=brief.unit_id == office.unit_id,
                           policy=decision_policy(db), recorded=own_records(db, brief.id, office.uuid, user.name))


def check_decider(s: Session, assignment_id: int, kind: str) -> None:
    """Refuse a decision this user may not take under the office's rule (see the module contract)."""
    if kind not in DECIDES_ON or not s.is_hub:
        return
    policy = decision_policy(s.db)
    own = recorder(s.db, assignment_id, kind, s.office.uuid) == s.user.name
    if may_decide(policy, s.user, recorded_it=own):
        return
    if policy == "admin":
        raise Refusal(_("Only an administrator may approve or reject extensions, close or return items in this "
                        "office (Settings → rules of the office); ask an administrator."))
    if DECIDES_ON[kind] == "extension_request":
        raise Refusal(_("You recorded the extension request yourself; another clerk or an administrator decides "
                        "it (Settings → rules of the office)."))
    raise Refusal(_("You recorded the completion report yourself; another clerk or an administrator closes or "
                    "returns it (Settings → rules of the office)."))


__all__ = ["DECIDES_ON", "DEFAULT_POLICY", "POLICIES", "POLICY_LABELS", "SETTING", "allowed_here",
           "check_decider", "decision_policy", "own_records", "recorder", "save_decision_policy"]
