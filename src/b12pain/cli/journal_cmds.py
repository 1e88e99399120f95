"""CLI commands of the journal: `b12pain log …`, `history`, `insights`, `plan`, `today`,
`export`, `import`, `backup`, `delete-all`, and `labs_add` for the lead's `b12pain labs add`.

Thin: each command validates through `journal.make_record`, writes through `Journal`, and renders.
Heavy imports (SQLAlchemy, pydantic models) happen inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

from b12pain.cli.dates import parse_date

NOT_ADVICE = (
    "Not medical advice: these are your own entries summarised; discuss changes with a clinician."
)

log_app = typer.Typer(
    help="Record pain, doses, sleep, exercise, stress, mood, food, symptoms, questionnaires, profile, comments.",
    no_args_is_help=True,
)
plan_app = typer.Typer(
    help="Supplement plans: start one, record stock on hand, list them.", no_args_is_help=True
)

DATA_DIR = typer.Option(
    None, "--data-dir", help="Journal folder (default: B12PAIN_DATA_DIR or the user data folder)."
)
AT = typer.Option(None, "--at", help="When (ISO date-time, e.g. 2026-11-24T08:30); default now.")
NOTE = typer.Option(None, "--note", help="A free-text note on this entry.")
JSON = typer.Option(False, "--json", help="Print the result as JSON.")
#: `log pain -3` reaches the model (and its "0 to 10" message) instead of "No such option: -3".
NUMBERS_MAY_BE_NEGATIVE = {"ignore_unknown_options": True}


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(log_app, name="log")
    app.add_typer(plan_app, name="plan")
    for command in (history, insights, today, export, import_, backup, delete_all):
        name = command.__name__.rstrip("_").replace("_", "-")
        app.command(name)(command)


# helpers -------------------------------------------------------------------------------


def _open(data_dir: Path | None) -> Any:
    from b12pain.journal import Journal

    return Journal.open(data_dir=data_dir)


def _parse_at(text: str | None, field: str = "at", future_ok: bool = False) -> dt.datetime:
    """An aware date-time from `--at` (local offset when none is given); now when absent.

    Something that happened cannot lie more than a day ahead (a typing slip); only a planned
    dose (`future_ok`) may.
    """
    from b12pain.errors import InputError

    now = dt.datetime.now().astimezone().replace(microsecond=0)
    if text is None:
        return now
    value = _parse_at_text(text, field)
    if not future_ok and value > now + dt.timedelta(days=1):
        raise InputError.single(
            field, text, f"a time that has passed (now is {now:%Y-%m-%d %H:%M})"
        )
    return value


def _parse_at_text(text: str, field: str) -> dt.datetime:
    from b12pain.days import check_day
    from b12pain.errors import InputError

    try:
        value = check_day(dt.datetime.fromisoformat(text))
    except ValueError as exc:
        allowed = "an ISO date-time such as 2026-11-24T08:30"
        if "between" in str(exc):
            allowed = f"{exc} (e.g. 2026-11-24T08:30)"
        raise InputError.single(field, text, allowed) from None
    return value if value.tzinfo is not None else value.astimezone()


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _save(data_dir: Path | None, kind: str, as_json: bool, **fields: Any) -> Any:
    """Validate, store in one transaction, and confirm (or print the saved record as JSON)."""
    from b12pain.journal import make_record

    record = make_record(kind, **fields)
    with _open(data_dir) as journal:
        journal.add(record)
    if as_json:
        _print_json({"saved": record.model_dump(mode="json")})
    else:
        typer.echo(f"Saved {kind} entry {record.uid[:8]}: {describe(record)}")
    return record


def describe(record: Any) -> str:
    """One line about a record, in plain words."""
    kind = record.kind
    if kind == "pain":
        where = (
            f" in {', '.join(r.replace('_', ' ') for r in record.regions)}"
            if record.regions
            else ""
        )
        what = f" ({record.pain_type})" if record.pain_type else ""
        return f"pain {record.nrs}/10{what}{where}"
    if kind == "dose":
        amount = f" {round(record.amount_ug, 2):g} µg" if record.amount_ug else ""
        site = f" at {record.site}" if record.site else ""
        return f"dose {record.status}:{amount} {record.form}{site}"
    if kind == "sleep":
        quality = f", quality {record.quality}/4" if record.quality is not None else ""
        return f"sleep {round(record.hours, 2):g} h{quality}"
    if kind == "exercise":
        return f"exercise {record.minutes} min" + (
            f" ({record.activity})" if record.activity else ""
        )
    if kind in ("stress", "mood"):
        return f"{kind} {record.level}/{10 if kind == 'stress' else 4}"
    if kind == "lab":
        return f"{record.test} {record.value:g} {record.unit}"
    if kind == "food":
        b12 = "B12 unknown" if record.b12_ug is None else f"{record.b12_ug:.2f} µg B12"
        return f"{record.amount_text} ({round(record.grams, 1):g} g, {b12})"
    if kind == "plan":
        how = f"every {record.every_days} day(s)" if record.every_days else "on its schedule"
        return (
            f"plan {record.regimen_id}: {round(record.amount_ug, 2):g} µg {record.form} {how} "
            f"from {record.starts_on}"
        )
    if kind == "symptoms":
        return "symptoms: " + (", ".join(record.symptoms) or "none")
    if kind == "instrument":
        score = "" if record.score is None else f" score {record.score:g}"
        return f"{record.instrument}{score}" + (f" ({record.category})" if record.category else "")
    if kind == "profile":
        facts = [f"age {record.profile.get('age')}", record.profile.get("diet", "")]
        return "profile: " + ", ".join(f for f in facts if f)
    if kind == "stock":
        return f"stock count: {record.units} unit(s) on hand"
    urgency = record.assessment.get("urgency", "?")
    return f"assessment: urgency {urgency} (knowledge {record.knowledge_version})"


# log -----------------------------------------------------------------------------------


@log_app.command("pain", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_pain(
    nrs: int = typer.Argument(..., help="Pain now, 0 (none) to 10 (worst imaginable)."),
    regions: str | None = typer.Option(None, "--regions", help="Comma-separated, e.g. feet,hands."),
    pain_type: str | None = typer.Option(None, "--type", help="burning, tingling, shooting …"),
    descriptors: str | None = typer.Option(None, "--descriptors", help="Comma-separated."),
    triggers: str | None = typer.Option(None, "--triggers", help="Comma-separated."),
    helped: str | None = typer.Option(None, "--helped", help="What helped, comma-separated."),
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Record a pain rating (NRS 0–10) with body regions, type and a note.

    Regions: the ACR 2016 WPI areas (jaw_left … lower_leg_right, neck, upper_back, lower_back,
    chest, abdomen) plus feet and hands.

    Example: b12pain log pain 6 --regions feet,hands --type burning --note "worse at night"
    """
    _save(
        data_dir,
        "pain",
        as_json,
        at=_parse_at(at),
        nrs=nrs,
        regions=_split(regions),
        pain_type=pain_type,
        descriptors=_split(descriptors),
        triggers=_split(triggers),
        helped=_split(helped),
        note=note,
    )


