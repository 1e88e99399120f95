"""Population case-finding commands: `b12pain screen` and `b12pain synth`.

Only counts per rule are printed (small counts as "<11"); person-level rows go to the file the
user names. Heavy libraries (duckdb, pyarrow, pyspark) are imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

from b12pain.errors import InputError


class EngineFailure(RuntimeError):
    """An engine failed in a way the input checks did not foresee (a bug to report). Its own
    message is withheld: DuckDB and Spark quote the rows they fail on, which are patient data."""

    def __init__(self, exc: BaseException, engine: str) -> None:
        super().__init__(
            f"the {engine} engine failed with {type(exc).__name__} (its message is not shown: "
            "it can quote patient data)"
        )


def _date(value: str | None, field: str) -> dt.date:
    if value is None:
        return dt.date.today()
    from b12pain.cli.dates import parse_date  # one date parser: YYYY-MM-DD within 1900-2100

    day = parse_date(value, field)
    assert day is not None  # parse_date returns None only for None
    return day


def _out_folder(out: Path) -> Path:
    """`out` as a folder to write into (created if missing); `InputError` on `--out` when a
    file, a pipe or a device is in the way."""
    from b12pain.userfiles import usable_folder

    def make() -> Path:
        out.mkdir(parents=True, exist_ok=True)
        return out

    return usable_folder(make, "--out")


def screen(
    input: Path = typer.Option(
        ...,
        "--input",
        help="OMOP folder (CSV/Parquet), .zip of CSVs, .duckdb file, or FHIR Bulk NDJSON folder.",
    ),
    format: str = typer.Option("omop", "--format", help="omop or fhir-bulk."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Screening date YYYY-MM-DD (default today)."
    ),
    out: Path = typer.Option(
        ..., "--out", help="Flags file: .parquet or .csv (one row per person and rule; mode 0600)."
    ),
    rules: str | None = typer.Option(
        None, "--rules", help="Comma-separated rule ids (default: all)."
    ),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark."),
    spark_master: str | None = typer.Option(
        None, "--spark-master", help="Spark master URL (default local[2])."
    ),
    concept_set: list[str] = typer.Option(
        [], "--concept-set", help="Site concept set ID=PATH (ATLAS JSON or YAML); repeatable."
    ),
    fhir_groups: Path | None = typer.Option(
        None, "--fhir-groups", help="Also write one FHIR Group per rule into this folder."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    cache: bool = typer.Option(
        True,
        "--cache/--no-cache",
        help="Keep converted OMOP CSV files (private, in the data folder) for the next run.",
    ),
) -> None:
    """Find the people a health system should test for B12, with the reason and the evidence.

    Runs the shipped rules (docs/cohort.md) over OMOP CDM or FHIR Bulk data and writes one row
    per person and rule. Prints only counts per rule; counts under 11 show as "<11".

    Example: b12pain screen --input omop/ --format omop --as-of 2026-06-30 --out flags.parquet
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from b12pain.cohort import output
    from b12pain.cohort.csvcache import CsvCache
    from b12pain.cohort.engines import check_engine_available
    from b12pain.cohort.rules import select_rules
    from b12pain.cohort.screen import STEPS_BESIDES_RULES, parse_concept_set_option
    from b12pain.cohort.screen import screen as run_screen
    from b12pain.knowledge import load

    if format not in ("omop", "fhir-bulk"):
        raise InputError.single("--format", format, "one of omop, fhir-bulk")
    if engine not in ("duckdb", "spark"):
        raise InputError.single("--engine", engine, "one of duckdb, spark")
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise InputError.single("--out", str(out), "file name must end in .parquet or .csv")
    day = _date(as_of, "--as-of")
    check_engine_available(engine)
    site_sets = parse_concept_set_option(concept_set)
    rule_ids = [r.strip() for r in rules.split(",") if r.strip()] if rules else None
    console = Console(stderr=True)
    steps = STEPS_BESIDES_RULES + len(select_rules(rule_ids))
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=as_json) as bar:
        task = bar.add_task("screening", total=steps)

        def advance(message: str) -> None:
            bar.update(task, description=message, advance=0 if message == "reading input" else 1)

        try:
            result = run_screen(
                input,
                "omop" if format == "omop" else "fhir-bulk",
                day,
                rule_ids,
                engine,
                site_sets,
                spark_master,
                progress=advance,
                cache=CsvCache.default() if cache else None,
            )
        except (InputError, KeyboardInterrupt):
            raise
        except Exception as exc:
            raise EngineFailure(exc, engine) from None
        bar.update(task, completed=steps)
    if rule_ids:
        asked = [r for r in rule_ids if r in result.refused]
        if asked:
            from b12pain.errors import Problem

            raise InputError(
                [Problem("--rules", r, f"refused: {result.refused[r]}") for r in asked]
            )
    output.write_flags(result.flags, out)
    groups: list[Path] = []
    if fhir_groups is not None:
        ran = {s.rule_id: s.title for s in result.summary if s.status == "ran"}
        groups = output.write_groups(output.fhir_groups(result.flags, ran), fhir_groups)
    disclaimer = load().get("policy.not_medical_advice").title
    if as_json:
        print(json.dumps(_summary_json(result, out, groups, disclaimer), indent=2))
        return
    _print_summary(result, out, groups, disclaimer)


