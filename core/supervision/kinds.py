"""The fixed vocabularies of supervision (docs/design.md §7), shared by the core, the CLI and the pages."""
from __future__ import annotations

from core.i18n import N_

METHODS = ("survey", "service", "targeted", "joint", "follow_through")  # 调研型 服务型 靶向性 联合型 钉子型
METHOD_WORDS = {"survey": N_("survey"), "service": N_("service"), "targeted": N_("targeted"),
                "joint": N_("joint"), "follow_through": N_("follow-through")}
SEVERITIES = ("minor", "major")
SEVERITY_WORDS = {"minor": N_("minor"), "major": N_("major")}
CATEGORY_WORDS = {"recognition": N_("Recognition"), "accountability": N_("Accountability"),
                  "finding": N_("Finding")}  # the categories of a cadre record (core.supervision.people.record)
