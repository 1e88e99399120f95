"""Compile a rule to SQL over the canonical views; the same text runs on every engine.

Every primitive becomes a CTE with one row per person and the same columns
(`person_id, first_date, last_date, cum_days, test_date, test_value, test_unit, codes`), so the
combinators `all` (inner join), `any` (union, then aggregate) and `exclude` (NOT EXISTS) compose
freely. All windows are closed intervals `[as_of - N days, as_of]`; the bounds are computed here
and written as DATE literals, so only a few functions differ by dialect (`engines.Dialect`).

A run works candidates first: each rule's query (`candidates_sql`) finds the people its
events qualify, with no population filter; the age, death and observation-period checks then
run once, on the union of those candidates only (`eligible_sql`), and so does the search for
each flagged person's latest B12 test (`last_test_sql`). `flags_sql` joins the three. Checking
eligibility for a few candidates instead of for everyone is what keeps a 10M-person run fast.
`codes` hold `code_no` numbers, as a bit mask or a list (`cohort.codes`), decoded at the end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from b12pain.cohort.codes import CodeLists, Codes
from b12pain.cohort.concepts import ConceptSets
from b12pain.cohort.engines import Dialect
from b12pain.cohort.rules import Events, Exposure, Measurement, Primitive, Rule, parameter
from b12pain.knowledge import KnowledgeBase

COLUMNS = (
    "person_id",
    "first_date",
    "last_date",
    "cum_days",
    "test_date",
    "test_value",
    "test_unit",
    "test_comparator",
    "codes",
)

#: Units that are the same quantity as a threshold's unit, with the factor to reach it
#: (dimensional identities, clinical-spec §A.5: 1 pg/mL = 1 ng/L; 1 ng/mL = 1000 ng/L).
SAME_QUANTITY = {"ng/L": {"ng/L": 1, "pg/mL": 1, "ng/mL": 1000}, "pmol/L": {"pmol/L": 1}}

#: Knowledge entries holding the deficiency thresholds, per analyte.
THRESHOLD_IDS = {
    "total_b12": ("threshold.total_b12.ng_l", "threshold.total_b12.pmol_l"),
    "active_b12": ("threshold.active_b12.pmol_l",),
}


def date_literal(day: dt.date) -> str:
    """A DATE literal both dialects read."""
    return f"DATE '{day.isoformat()}'"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def set_numbers(sets: ConceptSets, set_ids: tuple[str, ...] | list[str]) -> str:
    """SQL list of the `set_no` of these sets (how the `*_hits` tables name them)."""
    return ", ".join(str(sets.number(s)) for s in sorted(set_ids))


def deficiency_predicate(kb: KnowledgeBase, sets: ConceptSets, set_ids: tuple[str, ...]) -> str:
    """SQL that is true when a row (`set_no`, `value`, `unit`) is in the deficiency band.

    The cut-offs are the `deficiency_below` of the threshold knowledge entries, applied in the
    unit each is published in; a row in any other unit is not classified (never "low").
    Rows name their set by number (`set_no`).
    """
    cases: list[str] = []
    for analyte in sorted({a for s in set_ids if (a := sets.analyte(s))}):
        members = set_numbers(sets, [s for s in set_ids if sets.analyte(s) == analyte])
        for threshold_id in THRESHOLD_IDS[analyte]:
            threshold: Any = kb.get(threshold_id)
            for unit, factor in SAME_QUANTITY[threshold.unit].items():
                scaled = "value" if factor == 1 else f"value * {factor}"
                cases.append(
                    f"WHEN set_no IN ({members}) AND unit = '{unit}' THEN "
                    + below(scaled, float(threshold.deficiency_below))
                )
    if not cases:
        return "false"
    return "coalesce(CASE " + " ".join(cases) + " END, false)"


def below(value_sql: str, cut_off: float) -> str:
    """SQL true when a result (`value_sql` with its `comparator`) is surely below `cut_off`.

    A censored result counts by its bound: "<50" is below 180 (every value it stands for is),
    "<200" is not known to be, and ">…" never is (docs/cohort.md, policies)."""
    return (
        f"CASE comparator WHEN '<' THEN {value_sql} <= {cut_off!r} "
        f"WHEN '<=' THEN {value_sql} < {cut_off!r} WHEN '>' THEN false WHEN '>=' THEN false "
        f"ELSE {value_sql} < {cut_off!r} END"
    )


@dataclass
class Compiler:
    """Turns one rule into SQL for one dialect and one as-of date."""

    kb: KnowledgeBase
    sets: ConceptSets
    dialect: Dialect
    as_of: dt.date
    #: How matched codes are gathered (`cohort.codes`).
    codes: Codes
    ctes: list[str] = field(default_factory=list)
    counter: int = 0

    def _name(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}_{self.counter}"

    def _window_start(self, events: Events, default_days: int | None = None) -> dt.date | None:
        days = events.within_days
        if days is None:
            return None if default_days is None else self.as_of - dt.timedelta(days=default_days)
        return self.as_of - dt.timedelta(days=parameter(self.kb, days))

    def _matched(self, table: str, date_col: str, events: Events, start: dt.date | None) -> str:
        bounds = f"x.{date_col} <= {date_literal(self.as_of)}"
        if start is not None:
            bounds += f" AND x.{date_col} >= {date_literal(start)}"
        numbers = set_numbers(self.sets, events.concept_sets)
        return f"FROM {table}_hits x WHERE x.set_no IN ({numbers}) AND {bounds}"

    def absent(self, node: Primitive, outer: str) -> str | None:
        """A NOT EXISTS predicate for a plain event primitive (no band, no minimum days), read
        straight from its `*_hits` table: an anti-join needs no per-person row; None otherwise."""
        kind = node.kind()
        if kind == "measurement" and node.measurement and node.measurement.band == "any":
            events: Events = node.measurement
            table, column = "measurements", "date"
        elif kind == "condition" and node.condition:
            events, table, column = node.condition, "conditions", "start_date"
        elif kind == "observation" and node.observation:
            events, table, column = node.observation, "observations", "date"
        else:
            return None
        matched = self._matched(table, column, events, self._window_start(events))
        return f"NOT EXISTS (SELECT 1 {matched} AND x.person_id = {outer}.person_id)"

    def compile(self, node: Primitive) -> str:
        """Add the CTEs for `node`; return the name of the CTE holding its per-person rows."""
        kind = node.kind()
        if kind == "all":
            return self._all(node.all or ())
        if kind == "any":
            return self._any(node.any or ())
        if node.exposure is not None:
            return self._exposure(node.exposure)
        if node.measurement is not None:
            return self._measurement(node.measurement)
        events = node.condition or node.observation
        assert events is not None
        table, column = (
            ("conditions", "start_date") if kind == "condition" else ("observations", "date")
        )
        return self._events(table, column, events)

    def _events(self, table: str, date_col: str, events: Events) -> str:
        name = self._name(table[:-1])
        self.ctes.append(
            f"""{name} AS (
  SELECT x.person_id, min(x.{date_col}) AS first_date, max(x.{date_col}) AS last_date,
    CAST(NULL AS INT) AS cum_days, CAST(NULL AS DATE) AS test_date, CAST(NULL AS DOUBLE) AS test_value,
    CAST(NULL AS STRING) AS test_unit, CAST(NULL AS STRING) AS test_comparator,
    {self.codes.gather("x.code_no")} AS codes
  {self._matched(table, date_col, events, self._window_start(events))}
  GROUP BY x.person_id)"""
        )
        return name

    def _exposure(self, exposure: Exposure) -> str:
        name = self._name("exposure")
        d = self.dialect
        start = self._window_start(exposure, parameter(self.kb, "cohort.exposure_lookback_days"))
        assert start is not None
        lo, hi = date_literal(start), date_literal(self.as_of)
        min_days = parameter(self.kb, exposure.min_days)
        first_new_day = d.add_days("prev_end", "1")
        new_days = (
            f"CASE WHEN prev_end IS NULL THEN {d.day_diff('s', 'e')} + 1 "
            f"WHEN e > prev_end THEN {d.day_diff(f'greatest(s, {first_new_day})', 'e')} + 1 ELSE 0 END"
        )
        # Sweep over intervals sorted by start: each adds only the days after every earlier end,
        # so overlaps and duplicates count once whatever the order of intervals that start on
        # the same day (checked against plain Python in tests/test_cohort_rules.py); hence no
        # DISTINCT and nothing but the start in the sort key.
        self.ctes.append(
            f"""{name}_x AS (
  SELECT x.person_id, x.code_no, greatest(x.start_date, {lo}) AS s, least(x.end_date, {hi}) AS e
  FROM drugs_hits x WHERE x.set_no IN ({set_numbers(self.sets, exposure.concept_sets)})
    AND x.start_date <= {hi} AND x.end_date >= {lo}),
{name}_y AS (
  SELECT person_id, code_no, s, e, max(e) OVER (PARTITION BY person_id ORDER BY s
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM {name}_x),
{name}_d AS (
  SELECT person_id, min(s) AS first_date, max(e) AS last_date, CAST(sum({new_days}) AS INT) AS cum_days,
    {self.codes.gather("code_no")} AS codes
  FROM {name}_y GROUP BY person_id),
{name} AS (
  SELECT person_id, first_date, last_date, cum_days, CAST(NULL AS DATE) AS test_date,
    CAST(NULL AS DOUBLE) AS test_value, CAST(NULL AS STRING) AS test_unit,
    CAST(NULL AS STRING) AS test_comparator, codes
  FROM {name}_d WHERE cum_days >= {min_days})"""
        )
        return name

    def latest_test(
        self, name: str, set_ids: tuple[str, ...], start: dt.date | None, among: str | None = None
    ) -> None:
        """Add CTE `name`: each person's tests of these sets in the window ranked latest first
        (`rn`; ties broken by value, unit, code, set); only people in table `among` if given."""
        events = Events(concept_sets=set_ids)
        restrict = (
            f" AND EXISTS (SELECT 1 FROM {among} a WHERE a.person_id = x.person_id)"
            if among
            else ""
        )
        self.ctes.append(
            f"""{name} AS (
  SELECT x.person_id, x.code_no, x.date, x.value, x.unit, x.comparator, x.set_no,
    row_number() OVER (PARTITION BY x.person_id ORDER BY x.date DESC, x.value ASC NULLS LAST,
      x.unit ASC NULLS LAST, x.code_no ASC, x.set_no ASC) AS rn
  {self._matched("measurements", "date", events, start)}{restrict})"""
        )

    def _measurement(self, measurement: Measurement) -> str:
        name = self._name("measurement")
        self.latest_test(f"{name}_r", measurement.concept_sets, self._window_start(measurement))
        band = ""
        if measurement.band == "deficiency":
            band = f" AND {deficiency_predicate(self.kb, self.sets, measurement.concept_sets)}"
        self.ctes.append(
            f"""{name} AS (
  SELECT person_id, date AS first_date, date AS last_date, CAST(NULL AS INT) AS cum_days,
    date AS test_date, value AS test_value, unit AS test_unit, comparator AS test_comparator,
    {self.codes.one("code_no")} AS codes
  FROM {name}_r WHERE rn = 1{band})"""
        )
        return name

    def _all(self, children: tuple[Primitive, ...]) -> str:
        parts = [self.compile(child) for child in children]
        if len(parts) == 1:
            return parts[0]
        name = self._name("all")
        first = parts[0]
        joins = " ".join(f"JOIN {p} ON {p}.person_id = {first}.person_id" for p in parts[1:])

        def over(fn: str, col: str) -> str:
            return f"{fn}({', '.join(f'{p}.{col}' for p in parts)})"

        self.ctes.append(
            f"""{name} AS (
  SELECT {first}.person_id, {over("least", "first_date")} AS first_date,
    {over("greatest", "last_date")} AS last_date, {over("coalesce", "cum_days")} AS cum_days,
    {over("coalesce", "test_date")} AS test_date, {over("coalesce", "test_value")} AS test_value,
    {over("coalesce", "test_unit")} AS test_unit,
    {over("coalesce", "test_comparator")} AS test_comparator, {self.codes.merge([f"{p}.codes" for p in parts])} AS codes
  FROM {first} {joins})"""
        )
        return name

    def _any(self, children: tuple[Primitive, ...]) -> str:
        parts = [self.compile(child) for child in children]
        if len(parts) == 1:
            return parts[0]
        name = self._name("any")
        union = " UNION ALL ".join(f"SELECT {', '.join(COLUMNS)} FROM {p}" for p in parts)
        self.ctes.append(
            f"""{name}_u AS ({union}),
{name} AS (
  SELECT person_id, min(first_date) AS first_date, max(last_date) AS last_date,
    max(cum_days) AS cum_days, max(test_date) AS test_date, max(test_value) AS test_value,
    max(test_unit) AS test_unit, max(test_comparator) AS test_comparator,
    {self.codes.gather_codes("codes")} AS codes
  FROM {name}_u GROUP BY person_id)"""
        )
        return name


def b12_test_sets(sets: ConceptSets) -> tuple[str, ...]:
    """The measurement concept sets that are B12 tests (those with an analyte)."""
    return tuple(sorted(s for s in sets.shipped if sets.analyte(s)))


def covering(as_of: dt.date, alias: str) -> str:
    """SQL true when observation period `alias` covers `as_of` (an open end counts as covering)."""
    asof = date_literal(as_of)
    return (
        f"{alias}.start_date <= {asof} AND ({alias}.end_date IS NULL OR {alias}.end_date >= {asof})"
    )


def observed_count_sql(as_of: dt.date) -> str:
    """How many observation periods cover `as_of` (for the completeness check): the number of
    people under observation then, as a person's periods never overlap in the OMOP CDM.
    (Counting distinct people instead costs a hash of the whole population: 2 s at 10M.)"""
    return f"SELECT count(*) FROM coverage v WHERE {covering(as_of, 'v')}"


def candidates_sql(
    rule: Rule,
    kb: KnowledgeBase,
    sets: ConceptSets,
    dialect: Dialect,
    as_of: dt.date,
    codes: Codes,
) -> str:
    """One row per person whose events meet `rule` at `as_of`, before any population filter.

    Columns as every primitive's (`COLUMNS`); reads the `*_hits` event tables
    (`concepts.match_events`). `eligible_sql` and `flags_sql` finish the job.
    """
    compiler = Compiler(kb, sets, dialect, as_of, codes)
    include = compiler.compile(rule.include)
    conditions = []
    for node in rule.exclude:
        direct = compiler.absent(node, "i")
        if direct is not None:
            conditions.append(direct)
            continue
        excluded = compiler.compile(node)
        conditions.append(
            f"NOT EXISTS (SELECT 1 FROM {excluded} z WHERE z.person_id = i.person_id)"
        )
    if rule.not_followed_by is not None:
        follow = rule.not_followed_by
        days = parameter(kb, follow.within_days)
        treatment = set_numbers(sets, follow.exposure.concept_sets)
        conditions.append(
            f"""NOT EXISTS (SELECT 1 FROM drugs_hits t
    WHERE t.set_no IN ({treatment}) AND t.person_id = i.person_id AND t.end_date >= i.last_date
      AND t.start_date <= least({dialect.add_days("i.last_date", str(days))}, {date_literal(as_of)}))"""
        )
    where = ("WHERE " + "\n  AND ".join(conditions)) if conditions else ""
    ctes = ",\n".join(compiler.ctes)
    return f"""WITH {ctes}
SELECT {", ".join(f"i.{c}" for c in COLUMNS)} FROM {include} i
{where}"""


def eligible_sql(kb: KnowledgeBase, as_of: dt.date, candidate_tables: list[str]) -> str:
    """The candidates (of any rule) aged `param.min_age_years`+, alive and under observation at
    `as_of`: one row each, with their source identifier, checked against `persons`, `deaths`
    and `coverage` for these people only.

    A death record without a date (FHIR `deceasedBoolean`) counts as dead on every as-of date;
    a person repeated in the person table counts once (`GROUP BY`) and is old enough when any
    of their rows says so."""
    asof = date_literal(as_of)
    born_by = date_literal(years_before(as_of, parameter(kb, "param.min_age_years")))
    union = " UNION ".join(f"SELECT person_id FROM {t}" for t in candidate_tables)
    if not union:
        union = "SELECT CAST(NULL AS BIGINT) AS person_id WHERE 1 = 0"
    # A join (not EXISTS) lets the engine filter the persons scan by the candidates' ids.
    return f"""SELECT c.person_id, min(p.source_value) AS source_value
  FROM ({union}) c JOIN persons p ON p.person_id = c.person_id
  WHERE p.birth_date <= {born_by}
    AND NOT EXISTS (SELECT 1 FROM deaths d WHERE d.person_id = c.person_id
                    AND (d.death_date IS NULL OR d.death_date <= {asof}))
    AND EXISTS (SELECT 1 FROM coverage v WHERE v.person_id = c.person_id AND {covering(as_of, "v")})
  GROUP BY c.person_id"""


def last_test_sql(kb: KnowledgeBase, sets: ConceptSets, dialect: Dialect, as_of: dt.date) -> str:
    """Each eligible person's latest B12 test on or before `as_of` (any time), for the evidence
    columns; reads table `eligible`."""
    compiler = Compiler(kb, sets, dialect, as_of, CodeLists(dialect))  # gathers no codes
    compiler.latest_test("ranked", b12_test_sets(sets), None, among="eligible")
    return f"WITH {compiler.ctes[0]} SELECT person_id, date, value, unit, comparator FROM ranked WHERE rn = 1"


def flags_sql(candidates: str) -> str:
    """The flags of one rule, by person: its `candidates` table's eligible people, with the
    evidence columns (the columns that are the same on every row, such as the rule id, are
    added by `output.normalise`). Reads tables `eligible` (`eligible_sql`) and `last_b12`
    (`last_test_sql`).
    """
    return f"""SELECT i.person_id AS person_id, i.last_date AS index_date,
  i.first_date AS evidence_start, i.last_date AS evidence_end, i.cum_days AS cumulative_days,
  coalesce(i.test_date, lt.date) AS last_test_date,
  CASE WHEN i.test_date IS NULL THEN lt.value ELSE i.test_value END AS last_test_value,
  CASE WHEN i.test_date IS NULL THEN lt.unit ELSE i.test_unit END AS last_test_unit,
  CASE WHEN i.test_date IS NULL THEN lt.comparator ELSE i.test_comparator END AS last_test_comparator,
  e.source_value AS person_source_value, i.codes AS matched_codes
FROM {candidates} i JOIN eligible e ON e.person_id = i.person_id
LEFT JOIN last_b12 lt ON lt.person_id = i.person_id
ORDER BY i.person_id"""