def _summary_json(result: Any, out: Path, groups: list[Path], disclaimer: str) -> dict[str, Any]:
    return {
        "run_id": result.run_id,
        "engine": result.engine,
        "as_of": result.as_of.isoformat(),
        "out": str(out),
        "fhir_groups": [str(g) for g in groups],
        "completeness": result.completeness.as_dict(result.threshold),
        "rules": [
            {
                "rule_id": s.rule_id,
                "title": s.title,
                "status": s.status,
                "flagged": s.shown,
                "message": s.message,
            }
            for s in result.summary
        ],
        "disclaimer": disclaimer,
    }


def _print_summary(result: Any, out: Path, groups: list[Path], disclaimer: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    c = result.completeness.shown(result.threshold)
    console.print(
        f"Source: {c['persons']} people, {c['covered_at_as_of']} under observation on "
        f"{result.as_of}, {c['b12_tests']} B12 test results. Engine {result.engine}, "
        f"run {result.run_id}.",
        markup=False,
    )
    table = Table(title="People flagged, by rule")
    table.add_column("rule")
    table.add_column("what it looks for")
    table.add_column("people", justify="right")
    for s in result.summary:
        table.add_row(s.rule_id, s.title, s.shown)
    console.print(table)
    for s in result.summary:
        if s.status == "refused":
            console.print(f"[yellow]refused[/yellow] {escape(s.rule_id)}: {escape(s.message)}")
    console.print(
        f"Flags written to {out} (person-level; keep it where patient data may be kept).",
        markup=False,
    )
    for g in groups:
        console.print(f"FHIR Group: {g}", markup=False)
    console.print(f"A list for clinical review, not a diagnosis. {disclaimer}")


def synth(
    patients: int = typer.Option(
        ..., "--patients", min=1, max=200_000_000, help="How many people."
    ),
    out: Path = typer.Option(
        ..., "--out", help="Folder to write into (omop/ and/or fhir/ inside)."
    ),
    format: str = typer.Option("omop", "--format", help="omop, fhir-bulk, or both."),
    seed: int = typer.Option(1, "--seed", help="Seed: the same seed gives the same files."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Reference date of the planted cases (default 2026-06-30)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print row counts as JSON."),
) -> None:
    """Write a synthetic population (OMOP Parquet, FHIR NDJSON) with planted edge cases.

    Prevalences and planted cases are listed in docs/cohort.md. Synthetic people only.

    Example: b12pain synth --patients 100000 --out synth/ --format both --seed 7
    """
    import time

    from rich.console import Console

    from b12pain.cohort import synth as generator

    if format not in ("omop", "fhir-bulk", "both"):
        raise InputError.single("--format", format, "one of omop, fhir-bulk, both")
    day = _date(as_of, "--as-of") if as_of else generator.DEFAULT_AS_OF
    _out_folder(out)
    started = time.perf_counter()
    console = Console(stderr=True)
    with console.status("generating"):
        counts: dict[str, Any] = {
            "omop": generator.generate_omop(out / "omop", patients, seed, day)
        }
        if format in ("fhir-bulk", "both"):
            counts["fhir"] = generator.render_fhir(out / "omop", out / "fhir")
    seconds = round(time.perf_counter() - started, 2)
    if as_json:
        print(json.dumps({"out": str(out), "seconds": seconds, "rows": counts}, indent=2))
        return
    for part, tables in counts.items():
        Console().print(f"{part}: " + ", ".join(f"{k} {v:,}" for k, v in tables.items()))
    Console().print(f"Written to {out} in {seconds} s (synthetic people only).")


def circe_export(
    out: Path = typer.Option(..., "--out", help="Folder for one <rule_id>.circe.json per rule."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Screening date YYYY-MM-DD (default today); Circe has no parameters."
    ),
    rules: str | None = typer.Option(
        None, "--rules", help="Comma-separated rule ids (default: all)."
    ),
    concept_set: list[str] = typer.Option(
        [], "--concept-set", help="Site concept set ID=PATH (ATLAS JSON or YAML); repeatable."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the written files as JSON."),
) -> None:
    """Export the screening rules as OHDSI Circe cohort definitions (JSON that ATLAS imports).

    The index date is the as-of date; docs/cohort.md ("OHDSI") lists where Circe's framing
    differs from `b12pain screen` (rule a is exported wider: one exposure, not covered days).

    Example: b12pain circe-export --as-of 2026-06-30 --out atlas/
    """
    from b12pain.cohort.circe import cohort_definition
    from b12pain.cohort.concepts import shipped_sets
    from b12pain.cohort.output import write_text_file
    from b12pain.cohort.rules import select_rules
    from b12pain.cohort.screen import parse_concept_set_option
    from b12pain.knowledge import load

    day = _date(as_of, "--as-of")
    kb = load()
    sets = shipped_sets(kb)
    sets.overrides.update(parse_concept_set_option(concept_set))
    rule_ids = [r.strip() for r in rules.split(",") if r.strip()] if rules else None
    written = []
    _out_folder(out)
    for rule in select_rules(rule_ids):
        path = out / f"{rule.id}.circe.json"
        write_text_file(path, json.dumps(cohort_definition(rule, kb, sets, day), indent=1))
        written.append(str(path))
    if as_json:
        print(json.dumps({"as_of": day.isoformat(), "files": written}, indent=2))
        return
    for path in written:
        typer.echo(f"Circe cohort definition: {path}")


def register(app: typer.Typer) -> None:
    """Add `screen`, `synth` and `circe-export` to the app."""
    app.command("screen")(screen)
    app.command("synth")(synth)
    app.command("circe-export")(circe_export)
