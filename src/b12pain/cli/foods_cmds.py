"""CLI commands for foods and intake: `b12pain foods import|search|show`, `b12pain intake`.

Thin: each command opens `FoodDatabase` (or reads a MEALS file), calls one library function and
renders the result. Heavy imports happen inside the commands so `b12pain --help` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

foods_app = typer.Typer(
    help="Food database: import USDA archives, search foods, show a food's nutrients.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(foods_app, name="foods")
    app.command("intake")(intake)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _safe(text: str) -> str:
    """Text from a food archive or a person, with control characters shown, not obeyed."""
    from b12pain.textsafe import plain_for_terminal

    return plain_for_terminal(text)


def _num(value: float | None, digits: int = 2) -> str:
    return "no data" if value is None else f"{value:.{digits}f}"


def _ug(value: float | None) -> str:
    return "no data" if value is None else f"{value:.2f} µg"


@foods_app.command("import")
def import_archive(
    path: Path = typer.Argument(
        ..., help="SR28 ASCII zip (sr28asc.zip) or FoodData Central CSV zip."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Import a USDA archive into the food database (replaces that source's earlier import).

    The import runs in one transaction: if it fails or is stopped, the previous data stays.

    Example: b12pain foods import ~/Downloads/sr28asc.zip
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from b12pain.foods import FoodDatabase

    console = Console(stderr=True)
    with (
        FoodDatabase.open() as db,
        Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
            transient=as_json,
        ) as progress,
    ):
        tasks: dict[str, Any] = {}

        def advance(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(f"reading {phase}", total=max(total, 1))
            progress.update(tasks[phase], completed=min(done, total))

        report = db.import_archive(path, progress=advance)
        counts = db.counts()
    if as_json:
        _print_json({"report": report.model_dump(mode="json"), "database": counts})
        return
    typer.echo(
        f"Imported {report.foods:,} foods ({report.foods_with_b12:,} with a vitamin B12 value), "
        f"{report.nutrient_values:,} nutrient values and {report.portions:,} portions "
        f"from {report.source} in {report.seconds:.1f} s."
    )
    if report.skipped:
        typer.echo("Skipped rows:")
        for skipped in report.skipped:
            typer.echo(_safe(f"  {skipped.file}: {skipped.count:,} × {skipped.reason}"))
    else:
        typer.echo("No rows were skipped.")


@foods_app.command("search")
def search(
    text: str = typer.Argument("", help="Words to look for; the last word may be a prefix."),
    group: str = typer.Option(None, "--group", help="Only foods whose food group contains this."),
    min_b12: float = typer.Option(
        None, "--min-b12", help="Only foods with at least this many µg B12 per 100 g."
    ),
    data_type: str = typer.Option(
        None, "--type", help="Only this data type, e.g. sr28, branded_food."
    ),
    richest_for: str = typer.Option(
        None,
        "--richest-for",
        help="Ignore TEXT; list the richest B12 sources for a diet (e.g. vegan).",
    ),
    limit: int = typer.Option(10, "--limit", help="How many results (1–1000)."),
    as_json: bool = typer.Option(False, "--json", help="Print results as JSON."),
) -> None:
    """Search foods (plain foods first; typos tolerated) or list the richest B12 sources for a diet.

    Example: b12pain foods search "salmon" --min-b12 2 --json
    """
    from b12pain.errors import InputError
    from b12pain.foods import FoodDatabase

    with FoodDatabase.open() as db:
        if richest_for:
            hits = db.richest_sources(richest_for, limit=limit)
        elif not text.strip():
            raise InputError.single("TEXT", text, "give words to search for, or --richest-for DIET")
        else:
            hits = db.search(
                text, limit=limit, group=group, min_b12_ug=min_b12, data_type=data_type
            )
    if as_json:
        _print_json({"results": [h.model_dump(mode="json") for h in hits]})
        return
    if not hits:
        typer.echo("No food matches. Try fewer or shorter words.")
        return
    _print_hits(hits)
    if any(h.matched_by == "similar spelling" for h in hits):
        typer.echo("No exact match: these are spelled similarly.")


def _print_hits(hits: list[Any]) -> None:
    """Search results as a table readable at 80 columns: ids whole (never cut, so they can be
    copied), B12 before the description, the food group only on wide terminals."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from b12pain.textsafe import for_terminal

    console = Console()
    table = Table(box=box.SIMPLE_HEAD, caption="B12 in µg per 100 g; added: by fortification")
    table.add_column("id", no_wrap=True, min_width=max(len(h.food_id) for h in hits))
    table.add_column("B12", justify="right", no_wrap=True)
    table.add_column("added", justify="right", no_wrap=True)
    table.add_column("food", ratio=1)
    wide = console.width >= 120
    if wide:
        table.add_column("group", ratio=1)
    for hit in hits:
        cells = [
            for_terminal(hit.food_id),
            _num(hit.b12_ug),
            _num(hit.b12_added_ug),
            for_terminal(hit.description),
        ]
        table.add_row(*cells, *([for_terminal(hit.food_group)] if wide else []))
    console.print(table)


