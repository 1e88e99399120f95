"""Food search: SQLite FTS5 over head word, description, common names and food group.

A query with the word "fortified" ("fortified cereal") keeps only foods with B12 added by fortification
and lists the richest in B12 first. Order of attempts: whole words (singular or plural); then the last word as a prefix (search as
you type); then each unknown word corrected to the closest indexed word by trigrams (typos).
Each attempt takes a pool of candidates in rowid order, which `schema.finish` made the order of
plainness, so a common word costs the same as a rare one; the pool is then ranked in Python: a
description whose head ("Milk" in "Milk, whole, …") is the query beats one that merely mentions
it ("Candies, milk chocolate"), staples and generic foods beat others, fewer qualifiers beat
more, and BM25 (head weighted highest) breaks ties.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from b12pain.foods.model import SearchHit

_WORD = re.compile(r"[^\W_]+(?:[.%'][^\W_]+)*%?", re.UNICODE)
#: Qualifiers that mark the plain, unprocessed form of a food.
PLAIN_MARKERS = frozenset({"raw", "whole", "fresh", "plain", "fluid", "regular"})
POOL = 200
#: A query word asking for B12-fortified foods ("fortified cereal"), and the words around it
#: that then say nothing more ("cereal fortified with vitamin B12").
FORTIFIED = "fortified"
FORTIFIED_FILLER = frozenset({"fortified", "with", "in", "b12", "vitamin"})
#: How alike (difflib ratio) a typed word and an indexed word must be to correct one to the other.
MIN_SIMILARITY = 0.7
_BM25 = "bm25(food_fts, 10.0, 3.0, 2.0, 0.5)"


@dataclass(frozen=True)
class Filters:
    """Optional restrictions on a search."""

    group: str | None = None
    min_b12_ug: float | None = None
    data_type: str | None = None
    source: str | None = None
    fortified: bool = False  # only foods with B12 added by fortification (USDA nutrient 578)

    def sql(self) -> tuple[str, list[object]]:
        """A WHERE fragment over `f` (the food table) and its parameters."""
        clauses: list[str] = ["f.shadowed = 0"]
        params: list[object] = []
        if self.group:
            clauses.append("f.food_group LIKE ?")
            params.append(f"%{self.group}%")
        if self.min_b12_ug is not None:
            clauses.append("f.b12_ug >= ?")
            params.append(self.min_b12_ug)
        if self.data_type:
            clauses.append("f.data_type = ?")
            params.append(self.data_type)
        if self.source:
            clauses.append("f.source = ?")
            params.append(self.source)
        if self.fortified:
            clauses.append("f.b12_added_ug > 0")
        return " AND ".join(clauses), params


def words(text: str) -> list[str]:
    """Lower-case search words of `text`."""
    return [w.lower() for w in _WORD.findall(text)]


def singular(word: str) -> str:
    """Crude English singular, enough to compare `eggs` with `egg` and `cherries` with `cherry`."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "toes")):
        return word[:-2]  # peaches, radishes, potatoes
    if len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def search(
    conn: sqlite3.Connection, text: str, limit: int = 20, filters: Filters | None = None
) -> list[SearchHit]:
    """The best `limit` foods for `text`, plain foods first; [] when nothing matches."""
    filters = filters or Filters()
    query_words = words(text)
    rest = [w for w in query_words if w not in FORTIFIED_FILLER]
    fortified = FORTIFIED in query_words and bool(rest)
    if fortified:  # "fortified cereal": foods with B12 added, the richest first
        query_words = rest
        filters = replace(filters, fortified=True)
    if not query_words:
        return []
    exact = " AND ".join(_variants(w) for w in query_words)
    rows = _fts(conn, exact, query_words, filters, prefix=False)
    if len(rows) < limit:
        typed = " AND ".join([*(_variants(w) for w in query_words[:-1]), f'"{query_words[-1]}"*'])
        seen = {r[0] for r in rows}
        rows += [r for r in _fts(conn, typed, query_words, filters, True) if r[0] not in seen]
        rows.sort(key=_ranking([singular(w) for w in query_words], True))
    if rows and fortified:
        tier = _ranking([singular(w) for w in query_words], True)
        rows.sort(key=lambda r: (tier(r)[0], -float(r[5] or 0)))
    if rows:
        return [_hit(r, "words") for r in rows[:limit]]
    corrected = _corrected(conn, query_words)
    if not corrected:
        return []
    again = " ".join(corrected) + (" fortified" if fortified else "")
    hits = search(conn, again, limit, filters)
    return [h.model_copy(update={"matched_by": "similar spelling"}) for h in hits]


