"""Make article text safe to show: control, escape and bidi characters become visible.

Article text is untrusted. Printed raw to a terminal, an escape sequence can
erase lines, set the window title or write the clipboard (an article could print
a fake "all clear"); a bidi override or isolate character reorders what a reader
sees in a terminal, an HTML page or a Markdown file. :func:`safe_text` maps

- C0 controls (except tab and newline) and DEL to their Unicode *control
  pictures* (``\\x1b`` → ``␛``, ``\\x07`` → ``␇``, ``\\r`` → ``␍``, ``\\x7f`` → ``␡``);
- C1 controls (U+0080–U+009F, e.g. the 8-bit CSI U+009B) and the bidi
  embedding/override/isolate/mark characters (U+061C, U+200E, U+200F,
  U+202A–U+202E, U+2066–U+2069) and the other invisible format characters
  that can hide or reorder text (U+200B–U+200D, U+2028, U+2029, U+FEFF) to
  ``<U+XXXX>``.

Everything else (letters of any script, ±, ≤, ·, −, emoji) is left alone, so
ordinary text is unchanged. The output of :func:`safe_text` contains no
character that a terminal interprets. Callers still HTML-escape for HTML.
"""
from __future__ import annotations

import re

__all__ = ["safe_text", "UNSAFE"]

_BIDI_AND_FORMAT = "\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e" \
                   "\u2066\u2067\u2068\u2069\ufeff"
#: every character :func:`safe_text` replaces
UNSAFE = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f{_BIDI_AND_FORMAT}]")


def _visible(m: re.Match[str]) -> str:
    c = m.group(0)
    o = ord(c)
    if o < 0x20:
        return chr(0x2400 + o)          # ␀ ... ␟ (␛ for ESC)
    if o == 0x7F:
        return "\u2421"                 # ␡
    return f"<U+{o:04X}>"


def safe_text(s: str, *, keep_newlines: bool = True) -> str:
    """``s`` with terminal controls, escape sequences and bidi/format characters made visible.

    Tabs are kept; newlines are kept unless ``keep_newlines`` is false (then
    they become ``␊``, for one-line output). Plain text comes back unchanged.
    """
    if not isinstance(s, str):
        s = str(s)
    out = UNSAFE.sub(_visible, s) if UNSAFE.search(s) else s
    if not keep_newlines and "\n" in out:
        out = out.replace("\n", "\u240a")
    return out
