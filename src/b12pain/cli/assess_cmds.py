"""`b12pain assess`, `check`, `labs` and `regimen`: the person-facing assessment commands.

Each command parses its arguments, calls the library (`parse_profile`, `assess`, `read_lab`,
`build_schedule`) and renders the result; no clinical rule is decided here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

from b12pain.cli.dates import parse_date
from b12pain.cli.journal_common import DataDir
from b12pain.errors import InputError, Problem

TODAY_HELP = "The date to assess on (YYYY-MM-DD); default today."


def register(app: typer.Typer) -> None:
    """Add the assessment commands to the app."""
    app.command("assess")(assess_command)
    app.command("check")(check_command)
    app.command(
        "labs", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
    )(labs_command)
    app.command("regimen")(regimen_command)


# -- helpers ------------------------------------------------------------------------------------
def read_profile_file(path: Path) -> dict[str, Any]:
    """The raw profile mapping from a YAML or JSON file; bad files are `InputError`s."""
    from b12pain.userfile import read_user_file

    data = read_user_file(path, "PROFILE")
    if not isinstance(data, dict):
        raise InputError.single("PROFILE", str(path), "must hold a mapping of profile fields")
    return data


def _console() -> Any:
    from rich.console import Console

    return Console()


def _print_assessment(data: dict[str, Any], today: dt.date, as_json: bool, clinician: bool) -> Any:
    """Assess the profile, print the result, and return it (an `Assessment`)."""
    from b12pain import assess, parse_profile
    from b12pain.cli.render import render_assessment

    result = assess(parse_profile(data), today)
    if as_json:
        typer.echo(json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False))
    else:
        render_assessment(result, _console(), clinician=clinician)
    return result


def _offer_to_save(
    console: Any, profile: dict[str, Any], day: dt.date, data_dir: Path | None
) -> bool:
    """Ask whether to keep the answers and the result in the diary; save them if so (through
    `service.profile.save_profile`). No answer (end of input) keeps nothing."""
    from rich.markup import escape

    from b12pain.cli.journal_common import session
    from b12pain.service import profile as profiles

    while True:
        try:
            reply = console.input(
                escape("\nSave your answers and this result to your diary? [y/n]: ")
            )
        except EOFError:
            return False
        reply = reply.strip().lower()
        if reply in {"n", "no", ""}:
            console.print("Not saved.")
            return False
        if reply in {"y", "yes"}:
            break
        console.print("Please answer y or n.")
    with session(data_dir, today=day) as ctx:
        saved = profiles.save_profile(
            ctx, profile, assess=True, assess_on=day, note="from the guided check"
        )
    stored = f" and the result ({saved.saved_assessment.uid[:8]})" if saved.saved_assessment else ""
    console.print(
        f"Saved to your diary: your answers (profile version {saved.version}){stored}. "
        "See them with `b12pain history --all`."
    )
    return True


def _print_next_steps(console: Any, assessment: Any, saved: bool) -> None:
    """The next steps after the check, each with its command and web page."""
    from rich.markup import escape

    from b12pain.service.next_steps import LOCAL_ADDRESS, after_check

    console.print("\n[bold]Next steps[/bold]")
    for number, step in enumerate(after_check(assessment, saved), start=1):
        console.print(f"{number}. {escape(step.what)}")
        if step.command:
            console.print(f"   Command: {escape(step.command)}")
        if step.page:
            console.print(
                f"   Page: {LOCAL_ADDRESS}{step.page} (after `make run` or `b12pain serve`)"
            )


# -- commands -----------------------------------------------------------------------------------
def assess_command(
    profile: Path = typer.Argument(..., metavar="PROFILE", help="A profile file (YAML or JSON)."),
    today: str = typer.Option(None, "--today", help=TODAY_HELP),
    as_json: bool = typer.Option(
        False, "--json", help="Print the assessment as JSON (CONTRACT.md)."
    ),
    clinician: bool = typer.Option(False, "--clinician", help="Show clinician wording."),
) -> None:
    """Assess a profile: red flags first, then testing, lab bands, treatment, plan and sources.

    Exit status 2 with one line per problem when the profile cannot be read.

    Example: b12pain assess examples/metformin-neuropathy.yaml --today 2026-11-24 --json
    """
    day = parse_date(today, "--today") or dt.date.today()
    _print_assessment(read_profile_file(profile), day, as_json, clinician)


def check_command(
    save: Path = typer.Option(
        None, "--save", help="Write the profile the check built to FILE (YAML)."
    ),
    today: str = typer.Option(None, "--today", help=TODAY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the assessment as JSON at the end."),
    data_dir: DataDir = None,
) -> None:
    """Guided self-check: answer questions in the terminal, then see the assessment.

    Red-flag questions come first, and a red flag is shown as soon as its question is answered
    (then continue or stop). Type `b` to go back one question; Ctrl-C leaves (nothing saved).
    At the end it offers to save your answers and the result to your diary, and says what to
    do next.

    Example: b12pain check --save my-profile.yaml
    """
    from rich.console import Console
    from rich.markup import escape

    from b12pain.cli.guided_check import GuidedCheck, options_from_knowledge, to_profile_dict
    from b12pain.knowledge import load

    day = parse_date(today, "--today") or dt.date.today()
    if save is not None:  # refused before the first question: a folder, pipe or missing folder
        from b12pain.privacy import check_export_target

        check_export_target(save, None, "--save")
    if data_dir is not None:  # a journal folder that cannot be used is refused before asking
        from b12pain.cli.journal_common import session

        with session(data_dir):
            pass
    console = Console(stderr=as_json)  # with --json, stdout holds only the JSON
    console.print(
        "[bold]b12pain self-check[/bold] — about 3 minutes. Not medical advice: the result is "
        "something to discuss with a clinician.\n"
    )
    kb = load()
    options, titles = options_from_knowledge(kb)
    check = GuidedCheck(
        ask=lambda prompt: console.input(escape(f"{prompt}: ")),  # "[y/N]" is not markup
        say=lambda text: console.print(escape(text)),
        options=options,
        titles=titles,
        today=day,
        kb=kb,
    )
    try:
        profile = to_profile_dict(check.run())
    except KeyboardInterrupt:  # Ctrl-C: leave quietly, as a person expects (exit status 130)
        console.print("\nStopped; nothing was saved.")
        raise typer.Exit(130) from None
    if check.stopped:  # after a red flag: nothing saved, no further questions (§J.13)
        console.print(
            "\nYou stopped the check. Please act on the red flag above now. Nothing was saved."
        )
        console.print(escape(_disclaimer()))
        if as_json:
            flags = [f.model_dump(mode="json") for f in check.shown]
            typer.echo(json.dumps({"stopped": True, "red_flags": flags}, indent=2))
        return
    if save is not None:
        import yaml

        from b12pain.privacy import write_private

        try:  # private (0600) and atomic: never a half-written or world-readable profile
            write_private(save, yaml.safe_dump(profile, sort_keys=False, allow_unicode=True))
        except OSError as exc:
            raise InputError.single(
                "--save", str(save), f"cannot be written ({exc.strerror})"
            ) from None
        console.print(f"Profile saved to {save}")
    console.print()
    result = _print_assessment(profile, day, as_json, clinician=False)
    try:
        saved = _offer_to_save(console, profile, day, data_dir)
    except KeyboardInterrupt:
        console.print("\nStopped; nothing was saved to your diary.")
        raise typer.Exit(130) from None
    _print_next_steps(console, result, saved)


def labs_command(
    ctx: typer.Context,
    reading: list[str] = typer.Argument(
        None,
        metavar="TEST VALUE UNIT [TEST VALUE UNIT …] | add …",
        help="One or more results as TEST VALUE UNIT (e.g. total_b12 210 ng/L); "
        "or `add TEST VALUE UNIT` to store a result in your journal.",
    ),
    mma: tuple[float, str] | None = typer.Option(
        None, "--mma", help="MMA VALUE UNIT, e.g. 0.5 umol/L."
    ),
    active_b12: tuple[float, str] | None = typer.Option(
        None, "--active-b12", help="Active B12 VALUE UNIT."
    ),
    folate: tuple[float, str] | None = typer.Option(None, "--folate", help="Folate VALUE UNIT."),
    homocysteine: tuple[float, str] | None = typer.Option(
        None, "--homocysteine", help="Homocysteine VALUE UNIT."
    ),
    pregnant: bool = typer.Option(
        False, "--pregnant", help="Read as in pregnancy (total B12 falls)."
    ),
    symptoms: bool = typer.Option(
        False, "--symptoms", help="You have symptoms of low B12 (tingling, numbness, tiredness …)."
    ),
    last_injection: str = typer.Option(
        None, "--last-injection", help="Date of the last B12 injection (YYYY-MM-DD)."
    ),
    date: str = typer.Option(
        None, "--date", help="Date of the test (YYYY-MM-DD); with `add`, stored."
    ),
    lab: str = typer.Option(None, "--lab", help="With `add`: the lab's name."),
    reference_range: str = typer.Option(
        None, "--range", help="With `add`: the lab's range, e.g. 180-914."
    ),
    note: str = typer.Option(None, "--note", help="With `add`: a note."),
    today: str = typer.Option(None, "--today", help=TODAY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Read blood-test results against their published bands (a quick reading, nothing stored).

    With `add`, the result is stored in your journal instead.

    Example: b12pain labs total_b12 210 ng/L --mma 0.5 umol/L
    """
    args = list(reading or []) + list(ctx.args)
    unknown = [a for a in args if a.startswith("-") and not _is_number(a)]
    if unknown:  # negative numbers pass through to the model's range check; options do not
        raise InputError.single("option", unknown[0], "no such option; see b12pain labs --help")
    if args and args[0] == "add":
        _labs_add(args[1:], date, lab, reference_range, note, as_json)
        return
    results = _lab_triples(args)
    for test, pair in (
        ("mma", mma),
        ("active_b12", active_b12),
        ("folate", folate),
        ("homocysteine", homocysteine),
    ):
        if pair and pair[0] is not None:
            results.append({"test": test, "value": pair[0], "unit": pair[1]})
    if not results:
        from b12pain.clinical.profile import ALLOWED_UNITS

        raise InputError.single(
            "TEST VALUE UNIT", None, f"give at least one result; tests: {', '.join(ALLOWED_UNITS)}"
        )
    for item in results:
        if date:
            item["date"] = date
    day = parse_date(today, "--today") or dt.date.today()
    readings = read_quick_labs(
        results, day, pregnant, parse_date(last_injection, "--last-injection"), symptoms
    )
    _print_readings(readings, as_json)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _lab_triples(args: list[str]) -> list[dict[str, Any]]:
    if len(args) % 3:
        raise InputError.single(
            "TEST VALUE UNIT", " ".join(args), "give results in threes, e.g. total_b12 210 ng/L"
        )
    results = []
    for index in range(0, len(args), 3):
        test, value, unit = args[index : index + 3]
        try:
            number: Any = float(value)
        except ValueError:
            number = value  # the model reports it with the allowed range
        results.append({"test": test, "value": number, "unit": unit})
    return results


