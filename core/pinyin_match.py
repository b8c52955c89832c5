"""Finding units and leaders by what a clerk types: part of the name, pinyin, initials or a code.

Contract: `MatchIndex(entries)` precomputes, once per directory list, the pinyin
readings of every name (heteronym-aware: 长 reads chang and zhang, 重 zhong and
chong, so both initials match); `match(query)` then ranks the entries in
microseconds for a county's ~80 units and ~30 leaders. A query matches
- the code exactly (TGZ), then the name exactly;
- the start of the code (TG);
- the pinyin initials from the first character (tgz → 太公镇);
- the start of the name (太公);
- full or mixed pinyin from the first character (taigong, taig, taigongz);
- a part of the name (公镇);
- initials or pinyin from a later character (gz → 太公镇);
- a part of the code.
Within a rank, shorter names come first, then the order the entries were given
in. `resolve(text)` is the exact look-up a grid cell commits: a code (any case)
or a whole name. Pure Python, no database access; an index is immutable and safe
to share between threads.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pypinyin import Style, pinyin

from core.directory import Leader, Unit

# the ranks of a match, best first
EXACT, CODE_PREFIX, INITIALS, NAME_PREFIX, PINYIN, NAME_PART, PINYIN_PART, CODE_PART = range(8)
_SEPARATORS = re.compile(r"[,，、;；\s]+")
_IGNORED = re.compile(r"[\s'’\-_]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Entry:
    """One thing a clerk can pick: a unit (key = its code) or a leader (key = the name)."""

    key: str
    name: str
    code: str = ""
    detail: str = ""
    active: bool = True


@lru_cache(maxsize=4096)
def _char_readings(ch: str) -> tuple[str, ...]:
    """All readings of one character (lower-case pinyin without tones); a non-Han character reads as itself."""
    if not _HAN.match(ch):
        return (ch.lower(),)
    found = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
    return tuple(dict.fromkeys(r.lower() for r in found if r))


def readings(name: str) -> tuple[tuple[str, ...], ...]:
    """The readings of each character of `name`: the phrase reading first, then every heteronym."""
    chars = list(name)
    phrase = pinyin(name, style=Style.NORMAL, heteronym=False, errors=lambda s: list(s))
    per_phrase = [p[0].lower() for p in phrase] if len(phrase) == len(chars) else [""] * len(chars)
    return tuple(tuple(dict.fromkeys([r for r in (p, *_char_readings(c)) if r]))
                 for p, c in zip(per_phrase, chars, strict=True))


@dataclass(frozen=True)
class _Prepared:
    entry: Entry
    order: int
    name_lower: str
    code_lower: str
    readings: tuple[tuple[str, ...], ...]
    initials: tuple[frozenset[str], ...] = field(default=())


def _initials_at(initials: Sequence[frozenset[str]], q: str, start: int) -> bool:
    """Whether each letter of `q` is an initial of the characters from `start` on."""
    if start + len(q) > len(initials):
        return False
    return all(letter in initials[start + i] for i, letter in enumerate(q))


def _pinyin_at(rds: Sequence[Sequence[str]], q: str, start: int) -> bool:
    """Whether `q` spells the characters from `start` on, each by a non-empty prefix of one of its readings."""
    n = len(rds)
    seen: set[tuple[int, int]] = set()

    def go(pos: int, ch: int) -> bool:
        if pos == len(q):
            return True
        if ch == n or (pos, ch) in seen:
            return False
        seen.add((pos, ch))
        rest = q[pos:]
        for reading in rds[ch]:
            if reading.startswith(rest):      # the last syllable may be cut short
                return True
            for cut in range(len(reading), 0, -1):
                if rest.startswith(reading[:cut]) and go(pos + cut, ch + 1):
                    return True
        return False

    return go(0, start)


def normalize(query: str) -> str:
    """The query as matched: lower case, without spaces, apostrophes or hyphens."""
    return _IGNORED.sub("", query).lower()


class MatchIndex:
    """The precomputed readings of a directory list (see the module contract)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        prepared = []
        for order, e in enumerate(entries):
            rds = readings(e.name)
            prepared.append(_Prepared(e, order, e.name.lower(), e.code.lower(), rds,
                                      tuple(frozenset(r[0] for r in chars if r) for chars in rds)))
        self._items: tuple[_Prepared, ...] = tuple(prepared)
        self._by_code = {p.code_lower: p.entry for p in prepared if p.code_lower}
        self._by_name = {p.entry.name: p.entry for p in prepared}

    def __len__(self) -> int:
        return len(self._items)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(p.entry for p in self._items)

    def resolve(self, text: str) -> Entry | None:
        """The entry whose code (any case) or whole name is `text`, active or not; None otherwise."""
        text = text.strip()
        if not text:
            return None
        return self._by_name.get(text) or self._by_code.get(text.lower())

    def rank(self, query: str, entry_index: int) -> int | None:
        """The rank (EXACT … CODE_PART) at which the `entry_index`-th entry matches `query`, or None."""
        return _rank(self._items[entry_index], normalize(query))

    def match(self, query: str, *, limit: int | None = 20, prefer: Collection[str] = (),
              include_inactive: bool = False) -> list[Entry]:
        """The entries matching `query`, best first (see the module contract).

        An empty query lists every entry in its order. Entries whose key is in
        `prefer` (e.g. the leaders in charge of the chosen lead unit) come first
        within their rank. Deactivated entries are left out unless `include_inactive`.
        """
        q = normalize(query)
        found: list[tuple[int, int, int, int, Entry]] = []
        for p in self._items:
            if not (p.entry.active or include_inactive):
                continue
            r = 0 if not q else _rank(p, q)
            if r is None:
                continue
            length = len(p.entry.name) if q else 0   # an empty query keeps the given order
            found.append((r, 0 if p.entry.key in prefer else 1, length, p.order, p.entry))
        found.sort(key=lambda t: t[:4])
        entries = [t[4] for t in found]
        return entries if limit is None else entries[:limit]