def _variants(word: str) -> str:
    """An FTS5 group matching a word in singular or plural: `("eggs" OR "egg")`."""
    one = singular(word)
    plural_es = [one + "es"] if one.endswith(("ch", "sh", "o", "x", "s", "z")) else []
    forms = dict.fromkeys([word, one, one + "s", *plural_es])
    return "(" + " OR ".join(f'"{f}"' for f in forms) + ")" if len(forms) > 1 else f'"{word}"'


_COLUMNS = "f.food_id, f.description, f.head, f.food_group, f.data_type, f.b12_ug, f.b12_added_ug"


def _fts(
    conn: sqlite3.Connection, match: str, query_words: list[str], filters: Filters, prefix: bool
) -> list[tuple[Any, ...]]:
    """Up to `POOL` matches in plainness (rowid) order, then ranked by `_ranking`."""
    where, params = filters.sql()
    rows = conn.execute(
        f"SELECT {_COLUMNS}, {_BM25} AS score, f.staple"
        f" FROM food_fts JOIN food f ON f.rowid = food_fts.rowid"
        f" WHERE food_fts MATCH ? AND {where} ORDER BY food_fts.rowid LIMIT {POOL}",
        [match, *params],
    ).fetchall()
    rows.sort(key=_ranking([singular(w) for w in query_words], prefix))
    return rows


def _matches(wanted: list[str], found: list[str], prefix: bool) -> bool:
    """Every wanted word is among `found` (the last one as a prefix when typing)."""
    for i, word in enumerate(wanted):
        last = prefix and i == len(wanted) - 1
        if not any(f.startswith(word) if last else f == word for f in found):
            return False
    return True


@lru_cache(maxsize=65_536)
def _singular_words(text: str) -> list[str]:
    return [singular(w) for w in words(text)]


def _naming_words(description: str, prefix: bool) -> list[str]:
    """Words of the first two parts of a description; while typing, without qualifiers ending
    in -ed ("sal" is salmon, not "Butter, salted")."""
    found = _singular_words(",".join(description.lower().split(",")[:2]))
    return [w for w in found if not w.endswith("ed")] if prefix else found


def _ranking(
    wanted: list[str], prefix: bool
) -> Callable[[tuple[Any, ...]], tuple[int, int, int, int, float, int]]:
    """Sort key of a candidate row: the plain food first (see the module docstring)."""

    def key(row: tuple[Any, ...]) -> tuple[int, int, int, int, float, int]:
        description, head, data_type = str(row[1]), str(row[2]), str(row[4])
        staple = int(row[8])
        head_words = _singular_words(head.lower())
        in_head = _matches(wanted, head_words, prefix)
        # A staple counts as the plain food when the query is in its first two parts, unless
        # its head names something more ("Peanut butter" is not the plain food for "peanuts").
        staple_hit = (
            staple
            and not (in_head and len(head_words) > len(wanted))
            and _matches(wanted, _naming_words(description, prefix), prefix)
        )
        if (len(head_words) == len(wanted) and in_head) or staple_hit:
            tier = 0
        elif in_head:
            tier = 1
        elif head_words and _matches(wanted[:1], head_words[:1], prefix and len(wanted) == 1):
            tier = 2
        else:
            tier = 3
        parts = description.lower().split(",")
        qualifiers = len(parts) - 2 * sum(1 for p in parts if p.strip() in PLAIN_MARKERS)
        branded = 1 if data_type.startswith("branded") else 0
        return tier, branded, -staple, qualifiers, float(row[7]), len(description)

    return key


def _corrected(conn: sqlite3.Connection, query_words: list[str]) -> list[str] | None:
    """The query with each unknown word replaced by the closest indexed word; None if no change."""
    corrected, changed = [], False
    for word in query_words:
        known = conn.execute("SELECT 1 FROM food_terms WHERE term = ?", (word,)).fetchone()
        if known or len(word) < 3 or not word.isalpha():
            corrected.append(word)
            continue
        grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
        candidates = conn.execute(
            "SELECT term FROM term_trigram WHERE term_trigram MATCH ?"
            " ORDER BY bm25(term_trigram) LIMIT 40",
            (" OR ".join(f'"{g}"' for g in grams),),
        ).fetchall()
        scored = [(SequenceMatcher(None, word, str(c[0])).ratio(), str(c[0])) for c in candidates]
        best = max(scored, default=(0.0, ""))
        if best[0] < MIN_SIMILARITY:
            return None
        corrected.append(best[1])
        changed = True
    return corrected if changed else None


def _hit(row: tuple[object, ...], how: str) -> SearchHit:
    return SearchHit(
        food_id=str(row[0]),
        description=str(row[1]),
        food_group=str(row[3]),
        data_type=str(row[4]),
        b12_ug=row[5],
        b12_added_ug=row[6],
        matched_by=how,
    )
