"""Diary commands: `b12pain log pain|sleep|exercise|stress|mood|symptoms|food|comment|profile|
instrument`, `history`, and `labs_add` for `b12pain labs add`.

Each command parses its arguments, makes one call into `b12pain.service`, and prints the result
(plain words from `b12pain.presentation`). No rule is decided here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from b12pain.cli.dates import parse_date
from b12pain.cli.journal_common import (
    NUMBERS_MAY_BE_NEGATIVE,
    AsJson,
    At,
    DataDir,
    FromDay,
    Kinds,
    Note,
    ToDay,
    confirm_saved,
    print_json,
    session,
    shown,
    split,
)

#: The entry a command works on, as `history --all` shows it.
EntryId = Annotated[str, typer.Argument(help="The entry id (or its first 8 characters).")]

log_app = typer.Typer(
    help="Record pain, doses, sleep, exercise, stress, mood, food, symptoms, questionnaires, profile, comments.",
    no_args_is_help=True,
)


@log_app.command("pain", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_pain(
    nrs: int = typer.Argument(..., help="Pain now, 0 (none) to 10 (worst imaginable)."),
    regions: str | None = typer.Option(
        None, "--regions", help='Comma-separated, e.g. "feet,hands" or "left knee,head".'
    ),
    pain_type: str | None = typer.Option(
        None, "--type", help='burning, tingling, shooting … or words like "pins and needles".'
    ),
    descriptors: str | None = typer.Option(
        None, "--descriptors", help='Comma-separated, e.g. "burning,pins and needles".'
    ),
    triggers: str | None = typer.Option(None, "--triggers", help="Comma-separated."),
    helped: str | None = typer.Option(None, "--helped", help="What helped, comma-separated."),
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record a pain rating (NRS 0–10) with body regions, type and a note.

    Regions: the ACR 2016 WPI areas (jaw_left … lower_leg_right, neck, upper_back, lower_back,
    chest, abdomen), feet, hands, the head (head_front, head_back, head_side_left/right),
    elbows and knees (elbow_left, knee_right …); words such as "left knee", "knees", "foot" or
    "back of the head" work too.

    Example: b12pain log pain 6 --regions feet,hands --type burning --note "worse at night"
    """
    from b12pain.service import diary

    entry = diary.PainInput(
        nrs=nrs,
        regions=split(regions),
        pain_type=pain_type,
        descriptors=split(descriptors),
        triggers=split(triggers),
        helped=split(helped),
        note=note,
        at=at,
    )
    with session(data_dir) as ctx:
        confirm_saved(diary.log_pain(ctx, entry), as_json)