def read_quick_labs(
    results: list[dict[str, Any]],
    today: dt.date,
    pregnant: bool,
    last_injection: dt.date | None,
    has_symptoms: bool = False,
) -> list[Any]:
    """Each result read with `clinical.labs.read_lab` for an adult (the bands apply from 16)."""
    from pydantic import ValidationError

    from b12pain.clinical.labs import LabContext, read_lab
    from b12pain.clinical.parse import refuse_dates_after
    from b12pain.clinical.profile import LabResult
    from b12pain.errors import problems_from_pydantic

    problems: list[Problem] = []
    labs = []
    for index, raw in enumerate(results):
        try:
            labs.append(LabResult.model_validate(raw))
        except ValidationError as exc:
            problems += problems_from_pydantic(exc, prefix=f"labs[{index}]")
    if problems:
        raise InputError(problems)
    # `--date` applies to every result of the reading.
    refuse_dates_after([("--date", labs[0].date)] if labs else [], today)
    context = LabContext(
        today=today,
        pregnant=pregnant,
        last_injection=last_injection,
        has_symptoms=has_symptoms,
        measured=frozenset(lab.test for lab in labs),
    )
    return [read_lab(lab, context) for lab in labs]


def _print_readings(readings: list[Any], as_json: bool) -> None:
    from b12pain.knowledge import load

    disclaimer = _disclaimer()
    if as_json:
        payload = {
            "knowledge_version": load().version,
            "labs": [r.model_dump(mode="json") for r in readings],
            "disclaimer": disclaimer,
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    from rich.markup import escape
    from rich.padding import Padding
    from rich.panel import Panel

    from b12pain.cli.render import print_sources
    from b12pain.presentation.assessment import Footnotes, band_words
    from b12pain.presentation.labs import band_limits, next_test_purposes, test_title

    kb = load()
    console = _console()
    notes = Footnotes()
    console.print("[bold]Blood tests[/bold]")
    for r in readings:  # one short block a result: readable at 80 columns
        shown = f"{r.value:g} {r.unit}"
        if r.equivalent_value is not None:
            shown += f" (about {r.equivalent_value:.4g} {r.equivalent_unit})"
        console.print(f"\n[bold]{escape(test_title(kb, r.test))}[/bold]: {escape(shown)}")
        mark = notes.mark(r.citations)
        # never "deficiency confirmed" in plain words (§J.7)
        lines = [f"What it shows: {band_words(r.test, r.band)}. {mark}", band_limits(kb, r)]
        lines += [f"Next test: {purpose}" for purpose in next_test_purposes(kb, r.next_tests)]
        for line in filter(None, lines):
            console.print(Padding(escape(line), (0, 0, 0, 2)))  # wrapped lines stay indented
    console.print()
    print_sources(notes, console)
    console.print(Panel(escape(disclaimer), title="Not medical advice", border_style="dim"))


def _disclaimer() -> str:
    from b12pain.knowledge import load

    entry = load().get("policy.not_medical_advice")
    return str(getattr(entry, "text", None) or entry.title)


def _labs_add(
    args: list[str],
    date: str | None,
    lab: str | None,
    reference_range: str | None,
    note: str | None,
    as_json: bool,
) -> None:
    from b12pain.cli import journal_cmds

    add = getattr(journal_cmds, "labs_add", None)
    if add is None:  # pragma: no cover - the journal is part of the package
        raise InputError.single("add", None, "the journal is not available in this installation")
    if len(args) != 3:
        raise InputError.single(
            "TEST VALUE UNIT", " ".join(args), "give exactly one result: add TEST VALUE UNIT"
        )
    test, value, unit = args
    try:
        number = float(value)
    except ValueError:
        raise InputError.single("VALUE", value, "a number greater than 0") from None
    add(
        test=test,
        value=number,
        unit=unit,
        date=date,
        lab=lab,
        reference_range=reference_range,
        note=note,
        as_json=as_json,
    )


def regimen_command(
    regimen_id: str = typer.Argument(
        None, metavar="REGIMEN", help="A regimen id; omit to list them."
    ),
    start: str = typer.Option(
        None, "--start", help="First day of treatment (YYYY-MM-DD); default today."
    ),
    review_after_days: int = typer.Option(
        None,
        "--review-after-days",
        min=1,
        max=730,
        help="Days to the review (default: the cited follow-up).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print the dated schedule of a cited regimen: loading doses, maintenance, review.

    Only the regimen's own cited dose ever appears. Without REGIMEN, lists the regimens.

    Example: b12pain regimen im_hydroxocobalamin_no_neuro --start 2026-12-01
    """
    from b12pain.clinical.catalogue import catalogue
    from b12pain.clinical.dosing import schedulable_regimens
    from b12pain.clinical.regimens import build_schedule

    cat = catalogue()
    schedulable = list(schedulable_regimens(cat.kb))  # the one place that decides (§J.9)
    if regimen_id is None:
        rows = [{"id": r, "title": cat.regimens[r].title} for r in schedulable]
        if as_json:
            typer.echo(json.dumps({"regimens": rows}, indent=2))
        else:
            for row in rows:
                typer.echo(f"{row['id']:<36} {row['title']}")
        return
    regimen_id = regimen_id.strip().lower()
    if regimen_id not in schedulable:
        raise InputError.single("REGIMEN", regimen_id, f"one of {', '.join(schedulable)}")
    day = parse_date(start, "--start") or dt.date.today()
    schedule = build_schedule(regimen_id, day, review_after_days=review_after_days)
    regimen = cat.regimens[regimen_id]
    if as_json:
        payload = {
            "regimen_id": regimen_id,
            "title": regimen.title,
            "start": day.isoformat(),
            "schedule": [s.model_dump(mode="json") for s in schedule],
            "citations": [c.model_dump() for c in regimen.citations],
            "disclaimer": _disclaimer(),
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    from rich.markup import escape
    from rich.table import Table

    from b12pain.cli.render import cite

    table = Table(title=f"{regimen.title} — from {day.isoformat()}")
    table.add_column("date")
    table.add_column("what", overflow="fold")
    for step in schedule:
        table.add_row(step.date.isoformat(), escape(step.what))
    console = _console()
    console.print(table)
    console.print(f"[dim]{cite(regimen.citations)}[/dim]")
    console.print(escape(f"A clinician decides the treatment. {_disclaimer()}"))
