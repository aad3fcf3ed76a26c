"""From pdfplumber's characters to words: word spacing chosen per page, rotated (landscape) text
turned into its own reading frame, and unambiguous font-encoding damage repaired.

* **Word spacing.** A fixed tolerance glues the words of tightly set text (a word gap of 0.14 em
  is below pdfplumber's usual 0.2 em) and splits loosely set words. :func:`word_tolerance` looks
  at the gaps between consecutive characters of the page (in font-size units): the gaps inside
  words form a peak near zero, the gaps between words a second group further right, and the
  tolerance goes in the empty valley between them.
* **Rotation.** A page whose text is mostly set at 90° (a landscape table on a portrait page) is
  read in the text's own orientation: its characters are mapped into a frame where they run left
  to right (:func:`rotate_chars`), the page's rules likewise.
* **Font encoding.** Some math "pi" fonts map "=" to "¼", "+" to "þ", "≥" to ``(cid:2)``...
  :func:`repair_text` undoes this only for characters set in such a font.
"""
from __future__ import annotations

import re
from typing import Any

from .settings import LayoutSettings

#: math/pi symbol fonts whose glyph names decode to the wrong characters (Advent/MathPi "AdvP"
#: fonts with a hex suffix): decoded text -> intended character
_PI_FONT_RE = re.compile(r"^(?:[A-Z]{6}\+)?(?:AdvP[0-9A-F]{4,}|MathPi|MTSY|MTMI)", re.I)
_PI_MAP = {
    "¼": "=", "þ": "+", "À": "−", "(cid:0)": "−", "(cid:2)": "≥", "(cid:3)": "≤", "(cid:4)": "∼",
    "(cid:5)": "×", "(cid:6)": "±", "Â": "×", "Ã": "×", "Æ": "±", "Ä": "≈",
}
_ADV_PI_RE = re.compile(r"^(?:[A-Z]{6}\+)?AdvP[0-9A-F]{4,}$")
#: symbol fonts ("...Sym", "Symbol"): character codes that come out as (cid:N)
_SYM_FONT_RE = re.compile(r"^(?:[A-Z]{6}\+)?(?:\w*Sym\b|\w*Symbol|AdvPSSym)", re.I)
_SYM_CID = {"(cid:129)": "•", "(cid:149)": "•", "(cid:183)": "•", "(cid:177)": "±", "(cid:215)": "×",
            "(cid:179)": "≥", "(cid:163)": "≤", "(cid:61)": "="}


def repair_text(text: str, fontname: str) -> str:
    """Undo the encoding damage of known symbol fonts; other fonts are left alone."""
    if _PI_FONT_RE.match(fontname):
        if text in _PI_MAP:
            return _PI_MAP[text]
        if text == "1" and _ADV_PI_RE.match(fontname):
            return "∞"  # digits come from the text font; a lone "1" of the pi font is its infinity sign
        return re.sub(r"\(cid:\d+\)|[¼þÀ]", lambda m: _PI_MAP.get(m.group(0), m.group(0)), text)
    if "(cid:" in text and _SYM_FONT_RE.match(fontname):
        return re.sub(r"\(cid:\d+\)", lambda m: _SYM_CID.get(m.group(0), m.group(0)), text)
    return text


def word_tolerance(chars: list[dict[str, Any]], S: LayoutSettings, default: float = 0.2) -> float:
    """Word tolerance (ratio of the font size) for these characters, from their gaps."""
    lo, hi, step = -0.05, 0.45, 0.01
    nb = int(round((hi - lo) / step))
    hist = [0] * nb
    n = 0
    prev = None
    for c in chars:  # content-stream order: the characters of a word are consecutive
        if c["text"] == " ":
            prev = None
            continue
        if prev is not None:
            size = prev["size"] or 1.0
            if abs(c["top"] - prev["top"]) < 0.3 * size and abs(c["size"] - size) < 0.2 * size:
                g = (c["x0"] - prev["x1"]) / size
                if lo <= g < hi:
                    hist[int((g - lo) / step)] += 1
                    n += 1
        prev = c
    if n < 50:
        return default
    peak = max(range(int((0.12 - lo) / step)), key=lambda k: hist[k])
    quiet = max(1, int(0.002 * n))
    runs = []
    k = peak + 1
    end = int((0.35 - lo) / step)
    while k < end:
        if hist[k] <= quiet:
            j = k
            while j < end and hist[j] <= quiet:
                j += 1
            runs.append((k, j))
            k = j
        else:
            k += 1
    # the valley between the two groups: the first quiet run of 0.03 em or more that has word
    # gaps to its right (a run open to the right means no word gaps were seen: spaces are characters)
    runs = [r for r in runs if r[1] - r[0] >= 3 and r[1] < end]
    if not runs:
        return default
    a, b = runs[0]
    r0, r1 = lo + a * step, lo + b * step
    if r0 <= default <= r1:
        return default  # the usual tolerance sits in the valley: keep it
    tol = (r0 + r1) / 2
    return min(max(tol, S.min_x_tolerance_ratio), S.max_x_tolerance_ratio)


def rotation_of(chars: list[dict[str, Any]]) -> int:
    """90 when most characters run upwards (rotated counter-clockwise), 270 when downwards, else 0."""
    if not chars:
        return 0
    up = down = 0
    for c in chars:
        if c.get("upright", True):
            continue
        m = c.get("matrix")
        if not m:
            continue
        if m[1] > 0 and abs(m[0]) < 1e-3:
            up += 1
        elif m[1] < 0 and abs(m[0]) < 1e-3:
            down += 1
    if max(up, down) < 0.5 * len(chars):
        return 0
    return 90 if up >= down else 270


def rotate_box(x0: float, top: float, x1: float, bottom: float, rot: int, width: float, height: float):
    """A box in page coordinates -> the frame where text rotated by ``rot`` reads left to right."""
    if rot == 90:  # text runs upwards: reading direction is -top, lines stack along +x
        return height - bottom, x0, height - top, x1
    if rot == 270:  # text runs downwards: reading direction is +top, lines stack along -x
        return top, width - x1, bottom, width - x0
    return x0, top, x1, bottom


def rotate_chars(chars: list[dict[str, Any]], rot: int, width: float, height: float) -> list[dict[str, Any]]:
    """The characters set in direction ``rot``, mapped into their reading frame (upright there)."""
    out = []
    want_up = rot == 90
    for c in chars:
        m = c.get("matrix")
        if c.get("upright", True) or not m or (m[1] > 0) != want_up:
            continue
        x0, top, x1, bottom = rotate_box(c["x0"], c["top"], c["x1"], c["bottom"], rot, width, height)
        d = dict(c)
        # pdfminer's size of a rotated character is its advance; in the reading frame it is the box height
        d.update(x0=x0, x1=x1, top=top, bottom=bottom, doctop=top, upright=True, width=x1 - x0, size=bottom - top,
                 height=bottom - top, y0=width - bottom if rot == 90 else height - bottom,
                 y1=width - top if rot == 90 else height - top)
        out.append(d)
    return out
