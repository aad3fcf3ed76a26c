"""Front matter: title, article-meta (ids, dates, registrations) and the abstract with its labelled parts."""
from __future__ import annotations



from trialaudit.schemas.document import ArticleDate
from .xmltools import _child, _children, _desc, _human_date, _in, _jats_date, _ln, _plain, _registry_ids



class _Front:
    """Mixin of :class:`~.render._Renderer`: front matter."""

    def front(self) -> None:
        front = _child(self.root, "front")
        meta = _child(front, "article-meta") if front is not None else None
        jmeta = _child(front, "journal-meta") if front is not None else None
        self.meta.article_type = self.root.get("article-type")
        if jmeta is not None:
            jt = _desc(jmeta, "journal-title")
            self.meta.journal = _plain(jt[0]) if jt else None
        if meta is None:
            self.warnings.append("JATS: no <article-meta> (no title, ids or dates)")
            return
        self._front_ids(meta)
        self._front_title(meta)
        ids = [f"{k}: {v}" for k, v in (("PMID", self.meta.pmid), ("PMCID", self.meta.pmcid), ("DOI", self.meta.doi)) if v]
        if ids:
            self.w.block("; ".join(ids) + ".", meta)
        self._front_dates(meta)
        self._front_registrations(front, meta)
        self._front_abstracts(meta)
        self._front_keywords(meta)

    def _front_ids(self, meta) -> None:
        """PMID, PMCID and DOI (the first of each)."""
        for aid in _children(meta, "article-id"):
            t = _plain(aid)
            typ = aid.get("pub-id-type", "")
            if typ == "pmid" and not self.meta.pmid:
                self.meta.pmid = t
            elif typ in ("pmc", "pmcid") and not self.meta.pmcid:
                self.meta.pmcid = t if t.upper().startswith("PMC") else f"PMC{t}"
            elif typ == "doi" and not self.meta.doi:
                self.meta.doi = t

    def _front_title(self, meta) -> None:
        """The article title (with its subtitle) as the document's first heading."""
        tg = _child(meta, "title-group")
        at = _child(tg, "article-title") if tg is not None else None
        if at is not None:
            self.title = self.inline(at)
            st = _child(tg, "subtitle")
            if st is not None and self.inline(st):
                self.title = f"{self.title}: {self.inline(st)}"
        if self.title:
            self.w.block("# " + self.title, at)

    def _front_dates(self, meta) -> None:
        """History and publication dates, and one line "Received: …; Accepted: …; Published: …"."""
        dates: list[ArticleDate] = []
        hist = _child(meta, "history")
        if hist is not None:
            for d in _children(hist, "date"):
                iso = _jats_date(d)
                if iso:
                    dates.append(ArticleDate(kind=d.get("date-type", "other"), date=iso))
        for d in _children(meta, "pub-date"):
            iso = _jats_date(d)
            kind = d.get("pub-type") or d.get("date-type") or "pub"
            kind = {"epub-ppub": "ppub", "epreprint": "preprint"}.get(kind, kind)
            if iso:
                dates.append(ArticleDate(kind=kind, date=iso))
        self.meta.dates = dates
        line = []
        for label, kinds in (("Received", ("received",)), ("Revised", ("rev-recd", "revised")),
                             ("Accepted", ("accepted",)), ("Published", ("epub", "ppub", "pub", "collection"))):
            iso = self.meta.date(*kinds)
            if iso:
                line.append(f"{label}: {_human_date(iso)}")
        if line:
            self.w.block("; ".join(line) + ".", hist if hist is not None else meta)

    def _front_registrations(self, front, meta) -> None:
        """Trial registrations in the structured front matter (custom meta, links, funding, notes)."""
        regs: list[tuple[str, object]] = []
        for cm in _desc(meta, "custom-meta"):
            name = _plain(_child(cm, "meta-name")).lower()
            if "regist" in name or "trial" in name:
                val = _child(cm, "meta-value")
                for rid in _registry_ids(_plain(val)):
                    regs.append((rid, cm))
        for ext in _desc(meta, "ext-link"):
            if _in(ext, "abstract"):
                continue
            for rid in _registry_ids(" ".join([_plain(ext), ext.get("{http://www.w3.org/1999/xlink}href", "")])):
                regs.append((rid, ext))
        for fs in _desc(meta, "funding-statement"):
            for rid in _registry_ids(_plain(fs)):
                regs.append((rid, fs))
        for rn in _desc(front, "notes"):
            for rid in _registry_ids(_plain(rn)):
                regs.append((rid, rn))
        seen: list[str] = []
        for rid, el in regs:
            if rid not in seen:
                seen.append(rid)
        self.meta.registrations = list(seen)
        if seen:
            self.w.block("Trial registration: " + ", ".join(seen) + ".", regs[0][1])

    def _front_abstracts(self, meta) -> None:
        """The main abstract, then the other kinds (teasers and graphical abstracts are left out)."""
        main = [a for a in _children(meta, "abstract") if not a.get("abstract-type")]
        others = [a for a in _children(meta, "abstract") if a.get("abstract-type")]
        if not main and others:
            main, others = others[:1], others[1:]
        for a in main[:1]:
            self.abstract(a, "Abstract")
        for a in others:
            typ = a.get("abstract-type", "")
            if typ in ("teaser", "toc", "graphical", "short"):
                continue
            t = _child(a, "title")
            title = self.inline(t) if t is not None else typ.replace("-", " ").capitalize() or "Summary"
            if title.lower() in ("abstract", "summary"):
                title = f"{title} ({typ})"
            self.abstract(a, title, main=False)

    def _front_keywords(self, meta) -> None:
        kws: list[str] = []
        for g in _children(meta, "kwd-group"):
            if g.get("kwd-group-type") in ("abbreviations",):
                continue
            kws.extend(self.inline(k) for k in _children(g, "kwd") if self.inline(k))
        self.meta.keywords = kws
        if kws:
            g = _children(meta, "kwd-group")[0]
            self._heading(2, "Keywords", g, kind="keywords")
            self.w.block(", ".join(kws), g)

    def abstract(self, a, title: str, *, main: bool = True) -> None:
        self._heading(2, title, a, kind="abstract" if main else "other")
        secs = _children(a, "sec")
        for c in a:
            n = _ln(c)
            if n == "sec":
                self._abstract_part(c)
            elif n == "p":
                self.paragraph(c)
            elif n in ("list", "disp-quote", "boxed-text"):
                self.block_el(c, 3)
        if not secs and not _children(a, "p"):
            self.w.block(self.inline(a), a)

    def _abstract_part(self, sec, prefix: str = "") -> None:
        t = _child(sec, "title")
        label = self.inline(t).rstrip(":.").strip() if t is not None else ""
        if prefix:
            label = f"{prefix} – {label}" if label else prefix
        first = True
        for c in sec:
            n = _ln(c)
            if n == "p":
                if first and label:
                    self._paragraph_with_prefix(c, f"{label}: ")
                else:
                    self.paragraph(c)
                first = False
            elif n == "sec":
                self._abstract_part(c, label)
                first = False
            elif n in ("list", "disp-quote", "boxed-text", "table-wrap", "fig"):
                if first and label:
                    self.w.block(f"{label}:", t)
                self.block_el(c, 3)
                first = False
        if first and label:
            self.w.block(f"{label}.", sec)

    # ------------------------------------------------------------------ body
