"""The renderer: a JATS ``<article>`` into canonical Markdown, with the XML path of every block."""
from __future__ import annotations



from trialaudit.schemas.document import (ArticleMeta, SourcePath)
from .back import _Back
from .body import _Body
from .front import _Front
from .inline import _Inline
from .tables import _Tables
from .xmltools import _TablePlan, _desc, _finish_citations, _ln



class _Writer:
    """Accumulates the canonical text and the XML path map."""

    def __init__(self, tree):
        self.parts: list[str] = []
        self.pos = 0
        self.paths: list[SourcePath] = []
        self.tree = tree

    def path(self, el) -> str:
        try:
            return self.tree.getpath(el)
        except (ValueError, TypeError):
            return ""

    def write(self, s: str) -> tuple[int, int]:
        s = _finish_citations(s)
        a = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return a, self.pos

    def block(self, text: str, el=None, *, path: str | None = None) -> tuple[int, int] | None:
        text = _finish_citations(text).strip()
        if not text:
            return None
        a, b = self.write(text)
        self.write("\n\n")
        p = path if path is not None else (self.path(el) if el is not None else "")
        if p:
            self.paths.append(SourcePath(char_start=a, char_end=b, path=p))
        return a, b

    def text(self) -> str:
        return "".join(self.parts)



class _Renderer(_Inline, _Front, _Body, _Tables, _Back):
    """Render a JATS ``<article>`` into canonical Markdown."""

    def __init__(self, root):
        self.root = root
        self.tree = root.getroottree()
        self.w = _Writer(self.tree)
        self.warnings: list[str] = []
        self.tables: list[_TablePlan] = []
        self.section_kinds: list[tuple[int, str]] = []     # heading offset -> intended kind
        self.ref_fields: dict[int, dict] = {}
        self.ref_numbers: dict[str, int] = {}              # ref id -> number
        self.n_refs = 0
        self.floats: dict[str, object] = {}
        self.emitted: set[str] = set()
        self.meta = ArticleMeta()
        self.title: str | None = None
        self.in_table = 0

    def _key(self, el) -> str:
        return self.w.path(el)

    # ------------------------------------------------------------------ inline text
    def render(self) -> str:
        self.collect_refs()
        for fg in _desc(self.root, "floats-group"):
            for x in fg:
                if _ln(x) in ("table-wrap", "fig", "table-wrap-group", "fig-group", "boxed-text") and x.get("id"):
                    self.floats[x.get("id")] = x
        self.front()
        self.body()
        self.back()
        return self.w.text()
