"""Food search: FTS5 BM25 over head word, description, common names and food group.

Order of attempts: whole words; then the last word as a prefix (search as you type); then a
trigram match for typos. Within the candidates BM25 returns, the plain food is put first: a
description whose head ("Milk" in "Milk, whole, …") is the query beats one that merely mentions it
("Candies, milk chocolate"), fewer qualifiers beat more, and generic foods beat branded ones.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from b12pain.foods.model import SearchHit

_WORD = re.compile(r"[^\W_]+(?:[.%'][^\W_]+)*%?", re.UNICODE)
#: Qualifiers that mark the plain, unprocessed form of a food.
PLAIN_MARKERS = frozenset({"raw", "whole", "fresh", "plain", "fluid", "regular"})
POOL = 200
_BM25 = "bm25(food_fts, 10.0, 3.0, 2.0, 0.5)"


@dataclass(frozen=True)
class Filters:
    """Optional restrictions on a search."""

    group: str | None = None
    min_b12_ug: float | None = None
    data_type: str | None = None
    source: str | None = None

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
        return " AND ".join(clauses), params


def words(text: str) -> list[str]:
    """Lower-case search words of `text`."""
    return [w.lower() for w in _WORD.findall(text)]


def singular(word: str) -> str:
    """Crude English singular, enough to compare `eggs` with `egg` and `cherries` with `cherry`."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
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
    if not query_words:
        return []
    exact = " AND ".join(_variants(w) for w in query_words)
    hits = _fts(conn, exact, query_words, filters, prefix=False)
    if len(hits) < limit:
        typed = " AND ".join([*(_variants(w) for w in query_words[:-1]), f'"{query_words[-1]}"*'])
        seen = {h.food_id for h in hits}
        more = _fts(conn, typed, query_words, filters, prefix=True)
        hits += [h for h in more if h.food_id not in seen]
    if not hits:
        hits = _trigram(conn, query_words, filters)
    return hits[:limit]


def _variants(word: str) -> str:
    """An FTS5 group matching a word in singular or plural: `("eggs" OR "egg")`."""
    forms = dict.fromkeys([word, singular(word), singular(word) + "s"])
    return "(" + " OR ".join(f'"{f}"' for f in forms) + ")" if len(forms) > 1 else f'"{word}"'


_COLUMNS = "f.food_id, f.description, f.head, f.food_group, f.data_type, f.b12_ug, f.b12_added_ug"


def _fts(
    conn: sqlite3.Connection, match: str, query_words: list[str], filters: Filters, prefix: bool
) -> list[SearchHit]:
    where, params = filters.sql()
    rows = conn.execute(
        f"SELECT {_COLUMNS}, {_BM25} AS score, f.staple"
        f" FROM food_fts JOIN food f ON f.rowid = food_fts.rowid"
        f" WHERE food_fts MATCH ? AND {where} ORDER BY score LIMIT {POOL}",
        [match, *params],
    ).fetchall()
    seen = {r[0] for r in rows}
    rows += [r for r in _staples(conn, query_words, filters, prefix) if r[0] not in seen]
    rows.sort(key=lambda r: _plainness(r, query_words, prefix))
    return [_hit(r, "words") for r in rows]


def _staples(
    conn: sqlite3.Connection, query_words: list[str], filters: Filters, prefix: bool
) -> list[tuple[Any, ...]]:
    """Staple and starter foods matching the query, which BM25's pool may have missed."""
    where, params = filters.sql()
    rows = conn.execute(
        f"SELECT {_COLUMNS}, 0.0, f.staple FROM food f"
        f" WHERE (f.staple = 1 OR f.source = 'starter') AND {where}",
        params,
    ).fetchall()
    wanted = [singular(w) for w in query_words]
    return [
        r for r in rows if _matches(wanted, [singular(w) for w in words(f"{r[1]} {r[3]}")], prefix)
    ]


def _matches(wanted: list[str], found: list[str], prefix: bool) -> bool:
    """Every wanted word is among `found` (the last one as a prefix when typing)."""
    for i, word in enumerate(wanted):
        last = prefix and i == len(wanted) - 1
        if not any(f.startswith(word) if last else f == word for f in found):
            return False
    return True


def _plainness(
    row: tuple[Any, ...], query_words: list[str], prefix: bool
) -> tuple[int, int, int, int, float, int]:
    """Sort key: the plain food first (see the module docstring)."""
    description, head, data_type, bm25 = str(row[1]), str(row[2]), str(row[4]), float(row[7])
    staple = int(row[8]) if len(row) > 8 else 0
    wanted = [singular(w) for w in query_words]
    head_words = [singular(w) for w in words(head)]
    first_two = [singular(w) for w in words(" ".join(description.split(",")[:2]))]
    if (len(head_words) == len(wanted) and _matches(wanted, head_words, prefix)) or (
        staple and _matches(wanted, first_two, prefix)
    ):
        tier = 0
    elif _matches(wanted, head_words, prefix):
        tier = 1
    elif head_words and _matches(wanted[:1], head_words[:1], prefix and len(wanted) == 1):
        tier = 2
    else:
        tier = 3
    parts = [p.strip().lower() for p in description.split(",")]
    qualifiers = len(parts) - 2 * sum(1 for p in parts if p in PLAIN_MARKERS)
    branded = 1 if data_type.startswith("branded") else 0
    return tier, branded, -staple, qualifiers, bm25, len(description)


def _trigram(conn: sqlite3.Connection, query_words: list[str], filters: Filters) -> list[SearchHit]:
    grams = sorted({w[i : i + 3] for w in query_words if len(w) >= 3 for i in range(len(w) - 2)})
    if not grams:
        return []
    match = " OR ".join(f'"{g}"' for g in grams)
    where, params = filters.sql()
    rows = conn.execute(
        "SELECT f.food_id, f.description, f.head, f.food_group, f.data_type, f.b12_ug,"
        " f.b12_added_ug, bm25(food_trigram) AS score, f.staple"
        " FROM food_trigram JOIN food f ON f.rowid = food_trigram.rowid"
        f" WHERE food_trigram MATCH ? AND {where} ORDER BY score LIMIT {POOL}",
        [match, *params],
    ).fetchall()

    def similarity(row: tuple[Any, ...]) -> float:
        """Mean over query words of the best spelling match among the description's words."""
        found = words(str(row[1])) or [""]
        best = [max(SequenceMatcher(None, w, f).ratio() for f in found) for w in query_words]
        return sum(best) / len(best)

    scored = [(similarity(r), r) for r in rows]
    scored = [s for s in scored if s[0] >= 0.6]
    scored.sort(key=lambda s: (-round(s[0], 1), _plainness(s[1], query_words, False)))
    return [_hit(r, "similar spelling") for _, r in scored]


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