@foods_app.command("match")
def match(
    text: str = typer.Argument(
        ..., help='What was eaten, as you would say it, e.g. "2 slices toast", "a glass of milk".'
    ),
    food_id: str = typer.Option(
        None, "--food", help="Use this food instead (e.g. an id from the alternatives)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the match as JSON."),
) -> None:
    """What a food phrase means: the food, its weight and B12, how it was weighed, alternatives.

    Example: b12pain foods match "half a tin of tuna"
    """
    from b12pain.foods import FoodDatabase, match_phrase
    from b12pain.textsafe import plain_for_terminal as safe

    with FoodDatabase.open() as db:
        found = match_phrase(db, text, food_id=food_id)
    if as_json:
        _print_json({"match": found.model_dump(mode="json")})
        return
    say = _wrapped
    say(f"{safe(found.text)} → {found.description}  [{found.food_id}]")
    say(f"{found.grams:g} g: {found.measure}", "  ")
    say(f"weighed by {found.measure_basis}", "  ")
    say(f"vitamin B12: {_ug(found.b12_ug)}", "  ")
    if found.did_you_mean:
        say(safe(found.did_you_mean), "  ")
    for note in found.notes:
        say(f"note: {safe(note)}", "  ")
    if found.alternatives:
        say("Other foods it may be (pick one with --food ID):", "  ")
        for other in found.alternatives:
            grams = "no such portion" if other.grams is None else f"{other.grams:g} g"
            say(f"{other.food_id}  {other.description}: {grams}, {_ug(other.b12_ug)}", "    ")


