"""Concept sets: shipped ones from knowledge, site ones from ATLAS JSON, resolved to match keys.

Events carry a `concept_key`: `OMOP:<concept_id>` for OMOP sources, `<vocabulary>:<code>` for
FHIR sources. Resolving a set yields every key it matches: its `(vocabulary, code)` keys, its
concept id hints, and, when the source has an OMOP vocabulary, the ids the site's `concept`
table gives for those codes plus their descendants in `concept_ancestor`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from b12pain.errors import InputError, problems_from_pydantic
from b12pain.knowledge import KnowledgeBase
from b12pain.knowledge.schema.cohort import ConceptItem, ConceptSet

if TYPE_CHECKING:
    import pyarrow as pa

    from b12pain.cohort.engines import Engine

#: FHIR code system URLs and the OMOP vocabulary ids they correspond to.
FHIR_SYSTEMS = {
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
    "http://loinc.org": "LOINC",
    "http://snomed.info/sct": "SNOMED",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD10CM",
    "http://www.whocc.no/atc": "ATC",
}


@dataclass(frozen=True)
class SiteConceptSet:
    """A concept set supplied by the site for one run (replaces the shipped set of that id)."""

    set_id: str
    items: tuple[ConceptItem, ...]
    origin: str


@dataclass
class ConceptSets:
    """The concept sets of one run: shipped ones, with site overrides applied."""

    shipped: dict[str, ConceptSet]
    overrides: dict[str, SiteConceptSet] = field(default_factory=dict)
    #: The small integer each resolved set is known by in the engine (`set_no`), given by
    #: `resolve`; event tables carry numbers, not strings, so joins and sorts stay cheap.
    numbers: dict[str, int] = field(default_factory=dict)

    def number(self, set_id: str) -> int:
        """The `set_no` of a resolved set."""
        return self.numbers[set_id]

    def items(self, set_id: str) -> tuple[ConceptItem, ...]:
        """The items of a set, the site's version when one was given."""
        if set_id in self.overrides:
            return self.overrides[set_id].items
        return self.shipped[set_id].items

    def is_unverified(self, set_id: str) -> bool:
        """True when the shipped set is marked unverified and the site has not replaced it."""
        return set_id not in self.overrides and self.shipped[set_id].unverified

    def analyte(self, set_id: str) -> str | None:
        """The lab analyte a measurement set stands for (`total_b12`, `active_b12`), if any."""
        return self.shipped[set_id].analyte


def shipped_sets(kb: KnowledgeBase) -> ConceptSets:
    """Every `concept_set` knowledge entry, by id."""
    return ConceptSets({entry.id: entry for entry in kb.of_kind("concept_set", ConceptSet)})


def read_site_set(set_id: str, path: Path) -> SiteConceptSet:
    """Read a site concept set: ATLAS concept-set JSON, or JSON/YAML `{items: [ConceptItem…]}`."""
    from b12pain.userfiles import read_user_file

    # The one reading of user files: regular file, size, no aliases or tags, unique keys.
    raw = read_user_file(path, "--concept-set")
    items_raw = raw.get("expression", raw).get("items") if isinstance(raw, dict) else None
    if not isinstance(items_raw, list) or not items_raw:
        raise InputError.single(
            "--concept-set",
            str(path),
            "expected an ATLAS concept set or {items: [...]} with at least one item",
        )
    items: list[ConceptItem] = []
    for index, item in enumerate(items_raw):
        try:
            items.append(
                ConceptItem.model_validate(_from_atlas(item) if "concept" in item else item)
            )
        except (ValidationError, AttributeError, TypeError) as exc:
            if isinstance(exc, ValidationError):
                raise InputError(
                    problems_from_pydantic(exc, prefix=f"{path.name}.items[{index}]")
                ) from exc
            raise InputError.single(
                f"{path.name}.items[{index}]", None, "not a concept item"
            ) from exc
    return SiteConceptSet(set_id, tuple(items), str(path))


def _from_atlas(item: dict[str, Any]) -> dict[str, Any]:
    """Map one ATLAS item (`concept{CONCEPT_ID, VOCABULARY_ID, CONCEPT_CODE, CONCEPT_NAME}`)."""
    concept = item["concept"]
    code = concept.get("CONCEPT_CODE")
    return {
        "display": concept.get("CONCEPT_NAME") or str(concept.get("CONCEPT_ID")),
        "vocabulary": concept.get("VOCABULARY_ID") if code is not None else None,
        "code": str(code) if code is not None else None,
        "concept_id": concept.get("CONCEPT_ID"),
        "include_descendants": bool(item.get("includeDescendants", False)),
        "exclude": bool(item.get("isExcluded", False)),
    }


def item_rows(sets: ConceptSets, set_ids: set[str]) -> pa.Table:
    """The items of these sets as an Arrow table (one row per item), the input of resolution."""
    import pyarrow as pa

    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "set_id",
            "set_no",
            "vocabulary",
            "code",
            "concept_id",
            "descendants",
            "excluded",
            "name",
        )
    }
    for set_id in sorted(set_ids):
        for item in sets.items(set_id):
            rows["set_id"].append(set_id)
            rows["set_no"].append(sets.number(set_id))
            rows["vocabulary"].append(item.vocabulary)
            rows["code"].append(item.code)
            rows["concept_id"].append(item.concept_id)
            rows["descendants"].append(item.include_descendants)
            rows["excluded"].append(item.exclude)
            rows["name"].append(item.display)
    schema = pa.schema(
        [
            ("set_id", pa.string()),
            ("set_no", pa.int32()),
            ("vocabulary", pa.string()),
            ("code", pa.string()),
            ("concept_id", pa.int64()),
            ("descendants", pa.bool_()),
            ("excluded", pa.bool_()),
            ("name", pa.string()),
        ]
    )
    return pa.table(rows, schema=schema)