@log_app.command("sleep", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_sleep(
    hours: float = typer.Argument(..., help="Hours slept, 0–24."),
    quality: int | None = typer.Option(None, "--quality", help="0 very bad … 4 very good."),
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record last night's sleep (hours and quality 0–4).

    Example: b12pain log sleep 6.5 --quality 2
    """
    from b12pain.service import diary

    with session(data_dir) as ctx:
        saved = diary.log_sleep(ctx, diary.SleepInput(hours, quality, note, at))
        confirm_saved(saved, as_json)


@log_app.command("exercise", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_exercise(
    minutes: int = typer.Argument(..., help="Minutes of exercise, 0–1440."),
    kind: str | None = typer.Option(None, "--kind", help="What kind, e.g. walking."),
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record exercise (minutes and kind).

    Example: b12pain log exercise 30 --kind walking
    """
    from b12pain.service import diary

    with session(data_dir) as ctx:
        saved = diary.log_exercise(ctx, diary.ExerciseInput(minutes, kind, note, at))
        confirm_saved(saved, as_json)


@log_app.command("stress", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_stress(
    level: int = typer.Argument(..., help="Stress 0 (none) to 10 (worst)."),
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record stress (0–10).

    Example: b12pain log stress 7 --note "deadline"
    """
    from b12pain.service import diary

    with session(data_dir) as ctx:
        confirm_saved(diary.log_stress(ctx, diary.LevelInput(level, note, at)), as_json)


@log_app.command("mood", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_mood(
    level: int = typer.Argument(..., help="Mood 0 very bad, 1 bad, 2 okay, 3 good, 4 very good."),
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record mood (0 very bad … 4 very good).

    Example: b12pain log mood 3
    """
    from b12pain.service import diary

    with session(data_dir) as ctx:
        confirm_saved(diary.log_mood(ctx, diary.LevelInput(level, note, at)), as_json)


@log_app.command("symptoms")
def log_symptoms(
    symptoms: str = typer.Argument(..., help="Comma-separated ids, e.g. tingling,fatigue."),
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record a symptom check (which symptoms are present now).

    Example: b12pain log symptoms tingling,numbness,fatigue
    """
    from b12pain.service import diary

    with session(data_dir) as ctx:
        saved = diary.log_symptoms(ctx, diary.SymptomsInput(split(symptoms), note, at))
        confirm_saved(saved, as_json)


@log_app.command("food", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_food(
    amount: str = typer.Argument(
        ..., help='What you ate, in your words: "2 slices toast", "1 glass milk", "150 g salmon".'
    ),
    food_id: str | None = typer.Option(
        None, "--food-id", help="A food id (from the alternatives shown, or `foods search`)."
    ),
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record something eaten, in your own words; shows the food matched, its grams and B12,
    and other foods it might be (pick one with --food-id).

    Example: b12pain log food "2 slices toast"
    """
    from b12pain.service import intake

    with intake.open_food_database(data_dir) as foods, session(data_dir) as ctx:
        logged = intake.log_food(ctx, intake.FoodInput(amount, food_id, note, at), foods)
    match = logged.measured
    if as_json:
        print_json(
            {"saved": logged.saved.model_dump(mode="json"), "match": match.model_dump(mode="json")}
        )
        return
    confirm_saved(logged.saved, as_json=False)
    b12 = "no B12 data" if match.b12_ug is None else f"{match.b12_ug:.2f} µg B12"
    typer.echo(
        f"  Matched: {shown(match.description)} [{shown(match.food_id)}], "
        f"{round(match.grams, 1):g} g ({shown(match.measure)}: {shown(match.measure_basis)}), {b12}"
    )
    if match.did_you_mean:
        typer.echo(f"  {shown(match.did_you_mean)}")
    for note_text in match.notes:
        typer.echo(f"  Note: {shown(note_text)}")
    if match.alternatives:
        typer.echo("  Not this? Pick another with --food-id:")
        for alt in match.alternatives:
            typer.echo(f"    {shown(alt.food_id)}  {shown(alt.description)}")


@log_app.command("comment")
def log_comment(
    entry: EntryId,
    text: str = typer.Argument(..., help="The comment."),
    author: str = typer.Option("me", "--author", help="Who writes it (e.g. a clinician's name)."),
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Add a comment to any earlier entry.

    Example: b12pain log comment 3f2a9c1e "pain eased after a walk"
    """
    from b12pain.service import diary

    with session(data_dir) as ctx:
        uid, comment = diary.add_comment(ctx, entry, text, author=author, at=at)
    if as_json:
        print_json({"saved": comment.model_dump(mode="json"), "entry": uid})
    else:
        typer.echo(f"Comment added to entry {uid[:8]}.")


@log_app.command("profile")
def log_profile(
    path: Path = typer.Argument(..., help="Profile file (YAML or JSON, CONTRACT.md fields)."),
    assess: bool = typer.Option(False, "--assess", help="Also assess it and save the result."),
    on: str | None = typer.Option(None, "--today", help="Assessment date (YYYY-MM-DD)."),
    note: Note = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Save a new version of your profile (earlier versions are kept), optionally assessed.

    Example: b12pain log profile my-profile.yaml --assess
    """
    from b12pain.errors import InputError
    from b12pain.service import profile as profiles
    from b12pain.userfiles import read_user_file

    data = read_user_file(path, "PROFILE")
    if not isinstance(data, dict):
        raise InputError.single("PROFILE", str(path), "must hold a mapping of profile fields")
    day = parse_date(on, "today")
    with session(data_dir) as ctx:
        result = profiles.save_profile(ctx, data, assess=assess, assess_on=day, note=note)
    stored = result.saved_assessment
    if as_json:
        print_json(
            {
                "saved": result.saved.model_dump(mode="json"),
                "version": result.version,
                "assessment": stored.model_dump(mode="json") if stored else None,
            }
        )
        return
    assessment = result.assessment
    if assessment is not None:
        for flag in assessment.red_flags:  # red flags first, always
            typer.echo(f"RED FLAG ({flag.urgency}): {flag.title}. {flag.action}")
    typer.echo(f"Saved profile version {result.version} ({result.saved.uid[:8]}).")
    if assessment is not None and stored is not None:
        typer.echo(
            f"Assessment saved ({stored.uid[:8]}), overall urgency: {assessment.urgency}. "
            f"Full result: b12pain assess {shown(str(path))}"
        )
        typer.echo(assessment.disclaimer)


@log_app.command("instrument")
def log_instrument(
    instrument_id: str = typer.Argument(
        ..., help="Questionnaire id, e.g. dn4, nrs (see b12pain questionnaire --list)."
    ),
    answers: str = typer.Argument(
        ..., help='Answers as JSON ({"q1": true, …}) or a YAML/JSON file of answers.'
    ),
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Score a questionnaire and save the answers, score and category.

    Example: b12pain log instrument nrs '{"nrs": 6}'
    """
    from b12pain.cli.questionnaire_cmds import answers_from_argument
    from b12pain.service import diary

    given = answers_from_argument(answers)
    with session(data_dir) as ctx:
        scored = diary.log_instrument(ctx, diary.InstrumentInput(instrument_id, given, note, at))
    if as_json:
        print_json(
            {"saved": scored.saved.model_dump(mode="json"), "result": scored.result.to_json_dict()}
        )
        return
    typer.echo(f"Saved {scored.result.title}: {scored.result.summary}")


def labs_add(
    test: str,
    value: float,
    unit: str,
    date: str | None,
    lab: str | None,
    reference_range: str | None,
    note: str | None,
    as_json: bool,
    data_dir: Path | None = None,
) -> None:
    """Validate and store a lab result in the journal, then print it (for `b12pain labs add`).

    `date` is the day the blood was taken (YYYY-MM-DD); bad input raises `InputError`.
    """
    from b12pain.service import labs

    reading = labs.LabInput(test, value, unit, parse_date(date, "date"), lab, reference_range, note)
    with session(data_dir) as ctx:
        confirm_saved(labs.add_lab(ctx, reading), as_json)


def history(
    start: FromDay = None,
    end: ToDay = None,
    kind: Kinds = None,
    every_entry: bool = typer.Option(
        False, "--all", help="List every entry instead of one line a day."
    ),
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Show your diary, oldest first: one line a day (pain average and range, doses, sleep,
    notes), or every entry with --all; optionally between two days.

    Example: b12pain history --from 2026-11-01 --to 2026-11-24 --all --kind pain
    """
    import dataclasses

    from b12pain.service import diary

    first, last = parse_date(start, "from"), parse_date(end, "to")
    kinds = split(kind) or None
    with session(data_dir) as ctx:
        records = diary.list_entries(ctx, kinds, first, last)
        days = [] if every_entry else diary.daily_summary(ctx, kinds, first, last)
    if as_json:
        data = {"entries": [r.model_dump(mode="json") for r in records]}
        if not every_entry:
            data["days"] = [dataclasses.asdict(d) for d in days]
        print_json(data)
    elif not records:
        typer.echo("No entries in this period.")
    elif every_entry:
        _print_entries(records)
    else:
        _print_days(days)


def _print_days(days: list[Any]) -> None:
    """One line a day, at most 80 columns."""
    rows = [("day", "pain: avg (range)", "doses", "sleep", "notes", "entries")]
    for d in days:
        pain = "-"
        if d.pain_mean is not None:
            pain = f"{d.pain_mean:.1f}"
            if d.pain_ratings > 1:
                pain += f" ({d.pain_low}-{d.pain_high}, {d.pain_ratings}x)"
        doses = ", ".join(
            f"{n} {word}"
            for n, word in ((d.doses_taken, "taken"), (d.doses_missed, "skipped"))
            if n
        )
        sleep = "-" if d.sleep_hours is None else f"{d.sleep_hours:g} h"
        day = f"{d.day:%a %Y-%m-%d}"
        rows.append((day, pain, doses or "-", sleep, str(d.notes or "-"), str(d.entries)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        typer.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    typer.echo("Every entry, with its id and note: b12pain history --all")


def _print_entries(records: list[Any]) -> None:
    """Every entry in a table (wrapped to the terminal's width)."""
    from rich.console import Console
    from rich.table import Table

    from b12pain.presentation.entries import describe
    from b12pain.textsafe import for_terminal

    table = Table("when", "id", "entry", "note")
    for record in records:
        note = record.note or ""
        if record.comments:
            note += f" [{len(record.comments)} comment(s)]"
        table.add_row(
            record.at.strftime("%Y-%m-%d %H:%M"),
            record.uid[:8],
            for_terminal(describe(record)),
            for_terminal(note),
        )
    Console().print(table)


def edit(
    entry: EntryId,
    changes: list[str] = typer.Option(
        [], "--set", help="FIELD=VALUE, e.g. nrs=4 or regions=feet,hands; repeatable."
    ),
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Change one entry (checked as a new entry would be); `b12pain undo` takes it back.

    Example: b12pain edit 3f2a9c1e --set nrs=4 --note "less after the walk"
    """
    from b12pain.service import diary

    fields = dict(_field_value(text) for text in changes)
    if note is not None:
        fields["note"] = note
    if at is not None:
        fields["at"] = at
    with session(data_dir) as ctx:
        edited = diary.edit_entry(ctx, entry, diary.EntryChanges(fields))
    if as_json:
        print_json({"saved": edited.model_dump(mode="json")})
        return
    from b12pain.presentation.entries import describe

    typer.echo(f"Changed {edited.kind} entry {edited.uid[:8]}: {shown(describe(edited))}")  # type: ignore[attr-defined]
    typer.echo("Take it back with `b12pain undo`.")


def delete(
    entry: EntryId,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Delete one entry (and its comments); `b12pain undo` brings it back.

    Example: b12pain delete 3f2a9c1e
    """
    from b12pain.presentation.entries import describe
    from b12pain.service import diary

    with session(data_dir) as ctx:
        gone = diary.delete_entry(ctx, entry)
    if as_json:
        print_json({"deleted": gone.model_dump(mode="json")})
        return
    typer.echo(f"Deleted {gone.kind} entry {gone.uid[:8]}: {shown(describe(gone))}")  # type: ignore[attr-defined]
    typer.echo("Bring it back with `b12pain undo`.")


def undo(as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """Undo your last edit or delete: the entry is back as it was.

    Example: b12pain undo
    """
    from b12pain.presentation.entries import describe
    from b12pain.service import diary

    with session(data_dir) as ctx:
        undone = diary.undo_last_change(ctx)
    if as_json:
        print_json({"undone": undone.action, "entry": undone.entry.model_dump(mode="json")})
        return
    entry = undone.entry
    typer.echo(f"Undid the {undone.action} of entry {entry.uid[:8]}: {shown(describe(entry))}")


def _field_value(text: str) -> tuple[str, object]:
    """`nrs=4` → ("nrs", 4); `regions=feet,hands` → ("regions", ["feet", "hands"])."""
    import json

    from b12pain.errors import InputError

    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise InputError.single("--set", text, "FIELD=VALUE, e.g. nrs=4")
    try:
        value: object = json.loads(raw)
    except json.JSONDecodeError:
        value = split(raw) if "," in raw else raw
    return name.strip(), value
