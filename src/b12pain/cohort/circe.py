"""Each screening rule as an OHDSI Circe cohort definition: the JSON that ATLAS imports and that
circe-be (or its Python port, ohdsi-circepy) turns into SQL for the site's database.

Circe cohorts start from an index event. A screen is a snapshot on an as-of date, so the
index event here is the as-of date itself: an observation period criterion with a
user-defined period of that one day (only people under observation then enter), and every
rule becomes inclusion rules whose windows are counted back from it:

- age: at least `param.min_age_years` at the index date (Circe counts age in calendar years
  from `year_of_birth`; b12pain uses the birth date: people whose birthday in the year they
  reach the age falls after the as-of date differ);
- alive: no death record on or before the index date;
- `condition`, `observation`, `measurement`: at least one event in the window (no window:
  any time before), or, under `exclude`, exactly none; events outside an observation period
  count, as in b12pain (`IgnoreObservationPeriod`);
- `measurement` with `band: deficiency` and `not_followed_by` (rule c): a result below the
  cut-off of its unit (pg/mL, pmol/L concept ids) in the window, with nested criteria on that
  result: no B12 test after it up to the as-of date (so it is the latest) and no treatment
  exposure overlapping the days from it to 90 days after (or to the as-of date);
- `exposure` with a minimum of covered days (rule a): Circe cannot add up the days covered
  by several exposures inside a window (its eras run over the whole record, with a gap
  allowance), so the export asks for at least one exposure in the window, a wider cohort
  than b12pain's. The definition says so in its description (`APPROXIMATE`).

A definition is for one as-of date: Circe has no parameters, so it is exported again for
another date. Concept set items without an OMOP concept id (a code only) are left out: a site
resolves them in ATLAS. docs/cohort.md ("OHDSI") lists every difference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from b12pain.cohort.concepts import ConceptSets
from b12pain.cohort.rules import Events, Exposure, Measurement, Primitive, Rule, parameter
from b12pain.knowledge import KnowledgeBase

#: OMOP unit concepts of the thresholds' units (population-design §1.1: 8845 picogram per
#: millilitre, 8729 picomole per litre); ng/L is the same quantity as pg/mL.
UNIT_CONCEPTS = {"ng/L": (8845, "picogram per milliliter"), "pmol/L": (8729, "picomole per liter")}

#: Circe's occurrence types.
EXACTLY, AT_LEAST = 0, 2

#: Rules whose export is wider than the b12pain rule (see the module docstring).
APPROXIMATE = "APPROXIMATE"

_DOMAINS = {
    "drug": "Drug",
    "condition": "Condition",
    "measurement": "Measurement",
    "observation": "Observation",
}


def _window(
    days_before: int | None, days_after: int = 0, after_index: bool = False
) -> dict[str, Any]:
    """A Circe window relative to the index: from `days_before` days before (None: all time
    before) to `days_after` after; `after_index` makes it start `days_before` days *after*."""
    start: dict[str, Any] = {"Coeff": 1 if after_index else -1}
    if days_before is not None:
        start["Days"] = days_before
    end: dict[str, Any] = {"Coeff": 1}
    if days_after is not None:
        end["Days"] = days_after
    return {"Start": start, "End": end, "UseIndexEnd": False, "UseEventEnd": False}


def _occurrence(kind: int, count: int) -> dict[str, Any]:
    return {"Type": kind, "Count": count, "IsDistinct": False}


def _on_or_before(day: dt.date) -> dict[str, Any]:
    return {"Value": day.isoformat(), "Op": "lte"}


def _correlated(
    criteria: dict[str, Any],
    window: dict[str, Any],
    occurrence: dict[str, Any],
    end_window: dict[str, Any] | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Criteria": criteria,
        "StartWindow": window,
        "RestrictVisit": False,
        "IgnoreObservationPeriod": True,
        "Occurrence": occurrence,
    }
    if end_window is not None:
        item["EndWindow"] = end_window
    return item


def _group(
    kind: str,
    items: list[dict[str, Any]] | None = None,
    groups: list[dict[str, Any]] | None = None,
    demographics: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "Type": kind,
        "CriteriaList": items or [],
        "DemographicCriteriaList": demographics or [],
        "Groups": groups or [],
    }


@dataclass
class CirceExport:
    """Builds one cohort definition: its concept sets (numbered as they are first used) and
    criteria, from one rule, for one as-of date."""

    rule: Rule
    kb: KnowledgeBase
    sets: ConceptSets
    as_of: dt.date
    concept_sets: list[dict[str, Any]] = field(default_factory=list)
    _ids: dict[tuple[str, ...], int] = field(default_factory=dict)
    approximate: list[str] = field(default_factory=list)

    def codeset(self, set_ids: tuple[str, ...]) -> int:
        """The Circe concept set id for the union of these b12pain concept sets."""
        key = tuple(sorted(set_ids))
        if key in self._ids:
            return self._ids[key]
        number = len(self.concept_sets)
        items = []
        for set_id in key:
            domain = _DOMAINS[self.sets.shipped[set_id].domain]
            for item in self.sets.items(set_id):
                if item.concept_id is None:
                    continue  # a code without a verified OMOP id: the site resolves it in ATLAS
                items.append(
                    {
                        "concept": {
                            "CONCEPT_ID": item.concept_id,
                            "CONCEPT_NAME": item.display,
                            "DOMAIN_ID": domain,
                            "VOCABULARY_ID": item.vocabulary or "",
                            "CONCEPT_CODE": item.code or "",
                            "STANDARD_CONCEPT": "S",
                            "INVALID_REASON": "V",
                        },
                        "includeDescendants": item.include_descendants,
                        "isExcluded": item.exclude,
                        "includeMapped": False,
                    }
                )
        titles = " + ".join(self.sets.shipped[s].title for s in key)
        self.concept_sets.append({"id": number, "name": titles, "expression": {"items": items}})
        self._ids[key] = number
        return number

    def _days(self, events: Events) -> int | None:
        return None if events.within_days is None else parameter(self.kb, events.within_days)

    def _leaf(self, node: Primitive, occurrence: dict[str, Any]) -> dict[str, Any]:
        kind = node.kind()
        events: Events = getattr(node, kind)
        codeset = self.codeset(events.concept_sets)
        if isinstance(events, Exposure):
            days = parameter(self.kb, "cohort.exposure_lookback_days")
            self.approximate.append(
                f"{' + '.join(events.concept_sets)}: at least one exposure in the {days} days "
                f"up to the as-of date, not {parameter(self.kb, events.min_days)} covered days"
            )
            criteria = {
                "DrugExposure": {
                    "CodesetId": codeset,
                    "OccurrenceStartDate": _on_or_before(self.as_of),
                }
            }
            # Overlapping the window: starts on or before the as-of date, ends within it or later.
            return _correlated(
                criteria,
                _window(None, 0),
                occurrence,
                end_window={**_window(days, None), "UseEventEnd": True},
            )
        domain = {
            "condition": "ConditionOccurrence",
            "observation": "Observation",
            "measurement": "Measurement",
        }[kind]
        return _correlated(
            {domain: {"CodesetId": codeset}}, _window(self._days(events), 0), occurrence
        )

    def _deficient(self, events: Measurement, codeset: int) -> dict[str, Any]:
        """Rule (c): a result below its unit's cut-off, the latest up to as-of, untreated."""
        nested = [
            # No B12 test after this one, up to the as-of date: this one is the latest.
            _correlated(
                {
                    "Measurement": {
                        "CodesetId": codeset,
                        "OccurrenceStartDate": _on_or_before(self.as_of),
                    }
                },
                _window(1, None, after_index=True),
                _occurrence(EXACTLY, 0),
            )
        ]
        follow = self.rule.not_followed_by
        if follow is not None:
            days = parameter(self.kb, follow.within_days)
            treatment = self.codeset(follow.exposure.concept_sets)
            # Treatment overlapping [result, result + days], seen only up to the as-of date.
            nested.append(
                _correlated(
                    {
                        "DrugExposure": {
                            "CodesetId": treatment,
                            "OccurrenceStartDate": _on_or_before(self.as_of),
                        }
                    },
                    _window(None, days),
                    _occurrence(EXACTLY, 0),
                    end_window={**_window(0, None, after_index=True), "UseEventEnd": True},
                )
            )
        alternatives = []
        for threshold_id in ("threshold.total_b12.ng_l", "threshold.total_b12.pmol_l"):
            threshold: Any = self.kb.get(threshold_id)
            unit_id, unit_name = UNIT_CONCEPTS[threshold.unit]
            criteria = {
                "Measurement": {
                    "CodesetId": codeset,
                    "ValueAsNumber": {"Value": float(threshold.deficiency_below), "Op": "lt"},
                    "Unit": [
                        {
                            "CONCEPT_ID": unit_id,
                            "CONCEPT_NAME": unit_name,
                            "DOMAIN_ID": "Unit",
                            "VOCABULARY_ID": "UCUM",
                        }
                    ],
                    "CorrelatedCriteria": _group("ALL", nested),
                }
            }
            alternatives.append(
                _correlated(criteria, _window(self._days(events), 0), _occurrence(AT_LEAST, 1))
            )
        return _group("ANY", alternatives)

    def _parts(
        self, node: Primitive, occurrence: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """A leaf primitive as Circe criteria items, or as a group (a low result, rule c)."""
        events = node.measurement
        if isinstance(events, Measurement) and events.band == "deficiency":
            return [], [self._deficient(events, self.codeset(events.concept_sets))]
        return [self._leaf(node, occurrence)], []

    def expression(self, node: Primitive, exclude: bool = False) -> dict[str, Any]:
        """A Circe criteria expression for `node` (none may hold when `exclude`)."""
        occurrence = _occurrence(EXACTLY, 0) if exclude else _occurrence(AT_LEAST, 1)
        children = node.any or node.all
        if children is None:
            items, groups = self._parts(node, occurrence)
            return groups[0] if groups else _group("ALL", items)
        items, groups = [], []
        for child in children:
            if child.any is None and child.all is None:
                child_items, child_groups = self._parts(child, occurrence)
                items += child_items
                groups += child_groups
            else:
                groups.append(self.expression(child, exclude))
        kind = "ANY" if node.any is not None else "ALL"
        if exclude:  # none of them: every one absent
            kind = "ALL"
        return _group(kind, items, groups)

    def inclusion_rules(self) -> list[dict[str, Any]]:
        """The population checks, then the rule's own conditions, one inclusion rule each."""
        min_age = parameter(self.kb, "param.min_age_years")
        rules = [
            {
                "name": f"Aged {min_age} or over on the as-of date",
                "expression": _group(
                    "ALL", demographics=[{"Age": {"Value": min_age, "Op": "gte"}}]
                ),
            },
            {
                "name": "Alive on the as-of date (no death on or before it)",
                "expression": _group(
                    "ALL", [_correlated({"Death": {}}, _window(None, 0), _occurrence(EXACTLY, 0))]
                ),
            },
        ]
        parts = self.rule.include.all if self.rule.include.all is not None else (self.rule.include,)
        for number, part in enumerate(parts, start=1):
            rules.append(
                {
                    "name": f"{self.rule.title}: condition {number}",
                    "expression": self.expression(part),
                }
            )
        for number, part in enumerate(self.rule.exclude, start=1):
            rules.append(
                {
                    "name": f"{self.rule.title}: none of exclusion {number}",
                    "expression": self.expression(part, exclude=True),
                }
            )
        return rules

    def definition(self) -> dict[str, Any]:
        """The whole Circe cohort definition (the `expression` ATLAS imports)."""
        inclusion = self.inclusion_rules()
        description = (
            f"b12pain rule {self.rule.id} v{self.rule.version} as of {self.as_of}: {self.rule.title}. "
            "Not a diagnosis: a list for clinical review."
        )
        if self.approximate:
            description += f" {APPROXIMATE}: " + "; ".join(self.approximate) + "."
        return {
            "Title": f"{self.rule.title} (as of {self.as_of})",
            "Description": description,
            "cdmVersionRange": ">=5.3.0",
            "ConceptSets": self.concept_sets,
            "PrimaryCriteria": {
                "CriteriaList": [
                    {
                        "ObservationPeriod": {
                            "UserDefinedPeriod": {
                                "StartDate": self.as_of.isoformat(),
                                "EndDate": self.as_of.isoformat(),
                            }
                        }
                    }
                ],
                "ObservationWindow": {"PriorDays": 0, "PostDays": 0},
                "PrimaryCriteriaLimit": {"Type": "First"},
            },
            "QualifiedLimit": {"Type": "First"},
            "ExpressionLimit": {"Type": "First"},
            "InclusionRules": inclusion,
            "EndStrategy": {"DateOffset": {"DateField": "StartDate", "Offset": 0}},
            "CensoringCriteria": [],
            "CollapseSettings": {"CollapseType": "ERA", "EraPad": 0},
            "CensorWindow": {},
        }


def cohort_definition(
    rule: Rule, kb: KnowledgeBase, sets: ConceptSets, as_of: dt.date
) -> dict[str, Any]:
    """The Circe cohort definition of `rule` on `as_of` (see the module docstring)."""
    return CirceExport(rule, kb, sets, as_of).definition()