def resolve(engine: Engine, sets: ConceptSets, set_ids: set[str], has_vocabulary: bool) -> int:
    """Create the engine table `concept_map(set_id, set_no, concept_key, code_no, concept_id)`;
    return its size.

    `set_no` numbers the sets (recorded in `sets.numbers`); `code_no` numbers the distinct
    concept keys in their sorted order, so a sorted list of code numbers decodes (`code_keys`)
    to a sorted list of keys.
    """
    sets.numbers = {set_id: number for number, set_id in enumerate(sorted(set_ids), start=1)}
    engine.register_arrow("concept_items", item_rows(sets, set_ids))
    keyed = """
        SELECT set_id, set_no, vocabulary || ':' || code AS concept_key, excluded, name
        FROM concept_items WHERE vocabulary IS NOT NULL AND code IS NOT NULL
        UNION ALL
        SELECT set_id, set_no, ('OMOP:' || CAST(concept_id AS STRING)) AS concept_key, excluded, name
        FROM concept_items WHERE concept_id IS NOT NULL"""
    if has_vocabulary:
        named = "concept_name" in {c.lower() for c in engine.columns("concept")}
        concept_name = "c.concept_name" if named else "CAST(NULL AS STRING)"
        keyed += f"""
        UNION ALL
        SELECT i.set_id, i.set_no, ('OMOP:' || CAST(c.concept_id AS STRING)) AS concept_key,
          i.excluded, coalesce({concept_name}, i.name) AS name
        FROM concept_items i JOIN concept c
          ON c.vocabulary_id = i.vocabulary AND c.concept_code = i.code
        UNION ALL
        SELECT r.set_id, r.set_no, ('OMOP:' || CAST(a.descendant_concept_id AS STRING)) AS concept_key,
          r.excluded, {concept_name.replace("c.", "d.")} AS name
        FROM (SELECT i.set_id, i.set_no, i.excluded, coalesce(c.concept_id, i.concept_id) AS concept_id
              FROM concept_items i LEFT JOIN concept c
                ON c.vocabulary_id = i.vocabulary AND c.concept_code = i.code
              WHERE i.descendants) r
        JOIN concept_ancestor a ON a.ancestor_concept_id = r.concept_id
        LEFT JOIN concept d ON d.concept_id = a.descendant_concept_id"""
    engine.create_view(
        "concept_map",
        f"""WITH keyed AS ({keyed}),
        kept AS (
          SELECT set_id, set_no, concept_key, min(name) AS name FROM keyed k
          WHERE NOT k.excluded AND NOT EXISTS (
            SELECT 1 FROM keyed x WHERE x.excluded AND x.set_id = k.set_id AND x.concept_key = k.concept_key)
          GROUP BY set_id, set_no, concept_key),
        named AS (
          SELECT set_id, set_no, concept_key,
            min(name) OVER (PARTITION BY concept_key) AS concept_name FROM kept)
        SELECT set_id, set_no, concept_key, concept_name,
          CAST(dense_rank() OVER (ORDER BY concept_key) AS INT) AS code_no,
          CASE WHEN concept_key LIKE 'OMOP:%' THEN CAST(substr(concept_key, 6) AS BIGINT) END AS concept_id
        FROM named""",
        materialize=True,
    )
    return int(engine.scalar("SELECT count(*) FROM concept_map"))


def _by_code_no(engine: Engine, column: str) -> pa.Array:
    import pyarrow as pa

    rows = engine.to_arrow(f"SELECT DISTINCT code_no, {column} AS v FROM concept_map").to_pydict()
    values: list[str | None] = [None] * (max(rows["code_no"], default=0) + 1)
    for number, value in zip(rows["code_no"], rows["v"], strict=True):
        values[number] = value
    return pa.array(values, pa.string())


def code_keys(engine: Engine) -> pa.Array:
    """The concept key of every `code_no`, as an array indexed by the number (index 0 unused)."""
    return _by_code_no(engine, "concept_key")


def code_names(engine: Engine) -> pa.Array:
    """The name of every `code_no` (index 0 unused): the site vocabulary's `concept_name` when
    it has one, else the display of the shipped or site concept-set item."""
    return _by_code_no(engine, "coalesce(concept_name, concept_key)")


#: Event tables, their date columns, and the columns kept for matched events.
EVENT_TABLES = {
    "drugs": "person_id, start_date, end_date",
    "conditions": "person_id, start_date",
    "measurements": "person_id, date, value, unit, comparator",
    "observations": "person_id, date",
}


def match_events(engine: Engine, match_on: str) -> None:
    """Create `<table>_hits`: every event of a resolved concept set, with `set_no` and `code_no`.

    OMOP sources match on the integer `concept_id`, FHIR sources on `concept_key`; each event
    table is scanned once per run and the (small) result is kept, so rules never rescan it.
    """
    for table, columns in EVENT_TABLES.items():
        kept = ", ".join(f"x.{c}" for c in columns.split(", "))
        engine.create_view(
            f"{table}_hits",
            f"SELECT {kept}, c.code_no, c.set_no FROM {table} x "
            f"JOIN concept_map c ON c.{match_on} = x.{match_on}",
            materialize=True,
        )