@log_app.command("dose")
def log_dose(
    status: str = typer.Option("taken", "--status", help="taken, skipped, late or planned."),
    form: str | None = typer.Option(None, "--form", help="oral, sublingual or injection."),
    site: str | None = typer.Option(None, "--site", help="Injection site, e.g. deltoid_left."),
    amount: float | None = typer.Option(None, "--amount", help="Amount in micrograms (µg)."),
    plan: str | None = typer.Option(None, "--plan", help="Plan id (default: the latest plan)."),
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Record a supplement dose: taken, skipped or late (form and amount default to the plan).

    Example: b12pain log dose --status taken
    """
    plan_uid, plan_form, plan_amount = plan, None, None
    with _open(data_dir) as journal:
        plans = journal.plans()
    chosen = [p for p in plans if plan is None or p.uid.startswith(plan.lower())]
    if plan is not None and not chosen:
        from b12pain.errors import InputError

        raise InputError.single("plan", plan, "no supplement plan with this id (b12pain plan list)")
    if chosen:
        plan_uid, plan_form, plan_amount = chosen[-1].uid, chosen[-1].form, chosen[-1].amount_ug
    if form is None and plan_form is None:
        from b12pain.errors import InputError

        raise InputError.single("form", None, "oral, sublingual or injection (no plan to copy)")
    _save(
        data_dir,
        "dose",
        as_json,
        at=_parse_at(at, future_ok=status == "planned"),
        plan_uid=plan_uid,
        status=status.strip().lower(),
        form=(form or plan_form or "").strip().lower(),
        site=site,
        amount_ug=plan_amount if amount is None else amount,
        note=note,
    )


@log_app.command("sleep", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_sleep(
    hours: float = typer.Argument(..., help="Hours slept, 0–24."),
    quality: int | None = typer.Option(None, "--quality", help="0 very bad … 4 very good."),
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Record last night's sleep (hours and quality 0–4).

    Example: b12pain log sleep 6.5 --quality 2
    """
    _save(data_dir, "sleep", as_json, at=_parse_at(at), hours=hours, quality=quality, note=note)


@log_app.command("exercise", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_exercise(
    minutes: int = typer.Argument(..., help="Minutes of exercise, 0–1440."),
    kind: str | None = typer.Option(None, "--kind", help="What kind, e.g. walking."),
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Record exercise (minutes and kind).

    Example: b12pain log exercise 30 --kind walking
    """
    _save(
        data_dir, "exercise", as_json, at=_parse_at(at), minutes=minutes, activity=kind, note=note
    )


@log_app.command("stress", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_stress(
    level: int = typer.Argument(..., help="Stress 0 (none) to 10 (worst)."),
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Record stress (0–10).

    Example: b12pain log stress 7 --note "deadline"
    """
    _save(data_dir, "stress", as_json, at=_parse_at(at), level=level, note=note)


@log_app.command("mood", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_mood(
    level: int = typer.Argument(..., help="Mood 0 very bad, 1 bad, 2 okay, 3 good, 4 very good."),
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Record mood (0 very bad … 4 very good).

    Example: b12pain log mood 3
    """
    _save(data_dir, "mood", as_json, at=_parse_at(at), level=level, note=note)


@log_app.command("symptoms")
def log_symptoms(
    symptoms: str = typer.Argument(..., help="Comma-separated ids, e.g. tingling,fatigue."),
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Record a symptom check (which symptoms are present now).

    Example: b12pain log symptoms tingling,numbness,fatigue
    """
    _save(data_dir, "symptoms", as_json, at=_parse_at(at), symptoms=_split(symptoms), note=note)


@log_app.command("food", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def log_food(
    amount: str = typer.Argument(..., help='Amount and food, e.g. "2 eggs" or "150 g salmon".'),
    food_id: str | None = typer.Option(None, "--food-id", help="A food id from `foods search`."),
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Record something eaten; the food database weighs it and works out its B12.

    Example: b12pain log food "2 eggs"
    """
    from b12pain.foods import FoodDatabase
    from b12pain.foods.database import FILE_NAME

    with FoodDatabase.open(data_dir / FILE_NAME if data_dir else None) as db:
        measured = db.measure(amount, food_id=food_id)
    _save(
        data_dir,
        "food",
        as_json,
        at=_parse_at(at),
        food_id=measured.food_id,
        description=measured.description,
        amount_text=measured.amount_text,
        grams=measured.grams,
        b12_ug=measured.b12_ug,
        b12_added_ug=measured.b12_added_ug,
        note=note,
    )


@log_app.command("comment")
def log_comment(
    entry: str = typer.Argument(..., help="The entry id (or its first 8 characters)."),
    text: str = typer.Argument(..., help="The comment."),
    author: str = typer.Option("me", "--author", help="Who writes it (e.g. a clinician's name)."),
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Add a comment to any earlier entry.

    Example: b12pain log comment 3f2a9c1e "pain eased after a walk"
    """
    with _open(data_dir) as journal:
        uid = journal.resolve(entry)
        comment = journal.comment(uid, text, _parse_at(at), author=author)
    if as_json:
        _print_json({"saved": comment.model_dump(mode="json"), "entry": uid})
    else:
        typer.echo(f"Comment added to entry {uid[:8]}.")


@log_app.command("profile")
def log_profile(
    path: Path = typer.Argument(..., help="Profile file (YAML or JSON, CONTRACT.md fields)."),
    assess: bool = typer.Option(False, "--assess", help="Also assess it and save the result."),
    on: str | None = typer.Option(None, "--today", help="Assessment date (YYYY-MM-DD)."),
    note: str | None = NOTE,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Save a new version of your profile (earlier versions are kept), optionally assessed.

    Example: b12pain log profile my-profile.yaml --assess
    """
    from b12pain.cli.assess_cmds import read_profile_file
    from b12pain.clinical.parse import parse_profile
    from b12pain.journal import save_assessment, save_profile

    profile = parse_profile(read_profile_file(path))
    at = _parse_at(None)
    assessment = None
    if assess:
        from b12pain.clinical.assessment import assess as run_assessment

        assessment = run_assessment(profile, parse_date(on, "today") or at.date())
    with _open(data_dir) as journal:
        saved = save_profile(journal, profile, at, note)
        version = len(journal.profile_history())
        stored = save_assessment(journal, assessment, at) if assessment is not None else None
    if as_json:
        _print_json(
            {
                "saved": saved.model_dump(mode="json"),
                "version": version,
                "assessment": stored.model_dump(mode="json") if stored else None,
            }
        )
        return
    if assessment is not None:
        for flag in assessment.red_flags:  # red flags first, always
            typer.echo(f"RED FLAG ({flag.urgency}): {flag.title}. {flag.action}")
    typer.echo(f"Saved profile version {version} ({saved.uid[:8]}).")
    if assessment is not None and stored is not None:
        typer.echo(
            f"Assessment saved ({stored.uid[:8]}), overall urgency: {assessment.urgency}. "
            f"Full result: b12pain assess {path}"
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
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Score a questionnaire and save the answers, score and category.

    Example: b12pain log instrument nrs '{"nrs": 6}'
    """
    from b12pain.errors import InputError
    from b12pain.instruments import score
    from b12pain.journal import save_instrument_result

    source = Path(answers)
    if source.suffix.lower() in (".json", ".yaml", ".yml") or source.exists():
        from b12pain.cli.questionnaire_cmds import read_answers

        given = read_answers(source, field="answers")
    else:
        try:
            given = json.loads(answers)
        except json.JSONDecodeError as exc:
            raise InputError.single(
                "answers", answers, f"a JSON object of item answers, or a file ({exc})"
            ) from None
    if not isinstance(given, dict):
        raise InputError.single("answers", answers, "a mapping of item id to answer")
    result = score(instrument_id, given)
    with _open(data_dir) as journal:
        saved = save_instrument_result(journal, result, _parse_at(at), note)
    if as_json:
        _print_json({"saved": saved.model_dump(mode="json"), "result": result.to_json_dict()})
        return
    typer.echo(f"Saved {result.title}: {result.summary}")


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
    taken_on = parse_date(date, "date")
    at = _parse_at(None)
    if taken_on is not None and taken_on < at.date():
        at = dt.datetime.combine(taken_on, dt.time(12, 0)).astimezone()
    _save(
        data_dir,
        "lab",
        as_json,
        at=at,
        test=test,
        value=value,
        unit=unit,
        taken_on=taken_on,
        lab=lab,
        reference_range=reference_range,
        note=note,
    )


# plans ---------------------------------------------------------------------------------


@plan_app.command("start")
def plan_start(
    regimen: str = typer.Argument(..., help="Regimen id, e.g. oral_cyanocobalamin_dietary."),
    amount: float | None = typer.Option(
        None, "--amount", help="Amount per dose in µg as prescribed (within the regimen's dose)."
    ),
    form: str | None = typer.Option(None, "--form", help="oral or sublingual for oral regimens."),
    start: str | None = typer.Option(
        None, "--start", help="First day (YYYY-MM-DD); default today."
    ),
    stock: int | None = typer.Option(None, "--stock", help="Tablets/ampoules on hand at start."),
    note: str | None = NOTE,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Start a supplement plan following a cited regimen, as your clinician prescribed it.

    The dose must lie within the regimen's cited dose; its dated schedule (loading, maintenance,
    review, follow-up test) comes from the regimen. b12pain records the plan; it does not
    choose a treatment.

    Example: b12pain plan start oral_cyanocobalamin_dietary --amount 50 --stock 60
    """
    from b12pain.journal.plans import plan_from_regimen

    at = _parse_at(None)
    record = plan_from_regimen(
        regimen,
        parse_date(start, "start") or at.date(),
        at,
        amount_ug=amount,
        form=form,
        stock_units=stock,
        note=note,
    )
    with _open(data_dir) as journal:
        journal.add(record)
    if as_json:
        _print_json({"saved": record.model_dump(mode="json")})
        return
    typer.echo(f"Saved plan {record.uid[:8]}: {describe(record)}")
    for step in record.schedule[:6]:
        typer.echo(f"  {step.date}  {step.what}")
    if len(record.schedule) > 6:
        typer.echo(f"  … {len(record.schedule) - 6} more (b12pain plan list --json)")


@plan_app.command("stock", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def plan_stock(
    units: int = typer.Argument(..., help="Tablets/ampoules on hand now (after today's dose)."),
    plan: str | None = typer.Option(None, "--plan", help="Plan id (default: the latest plan)."),
    note: str | None = NOTE,
    at: str | None = AT,
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Record how many units you have now (after buying more, or a recount).

    Example: b12pain plan stock 90 --note "new box"
    """
    from b12pain.errors import InputError

    with _open(data_dir) as journal:
        plans = journal.plans()
    chosen = [p for p in plans if plan is None or p.uid.startswith(plan.lower())]
    if not chosen:
        raise InputError.single("plan", plan, "no supplement plan with this id (b12pain plan list)")
    _save(
        data_dir,
        "stock",
        as_json,
        at=_parse_at(at),
        plan_uid=chosen[-1].uid,
        units=units,
        note=note,
    )


@plan_app.command("list")
def plan_list(as_json: bool = JSON, data_dir: Path | None = DATA_DIR) -> None:
    """List supplement plans, oldest first.

    Example: b12pain plan list --json
    """
    with _open(data_dir) as journal:
        plans = journal.plans()
    if as_json:
        _print_json({"plans": [p.model_dump(mode="json") for p in plans]})
        return
    if not plans:
        typer.echo("No supplement plan yet. Start one with `b12pain plan start`.")
    for plan in plans:
        typer.echo(f"{plan.uid[:8]}  {describe(plan)}")


# reading -------------------------------------------------------------------------------


def history(
    start: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--to", help="Last day (YYYY-MM-DD), inclusive."),
    kind: str | None = typer.Option(None, "--kind", help="Only these kinds, e.g. pain,dose."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Show journal entries, oldest first, optionally between two days.

    Example: b12pain history --from 2026-11-01 --to 2026-11-24 --kind pain
    """
    first, last = parse_date(start, "from"), parse_date(end, "to")
    if first and last and last < first:
        from b12pain.errors import InputError

        raise InputError.single("to", end, f"on or after --from ({first})")
    lower = dt.datetime.combine(first, dt.time()).astimezone() if first else None
    upper = (
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time()).astimezone() if last else None
    )
    with _open(data_dir) as journal:
        records = journal.entries([k.lower() for k in _split(kind)] or None, lower, upper)
    if as_json:
        _print_json({"entries": [r.model_dump(mode="json") for r in records]})
        return
    if not records:
        typer.echo("No entries in this period.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("when", "id", "entry", "note")
    for record in records:
        note = record.note or ""
        if record.comments:
            note += f" [{len(record.comments)} comment(s)]"
        table.add_row(record.at.strftime("%Y-%m-%d %H:%M"), record.uid[:8], describe(record), note)
    Console().print(table)


def insights(
    on: str | None = typer.Option(None, "--today", help="Pretend today is this day (YYYY-MM-DD)."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Trends, adherence, "is it helping?" and factor effects from your own entries.

    Example: b12pain insights --json
    """
    from b12pain.insights import dashboard
    from b12pain.journal import read_series

    day = parse_date(on, "today") or dt.date.today()
    with _open(data_dir) as journal:
        series = read_series(journal)
        target = _intake_target(journal)
    board = dashboard(series, day, target)
    if as_json:
        _print_json({**board.as_dict(), "disclaimer": NOT_ADVICE})
        return
    _render_dashboard(board)


def _intake_target(journal: Any) -> Any:
    """The cited reference intake for the current profile (or an adult's if there is none)."""
    try:
        from b12pain.clinical.intake import target_for
    except ImportError:  # pragma: no cover - the intake module ships with clinical
        return None
    profile = journal.current_profile()
    if profile is None:  # no guessing: compare only with the person's own life stage
        return None
    data = profile.profile
    return target_for(
        data.get("age", 30),
        data.get("sex", "unspecified"),
        bool(data.get("pregnant")),
        bool(data.get("breastfeeding")),
    )


def _render_dashboard(board: Any) -> None:
    typer.echo(f"Insights as of {board.today}")
    if board.daily_pain:
        days = len(board.daily_pain)
        mean = sum(board.daily_pain.values()) / days
        typer.echo(f"Pain, last 30 days: average {mean:.1f}/10 over {days} day(s) with entries.")
    else:
        typer.echo("Pain: no entries in the last 30 days.")
    if board.weekly_pain:
        weeks = ", ".join(f"{w}: {v:.1f}" for w, v in list(board.weekly_pain.items())[-4:])
        typer.echo(f"Weekly averages (week starting): {weeks}")
    adherence = board.adherence
    if adherence.percent is not None:
        typer.echo(
            f"Doses, last 30 days: {adherence.percent:.0f}% taken "
            f"({adherence.taken + adherence.late} of the {adherence.due} doses recorded)."
        )
    for test, results in board.labs.items():
        points = ", ".join(
            f"{r.day} {r.value:g} {r.unit}"
            + (
                f" (≈{r.reference_value:.4g} {r.reference_unit})"
                if r.unit != r.reference_unit
                else ""
            )
            for r in results[-5:]
        )
        typer.echo(f"{test}: {points}")
    if board.intake is None and board.foods_logged:
        typer.echo(
            "B12 from food: save a profile (b12pain log profile FILE) to compare your "
            "intake with the reference for your age."
        )
    if board.intake:
        intake = board.intake
        target = intake["target"]
        sources = "; ".join(
            f"{c['source']} §{c['section']} [{c['level']}]" if c.get("section") else c["source"]
            for c in target["citations"]
        )
        typer.echo(
            f"B12 from food, last 7 days: {intake['coverage']}. Reference: "
            f"{target['amount_ug']:g} µg a day ({target['measure']}, {target['life_stage']}) "
            f"[{sources}]."
        )
    typer.echo(f"Is it helping? {board.helping.message}")
    if board.helping.status == "estimated":
        typer.echo(f"  {board.helping.caveat}")
    for effect in board.factors:
        typer.echo(f"- {effect.message}")
    typer.echo(NOT_ADVICE)


def today(
    on: str | None = typer.Option(None, "--today", help="Pretend today is this day (YYYY-MM-DD)."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """What is due today: doses from your plans, reviews with your clinician, follow-up checks.

    Example: b12pain today
    """
    from b12pain.journal import due_today

    day = parse_date(on, "today") or dt.date.today()
    with _open(data_dir) as journal:
        items = due_today(journal, day)
    if as_json:
        import dataclasses

        _print_json({"today": day.isoformat(), "due": [dataclasses.asdict(i) for i in items]})
        return
    if not items:
        typer.echo(f"Nothing due on {day}.")
    for item in items:
        mark = "done" if item.done else "due"
        line = f"[{mark}] {item.what}"
        if item.stock is not None:
            line += f" (stock {item.stock.remaining}"
            if item.stock.runs_out_on is not None:
                line += f", runs out about {item.stock.runs_out_on}"
            line += ")"
        typer.echo(line)


# moving data ---------------------------------------------------------------------------


def export(
    path: Path = typer.Argument(..., help="The JSON file to write."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Export the whole journal as one JSON file (schema b12pain.journal/1).

    Example: b12pain export my-journal.json
    """
    from b12pain.journal import export_file

    with _open(data_dir) as journal:
        count = export_file(journal, path)
    if as_json:
        _print_json({"exported": count, "file": str(path)})
    else:
        typer.echo(f"Exported {count} entries to {path}.")


def import_(
    path: Path = typer.Argument(..., help="A JSON file written by `b12pain export`."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Import a journal export: every entry in one go, or nothing if any entry is invalid.

    Example: b12pain import my-journal.json
    """
    from rich.console import Console
    from rich.progress import Progress

    from b12pain.journal import import_file

    with _open(data_dir) as journal, Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("checking entries", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        count = import_file(journal, path, advance)
    if as_json:
        _print_json({"imported": count, "file": str(path)})
    else:
        typer.echo(f"Imported {count} entries from {path}.")


def backup(
    folder: Path | None = typer.Option(None, "--to", help="Folder (default: data dir/backups)."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Save a dated copy of the journal (SQLite file; a JSON export in server mode).

    Example: b12pain backup --to ~/Backups
    """
    from b12pain.journal import backup as make_backup
    from b12pain.paths import data_dir as default_dir

    target_folder = folder or (data_dir or default_dir()) / "backups"
    with _open(data_dir) as journal:
        path = make_backup(journal, target_folder, dt.datetime.now())
    if as_json:
        _print_json({"backup": str(path)})
    else:
        typer.echo(f"Backup written to {path}.")


def delete_all(
    yes: bool = typer.Option(False, "--yes", help="Confirm: delete every entry for good."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Delete every journal entry (consider `b12pain backup` first). Needs --yes.

    Example: b12pain delete-all --yes
    """
    from b12pain.errors import InputError

    if not yes:
        raise InputError.single("--yes", None, "add --yes to confirm deleting every entry")
    with _open(data_dir) as journal:
        count = journal.delete_all()
    if as_json:
        _print_json({"deleted": count})
    else:
        typer.echo(f"Deleted {count} entries.")
