"""Text that remembers where each of its characters came from.

Normalising an article (joining wrapped lines, stripping LaTeX and HTML,
repairing hyphenation) changes the text; a :class:`Tracked` string keeps, for
every character, the offset of the source character it came from, so any span
found in the normalised text maps back to the verbatim source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Tracked:
    text: str = ""
    offsets: list[int] = field(default_factory=list)

    @classmethod
    def from_source(cls, text: str, start: int) -> "Tracked":
        return cls(text, list(range(start, start + len(text))))

    def __len__(self) -> int:
        return len(self.text)

    def append(self, other: "Tracked") -> None:
        self.text += other.text
        self.offsets.extend(other.offsets)

    def append_const(self, s: str, at: int) -> None:
        self.text += s
        self.offsets.extend([at] * len(s))

    def slice(self, start: int, end: int) -> "Tracked":
        return Tracked(self.text[start:end], self.offsets[start:end])

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        """Source (start, end) covering normalised characters [start, end)."""
        if not self.offsets:
            return (0, 0)
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start + 1, min(end, len(self.offsets)))
        lo = self.offsets[start]
        hi = self.offsets[end - 1] + 1
        return (min(lo, hi - 1), hi)

    def sub(self, pattern: "re.Pattern[str] | str", repl: "str | Callable[[re.Match[str]], str]",
            keep_group: int | None = None) -> "Tracked":
        """Regex substitution that keeps provenance.

        If ``keep_group`` is given, the match is replaced by that group's text and
        its characters keep their own offsets; otherwise the replacement string is
        mapped to the match's first source character.
        """
        if isinstance(pattern, str):
            pattern = re.compile(pattern)
        out_text: list[str] = []
        out_offs: list[int] = []
        pos = 0
        for m in pattern.finditer(self.text):
            out_text.append(self.text[pos:m.start()])
            out_offs.extend(self.offsets[pos:m.start()])
            if keep_group is not None:
                g0, g1 = m.span(keep_group)
                if g0 >= 0:
                    out_text.append(self.text[g0:g1])
                    out_offs.extend(self.offsets[g0:g1])
            else:
                r = repl(m) if callable(repl) else m.expand(repl)
                at = self.offsets[m.start()] if m.start() < len(self.offsets) else (self.offsets[-1] if self.offsets else 0)
                out_text.append(r)
                out_offs.extend([at] * len(r))
            pos = m.end()
        out_text.append(self.text[pos:])
        out_offs.extend(self.offsets[pos:])
        return Tracked("".join(out_text), out_offs)

    def strip(self) -> "Tracked":
        s = self.text
        a = len(s) - len(s.lstrip())
        b = len(s.rstrip())
        return self.slice(a, b) if b > a else Tracked("", [])
