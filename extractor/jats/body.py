"""Body: sections with their titles and sec-type, paragraphs, lists, figures."""
from __future__ import annotations

import re
from .xmltools import _SEC_TYPE_KIND, _child, _children, _ln, _sec_type_key, _sentence, _title_kind, _ws





class _Body:
    """Mixin of :class:`~.render._Renderer`: the body's blocks."""

    def _heading(self, level: int, text: str, el, kind: str | None = None) -> None:
        text = _ws(text)
        if not text:
            return
        r = self.w.block("#" * max(1, min(level, 6)) + " " + text, el)
        if r and kind:
            self.section_kinds.append((r[0], kind))

    def body(self) -> None:
        body = _child(self.root, "body")
        if body is None:
            self.warnings.append("JATS: the article has no <body> (abstract only)")
            return
        from ..text import section_kind_of

        top: str | None = None   # like the text parser: an unnamed top-level section continues the previous kind
        for c in body:
            if _ln(c) != "sec":
                self.block_el(c, 2)
                continue
            t = _child(c, "title")
            title = self.inline(t) if t is not None else ""
            own = _SEC_TYPE_KIND.get(_sec_type_key(c.get("sec-type", ""))) or _title_kind(title) or \
                (section_kind_of(title) if title else None)
            if own and own not in ("statistics",):
                top = own
            self.section(c, 2, None if own else top)

    def section(self, sec, level: int, kind_hint: str | None = None) -> None:
        t = _child(sec, "title")
        lab = _child(sec, "label")
        title = self.inline(t) if t is not None else ""
        if lab is not None and title and self.inline(lab):
            lt = self.inline(lab).rstrip(".")
            if not title.startswith(lt):
                title = f"{lt} {title}"
        kind = _SEC_TYPE_KIND.get(_sec_type_key(sec.get("sec-type", ""))) or _title_kind(title) or kind_hint
        if title:
            self._heading(level, title, t, kind=kind)
        for c in sec:
            n = _ln(c)
            if n in ("title", "label", "sec-meta"):
                continue
            if n == "sec":
                self.section(c, level + 1 if title else level, kind)
            else:
                self.block_el(c, level + 1)

    def block_el(self, c, level: int) -> None:
        n = _ln(c)
        if not n:
            return
        if n == "sec":
            self.section(c, level)
        elif n == "p":
            self.paragraph(c)
        elif n in ("table-wrap",):
            self.table_wrap(c)
        elif n == "table-wrap-group":
            for x in c:
                if _ln(x) == "table-wrap":
                    self.table_wrap(x)
                elif _ln(x) == "caption":
                    self.w.block(self._caption_text(x), x)
        elif n == "fig":
            self.figure(c)
        elif n == "fig-group":
            cap = _child(c, "caption")
            if cap is not None:
                self.w.block(self._caption_text(cap), cap)
            for x in _children(c, "fig"):
                self.figure(x)
        elif n == "list":
            self.list_(c)
        elif n == "def-list":
            self.def_list(c)
        elif n in ("disp-quote", "boxed-text", "statement", "speech", "verse-group"):
            lab = _child(c, "label")
            cap = _child(c, "caption")
            t = _child(c, "title")
            head = " ".join(x for x in (self.inline(lab) if lab is not None else "",
                                        self.inline(t) if t is not None else "",
                                        self._caption_text(cap) if cap is not None else "") if x)
            if head:
                self.w.block(head if head.endswith((".", ":", "?")) else head + ".", c)
            for x in c:
                if _ln(x) not in ("label", "title", "caption"):
                    self.block_el(x, level)
        elif n == "supplementary-material":
            lab = _child(c, "label")
            cap = _child(c, "caption")
            parts = [self.inline(lab) if lab is not None else "", self._caption_text(cap) if cap is not None else ""]
            text = " ".join(x for x in parts if x)
            if text:
                self.w.block(_sentence(("Supplementary material: " if not re.match(r"(?i)supp|additional|appendix|data|s\d", text)
                              else "") + text), c)
        elif n == "disp-formula":
            self.w.block(self.formula(c), c)
        elif n in ("title",):
            self.w.block(self.inline(c), c)
        elif n in ("graphic", "media", "alternatives", "label", "object-id", "inline-graphic", "ack", "ref-list",
                   "fn-group", "notes", "glossary", "app-group", "app", "caption", "sec-meta"):
            if n in ("ack", "notes", "glossary", "app-group", "app", "fn-group"):
                self.back_el(c, level)
        else:
            txt = self.inline(c)
            if txt:
                self.w.block(txt, c)

    def paragraph(self, p) -> None:
        self._paragraph_with_prefix(p, "")

    def _paragraph_with_prefix(self, p, prefix: str) -> None:
        """A paragraph; block children (tables, figures, lists) split it into several blocks."""
        buf = [prefix, p.text or ""]
        xref_ids: list[str] = []

        def flush():
            t = _ws("".join(buf))
            if t:
                self.w.block(t, p)
            buf.clear()

        for c in p:
            n = _ln(c)
            if n in ("table-wrap", "fig", "list", "disp-quote", "boxed-text", "table-wrap-group", "fig-group",
                     "def-list", "supplementary-material", "disp-formula-group"):
                flush()
                self.block_el(c, 3)
            else:
                if n == "xref" and c.get("ref-type") in ("table", "fig"):
                    xref_ids.extend((c.get("rid") or "").split())
                for x in c.iter():
                    if _ln(x) == "xref" and x is not c and x.get("ref-type") in ("table", "fig"):
                        xref_ids.extend((x.get("rid") or "").split())
                buf.append(self.inline_el(c, "".join(buf)))
            if c.tail:
                buf.append(c.tail)
        flush()
        # floating tables / figures first cited here follow the paragraph
        for rid in xref_ids:
            el = self.floats.get(rid)
            if el is not None and self._key(el) not in self.emitted:
                self.block_el(el, 3)

    def list_(self, lst) -> None:
        lines = []
        typ = lst.get("list-type", "")
        for i, it in enumerate(_children(lst, "list-item"), start=1):
            lab = _child(it, "label")
            bullet = self.inline(lab) if lab is not None else (f"{i}." if typ in ("order", "arabic") else "-")
            parts = []
            for x in it:
                if _ln(x) == "label":
                    continue
                if _ln(x) == "list":
                    parts.append(" ".join(self.inline(y) for y in _children(x, "list-item")))
                else:
                    parts.append(self.inline(x) if _ln(x) in ("p", "title") else self.inline_el(x, ""))
            if not list(it):
                parts.append(self.inline(it))
            t = _ws(" ".join(parts))
            if t:
                lines.append(f"{bullet} {t}" if not re.match(r"^[-•]", t) else t)
        t = _child(lst, "title")
        if t is not None:
            self.w.block(self.inline(t), t)
        if lines:
            self.w.block("\n".join(lines), lst)

    def def_list(self, dl) -> None:
        t = _child(dl, "title")
        if t is not None:
            self.w.block(self.inline(t), t)
        lines = []
        for it in _children(dl, "def-item"):
            term = _child(it, "term")
            d = _child(it, "def")
            a = self.inline(term) if term is not None else ""
            b = self.inline(d) if d is not None else ""
            if a or b:
                lines.append(f"{a}: {b}" if a and b else a or b)
        if lines:
            self.w.block("\n".join(lines), dl)

    def _caption_text(self, cap) -> str:
        parts = []
        for x in cap:
            if _ln(x) in ("title", "p"):
                t = self.inline(x)
                if t:
                    parts.append(t if t.endswith((".", "?", "!", ":")) else t + ".")
        if not parts:
            t = self.inline(cap)
            if t:
                parts.append(t)
        return " ".join(parts)

    def figure(self, fig) -> None:
        self.emitted.add(self._key(fig))
        lab = _child(fig, "label")
        cap = _child(fig, "caption")
        label = self.inline(lab).rstrip(".:") if lab is not None else "Figure"
        text = self._caption_text(cap) if cap is not None else ""
        if not re.match(r"(?i)fig", label):
            label = f"Figure {label}" if re.match(r"^[0-9]", label) else label
        self.w.block(_sentence(f"{label}. {text}".strip()), fig)

    # ------------------------------------------------------------------ tables
