"""Typed settings with documented defaults; unknown options are errors.

Settings come from ``[tool.trialaudit]`` in a ``pyproject.toml``, a
``trialaudit.toml`` file, or ``--config FILE``; command-line flags override.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from trialaudit.errors import ConfigurationError
from trialaudit.extractor.loader import ReadLimits
from trialaudit.schemas.base import Model


class SettingsError(ConfigurationError):
    pass


class Settings(Model):
    """All options of a check run."""

    select: list[str] = Field(default_factory=list, description="Run only these rule codes or names (empty: all).")
    ignore: list[str] = Field(default_factory=list, description="Skip these rule codes or names.")
    preview: bool = Field(False, description="Also run the preview rules (off by default because their measured "
                                            "precision on real articles is low; 'trialaudit rules' says which).")
    min_severity: Literal["error", "warning", "info"] = Field(
        "info", description="Drop findings below this severity from the output.")
    percent_min_denominator: int = Field(
        1, ge=1, description="Smallest denominator for which percentages are checked.")
    alpha: float = Field(0.05, gt=0, lt=1, description="Significance level for decision errors and claims.")
    max_pages: int = Field(500, ge=1, description="PDF page limit; longer PDFs are refused.")
    timeout_s: float = Field(120.0, gt=0, description="Per-document time limit for PDF ingestion (seconds).")
    jobs: int = Field(1, ge=1, le=64, description="Worker processes for batches.")
    max_file_bytes: int = Field(50_000_000, ge=1, description="Files larger than this are refused.")
    pdf_layout: dict[str, float | int | bool | None] = Field(
        default_factory=dict,
        description="PDF layout tolerances by name ([tool.trialaudit.pdf_layout]); the fields of "
                    "trialaudit.extractor.pdf.LayoutSettings, e.g. x_tolerance_ratio = 0.1.")

    @field_validator("pdf_layout")
    @classmethod
    def _known_layout_settings(cls, v: dict) -> dict:
        from trialaudit.extractor.pdf.settings import LayoutSettings

        LayoutSettings.from_mapping(v)  # raises ValueError naming unknown settings
        return v

    max_article_chars: int = Field(
        2_000_000, ge=1000,
        description="Articles whose text is longer than this many characters are refused as too large "
                    "(a long trial report is 50,000-150,000 characters).")
    max_table_rows: int = Field(
        5_000, ge=10, description="Articles holding a table with more rows than this are refused as too large.")
    article_time_budget_s: float = Field(
        60.0, gt=0,
        description="Time for the rules on one article (seconds); when it runs out the remaining rules are "
                    "skipped and a TA901 finding says which rule timed out.")

    def read_limits(self) -> ReadLimits:
        """The limits for :func:`trialaudit.extractor.loader.read_document`."""
        return ReadLimits(max_bytes=self.max_file_bytes, max_chars=self.max_article_chars,
                          max_table_rows=self.max_table_rows)

    exclude: list[str] = Field(default_factory=list,
                               description="Glob patterns of files to skip inside folders (e.g. 'drafts/*', '*.bak.md').")

    @field_validator("select", "ignore", "exclude", mode="before")
    @classmethod
    def _split_commas(cls, v):
        """Accept ``"TA101,TA102"`` as well as lists (and lists of comma-separated strings)."""
        if v is None:
            return []
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, (list, tuple)):
            return v
        out: list[str] = []
        for item in v:
            if not isinstance(item, str):
                out.append(item)
                continue
            out.extend(p.strip() for p in item.split(",") if p.strip())
        return out

    @model_validator(mode="after")
    def _known_rules(self):
        """An unknown rule code or name is an error naming it, never a silent empty selection."""
        if not (self.select or self.ignore):
            return self
        from trialaudit.validation.registry import load_rules

        known = {k for r in load_rules().values() for k in (r.code, r.name)}
        for opt in ("select", "ignore"):
            bad = [x for x in getattr(self, opt) if x not in known]
            if bad:
                raise ValueError(f"{opt}: unknown rule {', '.join(repr(b) for b in bad)} "
                                 f"(run 'trialaudit rules' for the list)")
        return self

    def wants(self, code: str, name: str, preview: bool = False) -> bool:
        """Run this rule? Selected (or no selection), not ignored, and — for a preview rule — selected by
        code or name or enabled with ``preview``."""
        keys = {code, name}
        if self.select and not (keys & set(self.select)):
            return False
        if preview and not self.preview and not (keys & set(self.select)):
            return False
        return not (keys & set(self.ignore))


def load_settings(config: str | Path | None = None, overrides: dict | None = None) -> Settings:
    """Load settings from a file (or the working directory) and apply overrides."""
    data: dict = {}
    path = Path(config) if config else None
    if path is None:
        for cand in (Path("trialaudit.toml"), Path("pyproject.toml")):
            if cand.is_file():
                path = cand
                break
        else:
            path = None
        if path is not None and path.name == "pyproject.toml":
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                raw = {}
            if "trialaudit" not in raw.get("tool", {}):
                path = None
    if path is not None:
        if not path.is_file():
            raise SettingsError(f"config file {path} not found")
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: invalid TOML: {exc}") from exc
        data = raw.get("tool", {}).get("trialaudit", raw) if path.name == "pyproject.toml" else raw.get("trialaudit", raw)
    data = {**data, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    try:
        return Settings(**data)
    except ValidationError as exc:
        msgs = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e["loc"])
            if e["type"] == "extra_forbidden":
                msgs.append(f"unknown option '{loc}' (known: {', '.join(Settings.model_fields)})")
            elif not loc:
                msgs.append(str(e["msg"]).removeprefix("Value error, "))
            else:
                msgs.append(f"option '{loc}': {e['msg']}")
        raise SettingsError("; ".join(msgs)) from None
