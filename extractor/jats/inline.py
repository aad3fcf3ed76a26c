"""Inline content as a reader sees it: formatting flattened, xrefs as citations, MathML as text (χ², ≥, ×10⁹)."""
from __future__ import annotations

import html.entities
import re

from lxml import etree
from .xmltools import _CIT_CLOSE, _CIT_OPEN, _MARKER_RE, _RE_CITE_LIST, _RE_SUPERSCRIPTABLE, _RE_UNIT_BEFORE, _SUP, _desc, _ln, _ws




class _Inline:
    """Mixin of :class:`~.render._Renderer`: inline elements."""

    def inline(self, el, *, top: bool = True) -> str:
        """Text a reader sees for an element's content (children and their tails)."""
        out: list[str] = []
        if el.text:
            out.append(el.text)
        for c in el:
            out.append(self.inline_el(c, "".join(out)))
            if c.tail:
                out.append(c.tail)
        s = "".join(out)
        return _ws(s) if top else s

    def inline_el(self, c, before: str) -> str:
        name = _ln(c)
        if not name:
            if c.tag is etree.Entity:  # a named entity the (unloaded) DTD would define: &nbsp; &ndash; ...
                return html.entities.html5.get(c.name + ";", "")
            return ""
        if name in ("sup",):
            return self.sup(c, before)
        if name in ("math",):
            return self.math(c)
        if name in ("inline-formula", "disp-formula"):
            return self.formula(c)
        if name == "tex-math":
            return self.tex(c)
        if name == "alternatives":
            return self.alternatives(c, before)
        if name in ("break", "hr"):
            return " "
        if name in ("inline-graphic", "graphic", "media", "object-id", "alt-text", "long-desc"):
            return ""
        if name == "xref":
            return self.xref(c, before)
        if name in ("fn",):
            t = self.inline(c, top=False)
            return f" ({_ws(t)})" if _ws(t) else ""
        if name in ("table-wrap", "fig", "table-wrap-group", "fig-group", "list", "disp-quote", "boxed-text",
                    "supplementary-material", "def-list", "p", "sec", "title", "caption"):
            return " " + self.inline(c, top=False) + " "
        return self.inline(c, top=False)

    def xref(self, c, before: str) -> str:
        t = _ws(self.inline(c, top=False))
        kind = c.get("ref-type", "")
        if kind in ("table-fn", "fn") and self.in_table:
            return f"<sup>{t}</sup>" if t and not t.startswith("<sup>") else t
        if kind == "bibr" and _RE_CITE_LIST.match(t) and not re.search(r"[\[(,–\-]\s*$", before) \
                and re.search(r"[A-Za-z)\].,;:%]\s*$", before):
            return f" [{t}]"  # a bare numbered citation (rendered as superscript by the journal)
        if kind == "bibr" and _RE_CITE_LIST.match(t) and not self.in_table:
            return f"{_CIT_OPEN}{t}{_CIT_CLOSE}"  # "(3)" or "(3, 4)" around it becomes "[3]" (see _finish_citations)
        return t

    def sup(self, c, before: str) -> str:
        has_bibr = any(x.get("ref-type") == "bibr" for x in _desc(c, "xref"))
        has_fn = any(x.get("ref-type") in ("table-fn", "fn") for x in _desc(c, "xref"))
        t = _ws(self._sup_text(c))
        if not t:
            return ""
        if has_bibr and not self.in_table:
            t = t.strip("[]() ")
            return f" [{t}]" if _RE_CITE_LIST.match(t) else f" ({t})"
        if has_fn or (self.in_table and _MARKER_RE.match(t) and not re.search(r"10\s*$", before)):
            if re.fullmatch(r"[+\-−]", t):
                return t
            if t in ("2", "3") and _RE_UNIT_BEFORE.search(before.rstrip()):
                return t.translate(_SUP)
            return f"<sup>{t}</sup>"
        if re.fullmatch(r"[+\-−]", t):
            return t
        if re.search(r"(?:^|[^\d.])10\s*$", before) and _RE_SUPERSCRIPTABLE.match(t.replace(" ", "")):
            return t.replace(" ", "").translate(_SUP)          # 10⁹, 10⁻⁵
        if t in ("2", "3") and _RE_UNIT_BEFORE.search(before.rstrip()):
            return t.translate(_SUP)                             # m², cm³, χ²
        if re.fullmatch(r"st|nd|rd|th", t) and re.search(r"\d$", before):
            return t                                             # 1st, 2nd
        if _RE_CITE_LIST.match(t) and not self.in_table and self.n_refs and re.search(r"[A-Za-z)\].,;:%]\s*$", before):
            nums = [int(x) for x in re.findall(r"\d+", t)]
            if nums and max(nums) <= self.n_refs:
                return f" [{t}]"                                 # a citation after a word
        if _RE_SUPERSCRIPTABLE.match(t.replace(" ", "")):
            return t.replace(" ", "").translate(_SUP)
        return f"<sup>{t}</sup>"

    def _sup_text(self, c) -> str:
        out = [c.text or ""]
        for x in c:
            name = _ln(x)
            if name == "xref":
                out.append(_ws(self.inline(x, top=False)))
            elif name:
                out.append(self.inline_el(x, "".join(out)))
            out.append(x.tail or "")
        return "".join(out)

    def alternatives(self, c, before: str) -> str:
        kids = [x for x in c if _ln(x)]
        for pref in ("math", "inline-formula", "tex-math", "textual-form"):
            for x in kids:
                if _ln(x) == pref:
                    return self.inline_el(x, before)
        for x in kids:
            if _ln(x) not in ("graphic", "inline-graphic", "media"):
                return self.inline_el(x, before)
        return ""

    def formula(self, c) -> str:
        kids = [x for x in c if _ln(x) not in ("label",)]
        for x in kids:
            n = _ln(x)
            if n == "math":
                return self.math(x)
            if n == "alternatives":
                return self.alternatives(x, "")
            if n == "tex-math":
                return self.tex(x)
        return self.inline(c, top=False)

    def tex(self, c) -> str:
        s = "".join(c.itertext())
        m = re.search(r"\\begin\{document\}(.*?)\\end\{document\}", s, re.S)
        if m:
            s = m.group(1)
        s = s.strip().strip("$").strip()
        s = re.sub(r"\\(?:begin|end)\{[a-z*]+\}", "", s)
        return f" ${_ws(s)}$ " if s else ""

    def math(self, el) -> str:
        return _ws(self._mml(el))

    def _mml(self, el) -> str:
        n = _ln(el)
        kids = [x for x in el if _ln(x)]
        if n in ("mi", "mn", "mo", "mtext", "ms"):
            t = "".join(el.itertext())
            if n == "mo" and t.strip() in ("-",):
                return "−"
            return t
        if n == "mspace":
            return " "
        if n in ("annotation", "annotation-xml"):
            return ""
        if n == "semantics":
            return self._mml(kids[0]) if kids else ""
        if n == "msup" and len(kids) >= 2:
            base, exp = self._mml(kids[0]), _ws(self._mml(kids[1]))
            if _RE_SUPERSCRIPTABLE.match(exp.replace(" ", "")):
                return base + exp.replace(" ", "").translate(_SUP)
            return f"{base}^{exp}" if len(exp) == 1 else f"{base}^({exp})"
        if n == "msub" and len(kids) >= 2:
            return self._mml(kids[0]) + self._mml(kids[1])
        if n == "msubsup" and len(kids) >= 3:
            exp = _ws(self._mml(kids[2]))
            sup = exp.translate(_SUP) if _RE_SUPERSCRIPTABLE.match(exp) else f"^{exp}"
            return self._mml(kids[0]) + self._mml(kids[1]) + sup
        if n == "mfrac" and len(kids) >= 2:
            a, b = _ws(self._mml(kids[0])), _ws(self._mml(kids[1]))
            a = f"({a})" if re.search(r"\s|[+\-−]", a) and len(a) > 1 else a
            b = f"({b})" if re.search(r"\s|[+\-−]", b) and len(b) > 1 else b
            return f"{a}/{b}"
        if n == "msqrt":
            return "√(" + "".join(self._mml(k) for k in kids) + ")"
        if n == "mroot" and len(kids) >= 2:
            return f"{self._mml(kids[1])}√({self._mml(kids[0])})"
        if n in ("mover", "munder", "munderover") and kids:
            base = self._mml(kids[0])
            acc = _ws(self._mml(kids[1])) if len(kids) > 1 else ""
            if n == "mover" and acc in ("¯", "‾", "_", "−", "-", "\u0304"):
                return base + "\u0304"
            if n == "mover" and acc in ("^", "ˆ"):
                return base + "\u0302"
            if n == "munder":
                return base + acc if acc not in ("_", "‾") else base
            return base
        if n == "mfenced":
            open_, close = el.get("open", "("), el.get("close", ")")
            seps = el.get("separators", ",")
            return open_ + (seps[:1] or ",").join(self._mml(k) for k in kids) + close
        if n in ("mtable",):
            return " ".join(self._mml(k) for k in kids)
        text = el.text or ""
        return text + "".join(self._mml(k) + (k.tail or "") for k in kids)

    # ------------------------------------------------------------------ front matter