def _wrapped(text: str, indent: str = "") -> None:
    """Print `text` wrapped at 80 columns (ids are never split: they hold no spaces)."""
    import textwrap

    typer.echo(
        textwrap.fill(
            _safe(text),
            width=80,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


@foods_app.command("show")
def show(
    food_id: str = typer.Argument(
        ..., help="NDB number (SR28), fdcId (FoodData Central) or starter id."
    ),
    all_nutrients: bool = typer.Option(
        False, "--all", help="List every nutrient, not only the main ones."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the food as JSON."),
) -> None:
    """Show a food: B12 and other nutrients per 100 g and per household portion.

    Example: b12pain foods show 13325
    """
    from b12pain.foods import FoodDatabase

    with FoodDatabase.open() as db:
        food = db.get(food_id)
    per_portion = [
        {
            "portion": p.label(),
            "grams": p.grams,
            "b12_ug": None if food.b12_ug is None else round(food.b12_ug * p.grams / 100, 3),
        }
        for p in food.portions
    ]
    if as_json:
        _print_json({"food": food.model_dump(mode="json"), "per_portion": per_portion})
        return
    typer.echo(_safe(f"{food.description}  [{food.food_id}]"))
    typer.echo(
        _safe(f"  group: {food.food_group or '—'}; source: {food.source} ({food.data_type})")
    )
    if food.citation:
        typer.echo(_safe(f"  values: {food.citation}"))
    typer.echo(
        f"  vitamin B12 per 100 g: {_ug(food.b12_ug)}"
        f" (added by fortification: {_ug(food.b12_added_ug)})"
    )
    main = {"208", "203", "204", "205", "418", "578", "417", "435"}
    shown = [n for n in food.nutrients if all_nutrients or n.number in main]
    if shown:
        typer.echo("  per 100 g:")
        for n in shown:
            typer.echo(_safe(f"    {n.name}: {n.per_100g:g} {n.unit}"))
    if per_portion:
        typer.echo("  portions:")
        for p in per_portion:
            b12 = "no B12 data" if p["b12_ug"] is None else f"{p['b12_ug']:g} µg B12"
            typer.echo(_safe(f"    {p['portion']}: {b12}"))


def intake(
    meals_file: Path = typer.Argument(
        ..., metavar="MEALS.yaml", help="What was eaten (see docs/foods.md)."
    ),
    age: float = typer.Option(None, "--age", help="Age in years (overrides the file)."),
    sex: str = typer.Option(None, "--sex", help="female | male | intersex | unspecified."),
    pregnant: bool = typer.Option(None, "--pregnant/--not-pregnant", help="Pregnancy target."),
    breastfeeding: bool = typer.Option(
        None, "--breastfeeding/--not-breastfeeding", help="Breastfeeding target."
    ),
    diet: str = typer.Option(
        None, "--diet", help="omnivore | pescatarian | vegetarian | vegan | low_animal."
    ),
    region: str = typer.Option(None, "--region", help="us (RDA, IOM 1998) or eu (EFSA 2015 AI)."),
    as_json: bool = typer.Option(False, "--json", help="Print the intake report as JSON."),
) -> None:
    """Dietary B12 from a MEALS file: total, natural vs added, per meal, coverage, target, advice.

    Example: b12pain intake meals.yaml --region eu --json
    """
    from b12pain.clinical.intake import assess_intake
    from b12pain.errors import InputError
    from b12pain.foods import FoodDatabase
    from b12pain.foods.meals import measure_meals, read_meals

    meals = read_meals(meals_file)
    person = meals.person
    chosen_age = age if age is not None else person.age
    if chosen_age is None:
        raise InputError.single(
            "person.age", None, "give an age in years (0–120), in the file or with --age"
        )
    with FoodDatabase.open() as db:
        logged = measure_meals(db, meals)
    report = assess_intake(
        logged,
        age=chosen_age,
        sex=person.sex if sex is None else sex,  # an empty --sex is refused, not ignored
        pregnant=person.pregnant if pregnant is None else pregnant,
        breastfeeding=person.breastfeeding if breastfeeding is None else breastfeeding,
        region=person.region if region is None else region,
        diet=person.diet if diet is None else diet,
        medications=person.medications,
        days=len(meals.days),
    )
    if as_json:
        _print_json(
            {
                "report": report.model_dump(mode="json"),
                "foods": [f.model_dump(mode="json") for f in logged],
            }
        )
        return
    _render_intake(report, logged)


def _cite(citations: Any) -> str:
    return "; ".join(c.label() for c in citations)


def _render_intake(report: Any, logged: list[Any]) -> None:
    summary, target = report.summary, report.summary.target
    typer.echo(f"Vitamin B12 from food: {summary.coverage}.")
    if summary.days > 1:
        typer.echo(f"  over {summary.days} days: {summary.total_b12_ug:.2f} µg in total")
    typer.echo(
        f"  natural {summary.natural_b12_ug:.2f} µg, added by fortification {summary.added_b12_ug:.2f} µg"
    )
    typer.echo(
        f"Target: {target.amount_ug:g} µg a day ({target.measure}, {target.life_stage}, "
        f"{target.region.upper()}) [{_cite(target.citations)}]"
    )
    if target.note:
        typer.echo(f"  note: {target.note}")
    if summary.meets_target is True:
        typer.echo(f"  reached: {summary.percent_of_target:.0f}% of the target.")
    elif summary.meets_target is False:
        typer.echo(f"  below the target by {summary.daily_gap_ug:.2f} µg a day.")
    else:
        typer.echo(
            f"  possibly below the target (by at most {summary.daily_gap_ug:.2f} µg a day): "
            "some foods have no B12 data."
        )
    typer.echo("Per meal:")
    for meal in summary.meals:
        more = " (at least)" if meal.is_lower_bound else ""
        typer.echo(f"  {meal.label}: {meal.b12_ug:.2f} µg{more} from {meal.foods} food(s)")
    typer.echo("Foods:")
    for food in logged:
        b12 = "no B12 data" if food.b12_ug is None else f"{food.b12_ug:.2f} µg"
        typer.echo(_safe(f"  {food.amount_text} → {food.description}, {food.grams:g} g: {b12}"))
    if report.suggestions:
        typer.echo("Foods that would close the gap (NIH ODS amounts):")
        for s in report.suggestions:
            typer.echo(f"  - {s.text} [{_cite(s.citations)}]")
    if report.notes:
        typer.echo("Notes:")
        for note in report.notes:
            flag = "UNVERIFIED: " if note.unverified else ""
            typer.echo(f"  - {flag}{note.text} [{_cite(note.citations)}]")
        clinician = [n for n in report.notes if n.clinician_text]
        if clinician:
            typer.echo("For clinicians:")
            for note in clinician:
                typer.echo(f"  - {note.clinician_text} [{_cite(note.citations)}]")
    typer.echo(f"Not medical advice. {report.disclaimer}")
