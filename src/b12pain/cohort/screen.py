"""Screening end to end: input → canonical views → completeness checks → rules → flags.

`screen(...)` is what the CLI, the tests and the benchmarks call. It never prints; person-level
rows stay in the returned Arrow table until a writer puts them in a file the user chose.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from b12pain.cohort.codes import Codes, codes_for
from b12pain.cohort.concepts import (
    ConceptSets,
    SiteConceptSet,
    code_keys,
    code_names,
    match_events,
    read_site_set,
    resolve,
    shipped_sets,
)
from b12pain.cohort.csvcache import CsvCache
from b12pain.cohort.engines import Engine, make_engine
from b12pain.cohort.output import RuleSummary, normalise, suppressed
from b12pain.cohort.rules import Rule, missing_knowledge, parameter, select_rules
from b12pain.cohort.sql import (
    b12_test_sets,
    candidates_sql,
    eligible_sql,
    flags_sql,
    last_test_sql,
    observed_count_sql,
    set_numbers,
)
from b12pain.errors import InputError
from b12pain.knowledge import KnowledgeBase, load
from b12pain.knowledge.schema.cohort import ConceptSet

if TYPE_CHECKING:
    import pyarrow as pa

InputFormat = Literal["omop", "fhir-bulk"]
Progress = Callable[[str], None]

#: Progress messages a run reports besides "reading input" and one per rule (resolving concept
#: sets, checking completeness, checking the candidates, writing flags): for a progress bar.
STEPS_BESIDES_RULES = 4


@dataclass(frozen=True)
class Completeness:
    """What the source holds, checked before any rule runs."""

    persons: int
    covered_at_as_of: int
    b12_tests: int
    date_ranges: dict[str, tuple[dt.date | None, dt.date | None]]
    drug_records: bool = True

    def shown(self, threshold: int) -> dict[str, str]:
        """The counts as they may be printed: 0 as "0", 1 to 10 as "<11" (small cells)."""
        return {
            "persons": suppressed(self.persons, threshold),
            "covered_at_as_of": suppressed(self.covered_at_as_of, threshold),
            "b12_tests": suppressed(self.b12_tests, threshold),
        }

    def as_dict(self, threshold: int) -> dict[str, Any]:
        """JSON-friendly form (dates as ISO strings; counts suppressed as in `shown`)."""
        return {
            **self.shown(threshold),
            "drug_records": self.drug_records,
            "date_ranges": {
                k: [str(a) if a else None, str(b) if b else None]
                for k, (a, b) in self.date_ranges.items()
            },
        }


@dataclass
class ScreenResult:
    """Flags (person-level, for files only), a per-rule summary, refusals and the checks."""

    flags: pa.Table
    summary: list[RuleSummary]
    completeness: Completeness
    run_id: str
    engine: str
    as_of: dt.date
    refused: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    #: Counts below this are shown as "<threshold" (`cohort.small_cell_threshold`).
    threshold: int = 11


def parse_concept_set_option(values: list[str]) -> dict[str, SiteConceptSet]:
    """`ID=PATH` options (site concept sets, e.g. ATLAS JSON) read and validated."""
    kb = load()
    sets: dict[str, SiteConceptSet] = {}
    for value in values:
        set_id, sep, path = value.partition("=")
        if not sep or not path:
            raise InputError.single(
                "--concept-set",
                value,
                "expected ID=PATH, e.g. concept_set.diet_vegan_vegetarian=diet.json",
            )
        if set_id not in kb.entries or kb.get(set_id).kind != "concept_set":
            known = ", ".join(entry.id for entry in kb.of_kind("concept_set", ConceptSet))
            raise InputError.single("--concept-set", set_id, f"unknown concept set; one of {known}")
        sets[set_id] = read_site_set(set_id, Path(path))
    return sets


def _looks_like(folder: Path, fmt: InputFormat) -> bool:
    """True when a folder holds files of this input format (an OMOP table or a Patient file)."""
    if fmt == "fhir-bulk":
        return any(folder.glob("Patient.*ndjson"))
    from b12pain.cohort.omop import TABLES

    return any(path.name.split(".")[0].lower() in TABLES for path in folder.iterdir())


def check_input_shape(source: Path, fmt: InputFormat) -> None:
    """Refuse an `--input` folder that is evidently not of format `fmt`, with the fix: the
    `omop/` or `fhir/` folder inside a `b12pain synth` output, or the other `--format`."""
    if not source.is_dir() or _looks_like(source, fmt):
        return
    inner = {"omop": "omop", "fhir-bulk": "fhir"}[fmt]
    if (source / inner).is_dir() and _looks_like(source / inner, fmt):
        raise InputError.single(
            "--input",
            str(source),
            f"this is a folder of folders (a `b12pain synth` output?); use --input {source / inner}",
        )
    other: InputFormat = "omop" if fmt == "fhir-bulk" else "fhir-bulk"
    if _looks_like(source, other):
        raise InputError.single(
            "--format",
            fmt,
            f"{source} holds {'FHIR Bulk NDJSON' if other == 'fhir-bulk' else 'OMOP tables'}; use --format {other}",
        )


def _register_input(
    engine: Engine,
    source: Path,
    fmt: InputFormat,
    workdir: Path,
    supply_days: int,
    cache: CsvCache | None = None,
) -> bool:
    check_input_shape(source, fmt)
    if fmt == "omop":
        from b12pain.cohort import omop

        return omop.canonical_views(engine, omop.find_tables(source, workdir, cache), supply_days)
    if fmt == "fhir-bulk":
        from b12pain.cohort import fhir

        for name, paths in fhir.flatten(source, workdir, supply_days).items():
            engine.register_parquet(name, paths)
        return False
    raise InputError.single("--format", fmt, "one of omop, fhir-bulk")


def check_completeness(engine: Engine, sets: ConceptSets, as_of: dt.date) -> Completeness:
    """Count people, people observed at the as-of date and B12 tests; date range of the events
    the rules look at (each `*_hits` table)."""
    ranges: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    for table, column in (
        ("drugs", "start_date"),
        ("conditions", "start_date"),
        ("measurements", "date"),
        ("observations", "date"),
    ):
        row = engine.to_arrow(
            f"SELECT min({column}) AS lo, max({column}) AS hi FROM {table}_hits"
        ).to_pylist()[0]
        ranges[table] = (row["lo"], row["hi"])
    test_sets = set_numbers(sets, b12_test_sets(sets))
    tests = f"SELECT count(*) FROM measurements_hits WHERE set_no IN ({test_sets})"
    return Completeness(
        persons=int(engine.scalar("SELECT count(*) FROM persons")),
        covered_at_as_of=int(engine.scalar(observed_count_sql(as_of))),
        b12_tests=int(engine.scalar(tests)),
        date_ranges=ranges,
        drug_records=engine.scalar("SELECT count(*) FROM (SELECT 1 FROM drugs LIMIT 1) x") > 0,
    )


def nobody_observed(engine: Engine, as_of: dt.date) -> InputError:
    """The refusal when no observation period covers the as-of date, with the dates the
    source's observation periods do cover (so the analyst can pick an as-of date)."""
    row = engine.to_arrow(
        "SELECT min(start_date) AS lo, max(coalesce(end_date, start_date)) AS hi FROM coverage"
    ).to_pylist()[0]
    if row["lo"] is None:
        where = "the source has no observation periods (OMOP observation_period, FHIR Coverage or dated records)"
    else:
        where = f"the source's observation periods run from {row['lo']} to {row['hi']}; choose an --as-of date in that range"
    return InputError.single(
        "--as-of", as_of.isoformat(), f"nobody is under observation on this date; {where}"
    )


