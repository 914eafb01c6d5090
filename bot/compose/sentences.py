"""An Arabic-aware sentence splitter.

Boundaries: ``.`` ``؟`` ``?`` ``!`` ``؛`` ``…`` (and runs of them such as ``؟!`` or ``...``) followed by a
space or the end, and every line break.  Not boundaries: a full stop inside a number (``3.5%``), a URL or a
domain (the next character is not a space), an abbreviation (``د.``, ``أ.``, ``Dr.``, ``U.S.``) and anything
inside quotes «…», “…” or "…" — a quotation is kept whole and ends the sentence when it closes on a
terminator (``قال: «نعم.» ثم``).  When a line's quotes don't balance, they are ignored for that line.
"""

from __future__ import annotations

import re

_TERMINATORS = frozenset(".؟?!؛…")
_PAIRS = {"«": "»", "“": "”", "‹": "›"}
_SPECIAL = re.compile(r"[.؟?!؛…«»“”‹›\"]")
_CLOSERS = frozenset({"»", "”", "›", ")", "]", '"', "'"})
# Words written with a full stop that is not a sentence end.  Arabic single letters (د. for doctor,
# أ. for professor, م. for engineer) are handled by rule; era markers after a number (1770 م.) are not.
ABBREVIATIONS = frozenset(
    {
        "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Sr", "Jr", "No", "vs", "etc", "Inc", "Ltd", "Co", "Corp",
        "Gen", "Lt", "Col", "Sgt", "Capt", "Gov", "Sen", "Rep", "Jan", "Feb", "Mar", "Apr", "Aug", "Sept",
        "Oct", "Nov", "Dec", "ق.م", "ص.ب", "هـ", "ج.م.ع",
    }
)  # fmt: skip


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, in order, stripped, without empty ones."""
    out: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        parts = _split_line(line, quotes=True)
        if parts is None:
            parts = _split_line(line, quotes=False) or [line]
        out.extend(_merge_fragments(parts))
    return out


def _split_line(line: str, *, quotes: bool) -> list[str] | None:
    """Sentences of one line, or None when ``quotes`` is on and the line's quotes don't balance."""
    parts: list[str] = []
    stack: list[str] = []
    start = 0
    resume = 0  # characters before this were consumed as part of a boundary
    for match in _SPECIAL.finditer(line):
        i = match.start()
        if i < resume:
            continue
        ch = line[i]
        if quotes and _is_quote(ch, stack):
            if stack and ch == stack[-1]:
                stack.pop()
                if not stack and i > 0 and line[i - 1] in _TERMINATORS and _space_after(line, i + 1):
                    end = _consume(line, i + 1)
                    parts.append(line[start:end])
                    start = resume = end
            else:
                stack.append(_PAIRS.get(ch, ch))
            continue
        if ch in _TERMINATORS and not stack and _is_boundary(line, i):
            end = _consume(line, i)
            parts.append(line[start:end])
            start = resume = end
    if stack:
        return None
    parts.append(line[start:])
    return [p.strip() for p in parts if p.strip()]


def _is_quote(ch: str, stack: list[str]) -> bool:
    return ch in _PAIRS or ch == '"' or (bool(stack) and ch == stack[-1])


def _space_after(line: str, j: int) -> bool:
    return j >= len(line) or line[j].isspace()


def _consume(line: str, i: int) -> int:
    """The end of a boundary starting at ``i``: further terminators and closing quotes/brackets."""
    j = i
    while j < len(line) and (line[j] in _TERMINATORS or line[j] in _CLOSERS):
        j += 1
    return j


def _is_boundary(line: str, i: int) -> bool:
    j = i
    while j < len(line) and line[j] in _TERMINATORS:
        j += 1
    while j < len(line) and line[j] in _CLOSERS:
        j += 1
    if j < len(line) and not line[j].isspace():
        return False  # 3.5, example.com, U.S.A, «؟!» inside a word
    if line[i] != ".":
        return True
    if i + 1 < len(line) and line[i + 1] == ".":
        return True  # an ellipsis written as dots
    word_start = i
    while word_start > 0 and not line[word_start - 1].isspace():
        word_start -= 1
    word = line[word_start:i].lstrip("«“\"'(")
    if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isalpha():
        # a single letter: an initial (د. / W.) unless it is an era marker after a number (1770 م.)
        before = line[:word_start].split()
        return bool(before) and before[-1].rstrip(".,،").isdigit()
    # U.S. / أ.ف. are abbreviations
    return not (len(word) >= 3 and word[-2] == "." and word[-1].isalpha() and word[-3].isalpha())


def _merge_fragments(parts: list[str]) -> list[str]:
    """Glue pieces without a letter (a list number «1.», a lone «…») to the following sentence."""
    out: list[str] = []
    carry = ""
    for part in parts:
        if not any(c.isalpha() for c in part):
            carry = f"{carry} {part}".strip()
            continue
        out.append(f"{carry} {part}".strip() if carry else part)
        carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out
