"""Which group (arm, total, the whole cohort) a table column or row label names."""
from __future__ import annotations

import re
from dataclasses import dataclass

from trialaudit.schemas.study import Arm

from .arms import TOTAL_WORDS, resolve_arm, strip_n


def group_label(label: str) -> str:
    """A column/row label without 'n = ..' and cited reference numbers."""
    base, _ = strip_n(label.split(" / ")[0])
    base = re.sub(r"\s*\(\s*\d+(?:\s*[,\-–‑]\s*\d+)*\s*\)", "", base)
    return base.strip(" ,;:") or label


@dataclass
class GroupRef:
    """One group (arm, total, cohort) a column or row belongs to."""

    label: str
    arm: Arm | None


def resolve_group(label: str, arms: list[Arm], single_arm: Arm | None) -> GroupRef | None:
    """The arm or group a column/row label names; None when the label is not a group."""
    if not label.strip():
        return None
    top = label.split(" / ")[0]
    arm = resolve_arm(top, arms)
    if arm is not None:
        return GroupRef(arm.label, arm)
    base, n = strip_n(top)
    if TOTAL_WORDS.match(base.strip()):
        tot = next((a for a in arms if a.is_total), None)
        return GroupRef(tot.label if tot else "Total", tot)
    generic = re.fullmatch(r"(?i)(?:value|values|results?|n\s*\(%\)|no\.?\s*\(%\)|data|patients?|all patients|"
                           r"overall|cohort|outcome/range|value/result|n\s*=?\s*\d*)", base.strip())
    if generic and single_arm is not None:
        return GroupRef(single_arm.label, single_arm)
    if generic and not any(not a.is_total for a in arms):
        return GroupRef("Overall", None)   # a study with no arm named: the whole population
    if n is not None:
        return GroupRef(group_label(top), None)
    return None
