"""Back matter: acknowledgements, declarations, appendices and the reference list with its fields."""
from __future__ import annotations

import re
from .xmltools import _child, _children, _desc, _ln, _plain, _ws





class _Back:
    """Mixin of :class:`~.render._Renderer`: back matter and references."""

    def back(self) -> None:
        back = _child(self.root, "back")
        if back is not None:
            for c in back:
                if _ln(c) != "ref-list":
                    self.back_el(c, 2)
        # funding statements from the front matter
        meta = _desc(self.root, "article-meta")
        if meta:
            fg = _desc(meta[0], "funding-group")
            if fg:
                st = _desc(fg[0], "funding-statement")
                text = " ".join(self.inline(x) for x in st) if st else \
                    "; ".join(self.inline(x) for x in _desc(fg[0], "award-group"))
                if _ws(text):
                    self._heading(2, "Funding", fg[0], kind="declarations")
                    self.w.block(text, fg[0])
        floats = _child(self.root, "floats-group")
        rest = [el for el in self.floats.values() if self._key(el) not in self.emitted]
        if rest:
            for el in rest:
                self.block_el(el, 3)
        if floats is not None:
            for c in floats:
                if self._key(c) not in self.emitted and _ln(c) not in ("table-wrap", "fig"):
                    self.block_el(c, 3)
        if back is not None:
            for rl in _children(back, "ref-list"):
                self.ref_list(rl)

    def _body_blocks(self, c, level: int) -> None:
        """The children of a back-matter element (its title and label already written) as blocks."""
        for x in c:
            if _ln(x) not in ("title", "label"):
                self.block_el(x, level)

    def back_el(self, c, level: int) -> None:
        n = _ln(c)
        t = _child(c, "title")
        title = self.inline(t) if t is not None else ""
        if n == "ack":
            self._heading(level, title or "Acknowledgements", t if t is not None else c, kind="acknowledgements")
            self._body_blocks(c, level + 1)
        elif n == "fn-group":
            self._heading(level, title or "Notes", t if t is not None else c, kind="declarations")
            for fn in _children(c, "fn"):
                self.w.block(self._fn_text(fn), fn)
        elif n in ("app-group",):
            if title:
                self._heading(level, title, t, kind="declarations")
            for x in c:
                if _ln(x) not in ("title", "label"):
                    self.back_el(x, level + (1 if title else 0))
        elif n == "app":
            lab = _child(c, "label")
            head = " ".join(x for x in (self.inline(lab) if lab is not None else "", title) if x) or "Appendix"
            self._heading(level, head, t if t is not None else c, kind="declarations")
            self._body_blocks(c, level + 1)
        elif n == "glossary":
            self._heading(level, title or "Abbreviations", t if t is not None else c, kind="declarations")
            self._body_blocks(c, level + 1)
        elif n == "notes":
            self._heading(level, title or "Notes", t if t is not None else c, kind="declarations")
            for x in c:
                if _ln(x) not in ("title", "label"):
                    if _ln(x) == "notes":
                        self.back_el(x, level + 1)
                    else:
                        self.block_el(x, level + 1)
        elif n == "sec":
            self.section(c, level, "declarations")
        elif n in ("ref-list",):
            self.ref_list(c)
        else:
            self.block_el(c, level)

    def collect_refs(self) -> None:
        """Number the references (labels where numeric, else their order) before the body is rendered."""
        k = 0
        for rl in _desc(self.root, "ref-list"):
            for ref in _desc(rl, "ref"):
                k += 1
                lab = _child(ref, "label")
                m = re.match(r"^\[?(\d{1,3})[.\]]?$", _plain(lab)) if lab is not None else None
                num = int(m.group(1)) if m else k
                if ref.get("id"):
                    self.ref_numbers[ref.get("id")] = num
                self.n_refs = max(self.n_refs, num)

    def ref_list(self, rl) -> None:
        t = _child(rl, "title")
        self._heading(2, self.inline(t) if t is not None and self.inline(t) else "References",
                      t if t is not None else rl, kind="references")
        for ref in _children(rl, "ref"):
            num = self.ref_numbers.get(ref.get("id") or "", None)
            cit = next((x for x in ref if _ln(x) in ("element-citation", "mixed-citation", "citation",
                                                    "nlm-citation")), None)
            if cit is None:
                text = self.inline(ref)
                fields: dict = {}
            else:
                text, fields = self._citation(cit)
            if num is None:
                num = len(self.ref_fields) + 1
            self.ref_fields[num] = fields
            text = re.sub(r"^\[?\d{1,3}[.\]]\s*", "", text)
            if text:
                self.w.block(f"{num}. {text}", ref)
        for x in _children(rl, "ref-list"):
            self.ref_list(x)

    def _citation(self, cit) -> tuple[str, dict]:
        authors = []
        for pg in _desc(cit, "person-group"):
            if pg.get("person-group-type", "author") != "author":
                continue
            for nm in pg:
                n = _ln(nm)
                if n in ("name", "string-name"):
                    sn = _plain(_child(nm, "surname"))
                    gn = _plain(_child(nm, "given-names"))
                    authors.append(f"{sn} {gn}".strip() if sn else _plain(nm))
                elif n == "collab":
                    authors.append(_plain(nm))
                elif n == "etal":
                    authors.append("et al")
        if not authors:
            for nm in _children(cit, "name", "string-name", "collab"):
                sn = _plain(_child(nm, "surname"))
                gn = _plain(_child(nm, "given-names"))
                authors.append(f"{sn} {gn}".strip() if sn else _plain(nm))
        title_el = _child(cit, "article-title")
        if title_el is None:
            title_el = _child(cit, "chapter-title")
        title = self.inline(title_el) if title_el is not None else None
        source = _plain(_child(cit, "source")) or None
        year_t = _plain(_child(cit, "year"))
        ym = re.search(r"(1[89]\d\d|20\d\d)", year_t)
        year = int(ym.group(1)) if ym else None
        fields = {"authors": [a for a in authors if a != "et al"], "title": title, "journal": source, "year": year}
        if _ln(cit) == "mixed-citation" or (cit.text and cit.text.strip()) or any((x.tail or "").strip().strip(",.;:") for x in cit):
            return self.inline(cit), fields
        parts = []
        if authors:
            a = ", ".join(x for x in authors if x != "et al")
            parts.append(a + (", et al." if "et al" in authors else "."))
        if title:
            parts.append(title if title.endswith((".", "?", "!")) else title + ".")
        src = source or ""
        vol = _plain(_child(cit, "volume"))
        iss = _plain(_child(cit, "issue"))
        fp, lp = _plain(_child(cit, "fpage")), _plain(_child(cit, "lpage"))
        tail = f"{src}." if src else ""
        if year_t:
            tail += f" {year_t}"
        if vol:
            tail += f";{vol}"
            if iss:
                tail += f"({iss})"
        if fp:
            tail += f":{fp}" + (f"–{lp}" if lp else "")
        if tail.strip():
            parts.append(tail.strip() + ".")
        return _ws(" ".join(parts)), fields

    # ------------------------------------------------------------------ driver
