"""The rule registry: every check is a documented rule with a permanent code.

A check is a function ``check(ctx) -> Iterable[Finding]`` in its own module
under ``validation/checks/``, decorated with :func:`rule`. Its docstring must
have the sections *What it checks*, *Why it matters*, *Example* and *Known
limitations* (a test enforces this). Codes are permanent and never reused.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from trialaudit.errors import ConfigurationError
from trialaudit.schemas.findings import Finding, RuleInfo, Severity

DOC_SECTIONS = ("What it checks", "Why it matters", "Example", "Known limitations")
RETIRED_CODES: dict[str, str] = {}  # code -> reason; retired codes are never reused


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity          # default (maximum) severity of its findings
    family: str
    func: Callable[..., Iterable[Finding]]
    module: str
    preview: str | None = None  # why the rule is off by default (measured precision), None when it runs by default

    @property
    def doc(self) -> str:
        import inspect

        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""

    def info(self) -> RuleInfo:
        return RuleInfo(code=self.code, name=self.name, severity=self.severity, family=self.family,
                        summary=self.summary, doc=self.doc, preview=self.preview)


_RULES: dict[str, Rule] = {}
_CODE_RE = re.compile(r"^TA\d{3}$")
_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")


class RegistryError(ConfigurationError):
    pass


def rule(code: str, name: str, severity: Severity, family: str, *, preview: str | None = None):
    """Register a check function under a permanent code and a kebab-case name.

    ``preview`` (a reason, with the precision measured on real articles) makes the rule opt-in: it
    runs only when selected by code or name (``--select``) or with ``--preview``, so a default run
    shows only findings whose rules have earned a reader's trust.
    """
    if not _CODE_RE.match(code):
        raise RegistryError(f"rule code {code!r} must look like TA123")
    if not _NAME_RE.match(name):
        raise RegistryError(f"rule name {name!r} must be kebab-case")
    if code in RETIRED_CODES:
        raise RegistryError(f"rule code {code} was retired ({RETIRED_CODES[code]}) and cannot be reused")

    def deco(func):
        existing = _RULES.get(code)
        if existing and existing.module != func.__module__:
            raise RegistryError(f"rule code {code} already used by {existing.module}")
        if any(r.name == name and r.code != code for r in _RULES.values()):
            raise RegistryError(f"rule name {name} already used")
        _RULES[code] = Rule(code=code, name=name, severity=severity, family=family, func=func, module=func.__module__,
                            preview=preview)
        func.rule_code = code
        return func

    return deco


_loaded = False


def load_rules() -> dict[str, Rule]:
    """Import every module in ``validation.checks`` and return the registry."""
    global _loaded
    if not _loaded:
        from . import checks

        for mod in sorted(pkgutil.iter_modules(checks.__path__), key=lambda m: m.name):
            if not mod.name.startswith("_"):
                importlib.import_module(f"{checks.__name__}.{mod.name}")
        _loaded = True
    return dict(sorted(_RULES.items()))


def all_rules() -> list[Rule]:
    return list(load_rules().values())


def get_rule(code_or_name: str) -> Rule | None:
    for r in load_rules().values():
        if code_or_name in (r.code, r.name):
            return r
    return None
