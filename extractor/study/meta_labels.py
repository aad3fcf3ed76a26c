"""Group labels defined in the text: 'group I (n = 120) received intravenous lidocaine',
'23 adults with acute low back pain (group A)', 'a control group (Group A), an ACVC group
(Group B)'.

Tables often head their arm columns with such labels only ('Group I', 'Group B (ACVC
group)'); the meta-analysis answer needs to know which treatment a label stands for.
:func:`group_label_definitions` returns, per label key ('group:i', 'group:a'), the pieces
of sentences that describe the group, each with the sentence it came from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from trialaudit.schemas.document import Document, Sentence

# 'group A', 'Group II', 'group 1', 'A group' is not taken (too often an article 'a group')
# a capital letter past H ('group L', 'group K') is a label too, usually the initial of the
# group's treatment (lidocaine, ketamine)
_LETTER = r"(?:[A-H]|[IVX]{1,4}|[1-8]|(?-i:[J-UWYZ]))"
_LABEL = re.compile(rf"\b(?:control\s+)?groups?\s+({_LETTER})\b(?![-./]\d)", re.I)
_PAREN_LABEL = re.compile(rf"\(\s*(?:control\s+)?groups?\s+({_LETTER})\s*(?:[,;][^()]*)?\)", re.I)
_BOUNDARY = re.compile(r"(?:;|:|\b\d\)|\([a-z]\)|\band\b(?=\s+(?:in\s+)?(?:the\s+)?(?:control\s+)?groups?\s))", re.I)
MAX_SEGMENT = 220


@dataclass
class LabelDefinition:
    key: str            # 'group:a'
    text: str           # the words describing the group
    sentence: Sentence


def label_key(letter: str) -> str:
    return f"group:{letter.lower()}"


def labels_in(text: str) -> list[str]:
    """The group-label keys printed in ``text`` ('Group B (ACVC group)' -> ['group:b'])."""
    return list(dict.fromkeys(label_key(m.group(1)) for m in _LABEL.finditer(text)
                              if _is_label(m.group(1), text, m)))


def _is_label(letter: str, text: str, m: re.Match) -> bool:
    # a lone capital 'I' / 'A' is a label only when written as such, not the word 'a'
    if letter in ("a", "i"):
        return False
    return True


def group_label_definitions(doc: Document) -> list[LabelDefinition]:
    out: list[LabelDefinition] = []
    for s in doc.sentences:
        text = s.text
        if "roup" not in text:
            continue
        mentions = [m for m in _LABEL.finditer(text) if _is_label(m.group(1), text, m)]
        if not mentions:
            continue
        paren = {m.start() for m in _PAREN_LABEL.finditer(text)}
        for i, m in enumerate(mentions):
            key = label_key(m.group(1))
            is_paren = any(p <= m.start() <= p + 2 for p in paren)
            if is_paren:
                # the words before '(group A)' back to the previous label or clause boundary
                start = mentions[i - 1].end() if i > 0 else 0
                seg = text[start:m.start()]
                cuts = list(_BOUNDARY.finditer(seg))
                if cuts:
                    seg = seg[cuts[-1].end():]
                seg = seg.rstrip(" (")
                seg = seg[-MAX_SEGMENT:]
            else:
                # 'in group I (120 people) lidocaine was given and in group II ...'
                end = mentions[i + 1].start() if i + 1 < len(mentions) else len(text)
                seg = text[m.end():end]
                # 'Group I: 30 ml ropivacaine + 1 ml saline': the colon introduces the definition
                seg = re.sub(r"^\s*(?:\(\s*n\s*=\s*\d+\s*\))?\s*[:=]\s*", "", seg)
                cut = _BOUNDARY.search(seg)
                if cut:
                    seg = seg[:cut.start()]
                seg = seg[:MAX_SEGMENT]
            seg = seg.strip(" ,.;")
            if len(seg) >= 3:
                out.append(LabelDefinition(key, seg, s))
    return out


_MNEMONIC = re.compile(r"\b[Gg]roups?\s+([A-UWYZ])\b(?![-./]\d)")
_INITIAL_SKIP = {"the", "a", "an", "oral", "intravenous", "iv", "topical", "low", "high", "dose", "group", "with",
                 "of", "and", "plus", "single", "daily", "mg", "ml"}


def mnemonic_letters(doc: Document) -> set[str]:
    """The letters of 'group X' labels when they are not the run A, B, C, ... (then each is
    the initial of its group's treatment: 'group N', 'group L', 'group K' for normal saline,
    lidocaine, ketamine); empty otherwise."""
    letters = {m.group(1) for s in doc.sentences for m in _MNEMONIC.finditer(s.text)}
    if len(letters) < 2:
        return set()
    run = {chr(ord("A") + k) for k in range(len(letters))}
    return set() if letters <= run | {"I"} else letters


def initial_label(arm_text: str, letters: set[str]) -> str | None:
    """The label key ('group:l') of the mnemonic letter that is the initial of the arm's
    treatment ('lidocaine 1.5 mg/kg' -> 'L'); None when the letter is not used."""
    words = [w for w in re.findall(r"[A-Za-z]+", re.sub(r"\([^()]*\)", " ", arm_text))
             if w.lower() not in _INITIAL_SKIP and len(w) > 1]
    if not words:
        return None
    letter = words[0][0].upper()
    return label_key(letter) if letter in letters else None