def refusal(rule: Rule, completeness: Completeness, unverified: set[str]) -> str | None:
    """Why a rule must not run on this source, or None when it may."""
    missing = missing_knowledge(rule, load())
    if missing:
        return "knowledge this rule needs is missing: " + "; ".join(str(p) for p in missing)
    if rule.needs_b12_tests() and completeness.b12_tests == 0:
        return (
            "the source has no B12 measurements at all (no lab feed?); this rule flags people "
            "for having no B12 test, so it would flag everyone"
        )
    if rule.needs_drug_records() and not completeness.drug_records:
        return (
            "the source has no drug records at all (no prescribing feed?); this rule needs them "
            "(long-term use, or treatment after a low result), so it would find nobody or "
            "count every low result as untreated"
        )
    blocked = sorted(rule.concept_sets() & unverified)
    if blocked:
        return (
            f"concept set {', '.join(blocked)} is UNVERIFIED; pass --concept-set "
            f"{blocked[0]}=FILE with your site's verified codes (ATLAS JSON accepted)"
        )
    return None


def _find_candidates(
    engine: Engine,
    kb: KnowledgeBase,
    rules: list[Rule],
    sets: ConceptSets,
    as_of: dt.date,
    codes: Codes,
    step: Progress,
) -> list[str]:
    """Keep each rule's candidates as table `candidates_<n>`; return the table names in order."""
    tables = []
    for number, rule in enumerate(rules, start=1):
        step(f"rule {rule.id}")
        table = f"candidates_{number}"
        engine.create_view(
            table, candidates_sql(rule, kb, sets, engine.dialect, as_of, codes), materialize=True
        )
        tables.append(table)
    return tables


