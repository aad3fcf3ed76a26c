"""Tables: the XML grid (row and column spans placed exactly), header rows, footnotes and their markers."""
from __future__ import annotations

import re


from trialaudit.schemas.document import SourcePath
from .safe import MAX_TABLE_CELLS, _TableTooLarge
from .xmltools import _Grid, _TablePlan, _all_bold, _child, _children, _collapse_label_columns, _ln, _plain, _sentence, _stack, _ws



class _Tables:
    """Mixin of :class:`~.render._Renderer`: table-wrap, its grid and its foot."""

    def table_wrap(self, tw) -> None:
        if self._key(tw) in self.emitted:
            return
        self.emitted.add(self._key(tw))
        lab = _child(tw, "label")
        cap = _child(tw, "caption")
        label = self.inline(lab).rstrip(".:") if lab is not None else ""
        wrap_id = tw.get("id") or label or f"table-wrap-{len(self.tables) + 1}"
        caption = self._caption_text(cap) if cap is not None else ""
        m = re.match(r"(?i)^\s*table\s+([0-9]{1,2}|[IVXL]{1,6})\s*$", label)
        number = m.group(1) if m else None
        if not label:
            label_text = ""
        elif re.match(r"(?i)table", label):
            label_text = label
        else:
            label_text = f"Table {label}" if re.match(r"^[0-9]{1,2}$", label) else label
            mm = re.match(r"^([0-9]{1,2})$", label)
            number = mm.group(1) if mm else number
        tables = [x for x in tw.iter() if _ln(x) == "table"]
        # prefer the table inside <alternatives> over a graphic; several tables in one wrap are stacked
        if not tables:
            shown = label_text or "An unlabelled table"
            cap_line = f"{label_text}. {caption}".strip(". ") if label_text else caption
            if cap_line:
                self.w.block(_sentence(cap_line if label_text else f"Table. {cap_line}"), tw)
            self.warnings.append(f"JATS: {shown} ({wrap_id}) is only an image; its cells cannot be read")
            self._table_foot(tw, None)
            return
        plan = _TablePlan(wrap_id=wrap_id, label=label_text or "", number=number, caption=caption,
                          path=self.w.path(tw))
        head = f"{label_text}. {caption}".strip() if label_text else (f"Table. {caption}" if caption else "")
        if label_text and not caption:
            head = f"{label_text}."
        if head:
            plan.caption_range = self.w.block(head, cap if cap is not None else tw)
        self.in_table += 1
        try:
            grids = [self._grid(t) for t in tables]
        except _TableTooLarge as exc:
            self.warnings.append(f"JATS: {label_text or wrap_id} is too large to read ({exc}); skipped")
            return
        finally:
            self.in_table -= 1
        grid = _stack(grids)
        if not grid.rows:
            self.warnings.append(f"JATS: {label_text or wrap_id} has no rows")
            self._table_foot(tw, None)
            return
        plan.grid = grid
        start = self.w.pos
        lines_start = start
        for r, row in enumerate(grid.rows):
            ranges: list[tuple[int, int] | None] = []
            self.w.write("|")
            for c, cell in enumerate(row):
                self.w.write(" ")
                if cell is not None and cell[2] == (r, c):
                    txt = cell[0].replace("|", "¦")
                    a, b = self.w.write(txt)
                    if txt:
                        self.w.paths.append(SourcePath(char_start=a, char_end=b, path=self.w.path(cell[1]),
                                                       table=wrap_id, row=r, col=c))
                    ranges.append((a, b))
                else:
                    ranges.append(None)
                self.w.write(" |")
            self.w.write("\n")
            plan.cell_ranges.append(ranges)
            if r == max(0, grid.header - 1):
                self.w.write("|" + " --- |" * grid.width + "\n")
        end = self.w.pos - 1
        self.w.write("\n")
        self.w.paths.append(SourcePath(char_start=lines_start, char_end=end, path=plan.path, table=wrap_id))
        plan.range = (plan.caption_range[0] if plan.caption_range else lines_start, end)
        self._table_foot(tw, plan)
        self.tables.append(plan)

    def _table_foot(self, tw, plan: _TablePlan | None) -> None:
        foot = _child(tw, "table-wrap-foot")
        notes: list[tuple[str, object]] = []
        if foot is not None:
            self.in_table += 1
            try:
                for x in foot:
                    n = _ln(x)
                    if n == "fn-group":
                        for fn in _children(x, "fn"):
                            notes.append((self._fn_text(fn), fn))
                    elif n == "fn":
                        notes.append((self._fn_text(x), x))
                    elif n in ("p", "title"):
                        notes.append((self.inline(x), x))
                    elif n == "attrib":
                        notes.append((self.inline(x), x))
                    elif n:
                        notes.append((self.inline(x), x))
            finally:
                self.in_table -= 1
        for x in tw:
            if _ln(x) == "attrib":
                notes.append((self.inline(x), x))
        a0 = None
        for text, el in notes:
            if not text:
                continue
            r = self.w.block(text, el)
            if r and a0 is None:
                a0 = r[0]
            if r and plan is not None:
                plan.footnotes.append(text)
                plan.footnote_range = (a0, r[1])
        if plan is not None and plan.footnote_range:
            plan.range = (plan.range[0], plan.footnote_range[1])

    def _fn_text(self, fn) -> str:
        lab = _child(fn, "label")
        label = self.inline(lab) if lab is not None else ""
        body = " ".join(self.inline(x) for x in fn if _ln(x) not in ("label",) and _ln(x))
        if not [x for x in fn if _ln(x) and _ln(x) != "label"]:
            body = self.inline(fn)
        body = _ws(body)
        label = re.sub(r"^<sup>(.*)</sup>$", r"\1", label)
        if label and not body.startswith(label):
            return f"{label} {body}"
        return body

    def _grid(self, table) -> _Grid:
        """Cells placed on a grid with their spans; header rows from thead or th/bold leading rows."""
        head_rows, body_rows = [], []
        for part in table:
            n = _ln(part)
            if n == "thead":
                head_rows.extend(_children(part, "tr"))
            elif n in ("tbody", "tfoot"):
                body_rows.extend(_children(part, "tr"))
            elif n == "tr":
                body_rows.append(part)
        # a body row whose cells stack several lines with <break/> ("Sex<break/>Male<break/>Female" beside
        # "<break/>7 (53.8)<break/>6 (46.2)") is several rows: one per line
        virtual: list[tuple[object, list[str] | None]] = [(tr, None) for tr in head_rows]
        for tr in body_rows:
            lines = self._stacked_lines(tr)
            virtual.extend([(tr, None)] if lines is None else [(tr, [x[i] for x in lines])
                                                               for i in range(len(lines[0]))])
        trs = [tr for tr, _ in virtual]
        grid: list[list[tuple[str, object, tuple[int, int]] | None]] = []
        occupied: dict[tuple[int, int], tuple[str, object, tuple[int, int]]] = {}
        width = 0
        for r, (tr, split) in enumerate(virtual):
            c = 0
            for ci, cell in enumerate(_children(tr, "td", "th")):
                while (r, c) in occupied:
                    c += 1
                try:
                    cs = max(1, min(int(cell.get("colspan") or 1), 200))
                    rs = max(1, min(int(cell.get("rowspan") or 1), 2000))
                except ValueError:
                    cs, rs = 1, 1
                rs = min(rs, len(trs) - r) if not (r < len(head_rows) and r + rs > len(head_rows)) else \
                    min(rs, len(head_rows) - r)
                entry = (split[ci] if split is not None else self.inline(cell), cell, (r, c))
                if len(occupied) + rs * cs > MAX_TABLE_CELLS:
                    raise _TableTooLarge(f"more than {MAX_TABLE_CELLS} cells")
                for dr in range(rs):
                    for dc in range(cs):
                        occupied[(r + dr, c + dc)] = entry
                c += cs
                width = max(width, c)
        if len(trs) * width > MAX_TABLE_CELLS:
            raise _TableTooLarge(f"{len(trs)} rows × {width} columns")
        for r in range(len(trs)):
            grid.append([occupied.get((r, c)) for c in range(width)])
        header = len(head_rows)
        if header == 0:
            for r, tr in enumerate(trs[:3]):
                cells = _children(tr, "td", "th")
                nonempty = [x for x in cells if _plain(x)]
                if nonempty and all(_ln(x) == "th" or _all_bold(x) for x in nonempty) and r < len(trs) - 1:
                    header += 1
                else:
                    break
        # drop rows that are entirely empty
        keep = [r for r in range(len(grid)) if any(x is not None and x[0] for x in grid[r])]
        if len(keep) != len(grid):
            header = sum(1 for r in keep if r < header)
            grid = [[(x[0], x[1], (keep.index(x[2][0]), x[2][1])) if x is not None and x[2][0] in keep else None
                     for x in grid[r]] for r in keep]
        return _collapse_label_columns(_Grid(rows=grid, header=header, width=width))

    def _stacked_lines(self, tr) -> list[list[str]] | None:
        """The lines of each cell of a body row whose cells stack k >= 2 lines with top-level <break/>s: the
        label cell has k lines, every other cell k lines or none, one of them a number, no cell spans; else None."""
        cells = _children(tr, "td", "th")
        if len(cells) < 2 or any((x.get("rowspan") or "1").strip() != "1" or (x.get("colspan") or "1").strip() != "1"
                                 for x in cells):
            return None
        if not any(_ln(ch) == "break" for ch in cells[0]):
            return None
        lines = [self._break_lines(x) for x in cells]
        k = len(lines[0])
        out = []
        stacked = False
        for ls in lines[1:]:
            if len(ls) == k:
                stacked = stacked or any(re.search(r"\d", t) for t in ls)
                out.append(ls)
            elif len(ls) == 1 and not ls[0]:
                out.append([""] * k)
            else:
                return None
        return [lines[0]] + out if stacked and k <= 50 else None

    def _break_lines(self, cell) -> list[str]:
        """The cell's text split at its top-level <break/> elements, each line as a reader sees it."""
        parts: list[list[str]] = [[cell.text or ""]]
        for ch in cell:
            if _ln(ch) == "break":
                parts.append([ch.tail or ""])
                continue
            parts[-1].append(self.inline_el(ch, "".join(parts[-1])))
            parts[-1].append(ch.tail or "")
        return [_ws("".join(p)) for p in parts]

    # ------------------------------------------------------------------ back matter