def _rank(p: _Prepared, q: str) -> int | None:
    if not q:
        return EXACT
    if q == p.code_lower or q == p.name_lower:
        return EXACT
    if p.code_lower.startswith(q):
        return CODE_PREFIX
    han = bool(_HAN.search(q))
    if not han and _initials_at(p.initials, q, 0):
        return INITIALS
    if p.name_lower.startswith(q):
        return NAME_PREFIX
    if not han and _pinyin_at(p.readings, q, 0):
        return PINYIN
    if q in p.name_lower:
        return NAME_PART
    if not han and any(_initials_at(p.initials, q, i) or _pinyin_at(p.readings, q, i)
                       for i in range(1, len(p.readings))):
        return PINYIN_PART
    if p.code_lower and q in p.code_lower:
        return CODE_PART
    return None


def unit_index(units: Iterable[Unit]) -> MatchIndex:
    """An index of units: key and code are the unit code; the detail is its kind."""
    return MatchIndex(Entry(u.code, u.name, u.code, u.kind, u.active) for u in units)


def leader_index(leaders: Iterable[Leader]) -> MatchIndex:
    """An index of leaders: the key is the name; the detail is the title."""
    return MatchIndex(Entry(ld.name, ld.name, "", ld.title, ld.active) for ld in leaders)


def split_names(text: str) -> list[str]:
    """The names or codes of a list typed with commas, 、, semicolons or spaces."""
    return [t for t in _SEPARATORS.split(text.strip()) if t]


__all__ = ["Entry", "MatchIndex", "unit_index", "leader_index", "split_names", "normalize", "readings",
           "EXACT", "CODE_PREFIX", "INITIALS", "NAME_PREFIX", "PINYIN", "NAME_PART", "PINYIN_PART", "CODE_PART"]