def screen(
    source: Path,
    fmt: InputFormat,
    as_of: dt.date,
    rule_ids: list[str] | None = None,
    engine: str | Engine = "duckdb",
    site_sets: dict[str, SiteConceptSet] | None = None,
    spark_master: str | None = None,
    workdir: Path | None = None,
    progress: Progress | None = None,
    cache: CsvCache | None = None,
) -> ScreenResult:
    """Run the screening rules over one source at `as_of` and return flags and a summary.

    `engine` is `duckdb`, `spark`, or an `Engine` instance (tests pass a shared Spark engine;
    the caller then closes it). A rule whose data cannot support it is refused, not run; a
    source with nobody under observation on `as_of` is an `InputError`. With `cache`, OMOP CSV
    conversions are kept there for the next run (`csvcache`).
    """
    kb = load()
    step = progress or (lambda _message: None)
    rules = select_rules(rule_ids)
    sets = shipped_sets(kb)
    sets.overrides.update(site_sets or {})
    owned = isinstance(engine, str)
    runner = make_engine(engine, spark_master) if isinstance(engine, str) else engine
    run_id = uuid.uuid4().hex[:12]
    supply_days = parameter(kb, "cohort.default_supply_days")
    threshold = parameter(kb, "cohort.small_cell_threshold")
    followup_days = parameter(kb, "cohort.treatment_followup_days")
    with tempfile.TemporaryDirectory(prefix="b12pain-cohort-", dir=workdir) as tmp:
        try:
            step("reading input")
            has_vocabulary = _register_input(runner, source, fmt, Path(tmp), supply_days, cache)
            needed = {s for rule in rules for s in rule.concept_sets() if s in sets.shipped}
            needed |= set(b12_test_sets(sets))
            step("resolving concept sets")
            resolve(runner, sets, needed, has_vocabulary)
            match_events(runner, "concept_id" if fmt == "omop" else "concept_key")
            keys = code_keys(runner)
            names = code_names(runner)
            codes = codes_for(runner.dialect, len(keys) - 1)
            step("checking completeness")
            completeness = check_completeness(runner, sets, as_of)
            if completeness.covered_at_as_of == 0:
                raise nobody_observed(runner, as_of)
            unverified = {s for s in needed if sets.is_unverified(s)}
            refused = {
                rule.id: reason
                for rule in rules
                if (reason := refusal(rule, completeness, unverified)) is not None
            }
            runnable = [rule for rule in rules if rule.id not in refused]
            candidates = _find_candidates(runner, kb, runnable, sets, as_of, codes, step)
            step("checking age, death and observation of the candidates")
            runner.create_view("eligible", eligible_sql(kb, as_of, candidates), materialize=True)
            runner.create_view(
                "last_b12", last_test_sql(kb, sets, runner.dialect, as_of), materialize=True
            )
            step("writing flags")
            tables = [
                normalise(
                    runner.to_arrow(flags_sql(table)),
                    rule,
                    as_of,
                    run_id,
                    runner.name,
                    lambda numbers: codes.decode(numbers, keys),
                    lambda numbers: codes.decode(numbers, names),
                    followup_days,
                )
                for rule, table in zip(runnable, candidates, strict=True)
            ]
        finally:
            if owned:
                runner.close()
    import pyarrow as pa

    from b12pain.cohort.output import flags_schema

    flags = pa.concat_tables(tables) if tables else flags_schema().empty_table()
    counts = {rule.id: table.num_rows for rule, table in zip(runnable, tables, strict=True)}
    summary = [
        RuleSummary(rule.id, rule.title, "refused", None, "refused", refused[rule.id])
        if rule.id in refused
        else RuleSummary(
            rule.id, rule.title, "ran", counts[rule.id], suppressed(counts[rule.id], threshold)
        )
        for rule in rules
    ]
    return ScreenResult(
        flags,
        summary,
        completeness,
        run_id,
        runner.name,
        as_of,
        refused,
        {r.id: r.title for r in rules},
        threshold,
    )
