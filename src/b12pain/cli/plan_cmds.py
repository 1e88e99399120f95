"""Supplement commands: `b12pain plan start|mine|change|stop|stock|list`, `log dose` and `today`.

Each command parses its arguments, makes one call into `b12pain.service.plans` (which asks
`clinical.dosing` about every amount) and prints the result.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from b12pain.cli.dates import parse_date
from b12pain.cli.diary_cmds import log_app
from b12pain.cli.journal_common import (
    NUMBERS_MAY_BE_NEGATIVE,
    AsJson,
    At,
    DataDir,
    Note,
    PlanId,
    StartDay,
    Today,
    confirm_saved,
    print_json,
    session,
    shown,
)

plan_app = typer.Typer(
    help="Supplement plans: start one from a regimen, record your own supplement, change or "
    "stop a plan, record stock on hand, list them.",
    no_args_is_help=True,
)
#: Options the plan commands share (the journal-wide ones are in `journal_common`).
Every = Annotated[
    str | None,
    typer.Option("--every", help='How often: daily, "every 2 days", weekly, or a number of days.'),
]
StockAtStart = Annotated[
    int | None, typer.Option("--stock", help="Tablets, ampoules or doses on hand at the start.")
]


@log_app.command("dose")
def log_dose(
    status: str = typer.Option("taken", "--status", help="taken, skipped, late or planned."),
    form: str | None = typer.Option(None, "--form", help="oral, sublingual or injection."),
    site: str | None = typer.Option(None, "--site", help="Injection site, e.g. deltoid_left."),
    amount: float | None = typer.Option(None, "--amount", help="Amount in micrograms (µg)."),
    plan: PlanId = None,
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record a supplement dose: taken, skipped or late (form and amount default to the plan).

    Example: b12pain log dose --status taken
    """
    from b12pain.service import plans

    dose = plans.DoseInput(status, form, site, amount, plan, note, at)
    with session(data_dir) as ctx:
        confirm_saved(plans.log_dose(ctx, dose), as_json)


@plan_app.command("start")
def plan_start(
    regimen: str = typer.Argument(..., help="Regimen id, e.g. oral_cyanocobalamin_dietary."),
    amount: float | None = typer.Option(
        None, "--amount", help="Amount per dose in µg as prescribed (within the regimen's dose)."
    ),
    form: str | None = typer.Option(None, "--form", help="oral, or injection for IM regimens."),
    start: StartDay = None,
    stock: StockAtStart = None,
    note: Note = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Start a supplement plan following a cited regimen, as your clinician prescribed it.

    The dose must lie within the regimen's cited dose; its dated schedule (loading, maintenance,
    review, follow-up test) comes from the regimen. b12pain records the plan; it does not
    choose a treatment. For a supplement you bought yourself, use `b12pain plan mine`.

    Example: b12pain plan start oral_cyanocobalamin_dietary --amount 50 --stock 60
    """
    from b12pain.presentation.entries import describe
    from b12pain.service import plans

    request = plans.PlanFromRegimen(regimen, amount, form, parse_date(start, "start"), stock, note)
    with session(data_dir) as ctx:
        record = plans.start_plan(ctx, request)
    if as_json:
        print_json({"saved": record.model_dump(mode="json")})
        return
    typer.echo(f"Saved plan {record.uid[:8]}: {shown(describe(record))}")
    for step in record.schedule[:6]:
        typer.echo(f"  {step.date}  {step.what}")
    if len(record.schedule) > 6:
        typer.echo(f"  … {len(record.schedule) - 6} more (b12pain plan list --json)")


@plan_app.command("mine", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def plan_mine(
    amount: float = typer.Argument(
        ..., help="Strength per dose in µg, as on the pack (1 mg = 1000)."
    ),
    form: str = typer.Option(
        "tablet", "--form", help="tablet, capsule, liquid, lozenge, spray or injection."
    ),
    every: Every = "daily",
    route: str | None = typer.Option(
        None, "--route", help="oral, sublingual or im (default: the form's usual way)."
    ),
    name: str | None = typer.Option(None, "--name", help="What it is called, e.g. the brand."),
    start: StartDay = None,
    stock: StockAtStart = None,
    note: Note = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record a supplement you bought and take ("my supplement"): no regimen needed.

    b12pain records what you really take, and says how it compares with the cited regimens.
    Then `log dose`, `plan stock`, `plan change` and `plan stop` work on it as on any plan.

    Example: b12pain plan mine 1000 --form tablet --every daily --stock 60 --name "B12 1000"
    """
    from b12pain.service import plans

    request = plans.OwnSupplementInput(
        amount, form, every, route, name, parse_date(start, "start"), stock, note
    )
    with session(data_dir) as ctx:
        saved = plans.record_own_supplement(ctx, request)
    _print_saved_plan(saved, as_json)


@plan_app.command("change", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def plan_change(
    amount: float | None = typer.Option(None, "--amount", help="New amount per dose in µg."),
    every: Every = None,
    form: str | None = typer.Option(None, "--form", help="New form (a supplement's product form)."),
    on: str | None = typer.Option(None, "--from", help="First day of the change (default today)."),
    stock: StockAtStart = None,
    plan: PlanId = None,
    note: Note = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Change a plan from a day on: the old plan stops, the changed one starts (history kept).

    Example: b12pain plan change --amount 500 --every "every 2 days"
    """
    from b12pain.service import plans

    changes = plans.PlanChanges(amount, every, form, parse_date(on, "from"), stock, note)
    with session(data_dir) as ctx:
        saved = plans.change_plan(ctx, plan, changes)
    _print_saved_plan(saved, as_json)


@plan_app.command("stop")
def plan_stop(
    plan: PlanId = None,
    on: str | None = typer.Option(None, "--from", help="First day without doses (default today)."),
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Stop a plan: no doses are due from that day (its history stays).

    Example: b12pain plan stop --plan 3f2a9c1e
    """
    from b12pain.presentation.entries import describe
    from b12pain.service import plans

    with session(data_dir) as ctx:
        stopped = plans.stop_plan(ctx, plan, parse_date(on, "from"))
    if as_json:
        print_json({"stopped": stopped.model_dump(mode="json")})
    else:
        typer.echo(f"Stopped plan {stopped.uid[:8]}: {shown(describe(stopped))}")


def _print_saved_plan(saved: Any, as_json: bool) -> None:
    from b12pain.presentation.entries import describe

    comparison = saved.comparison
    if as_json:
        print_json(
            {
                "saved": saved.plan.model_dump(mode="json"),
                "replaced": saved.replaced.uid if saved.replaced else None,
                "comparison": None
                if comparison is None
                else {
                    "text": comparison.text,
                    "regimens": [c.model_dump(mode="json") for c in comparison.items],
                },
            }
        )
        return
    if saved.replaced is not None:
        typer.echo(f"Plan {saved.replaced.uid[:8]} stops on {saved.plan.starts_on}.")
    typer.echo(f"Saved plan {saved.plan.uid[:8]}: {shown(describe(saved.plan))}")
    if comparison is not None and comparison.text:
        typer.echo(f"Compared with the cited regimens: {comparison.text}")
        _print_sources(comparison.items)
        typer.echo("Not medical advice: talk to a clinician before changing what you take.")


def _print_sources(items: Any) -> None:
    seen: dict[str, None] = {}
    for item in items:
        for c in item.citations:
            seen.setdefault(
                f"{c.source}" + (f" §{c.section}" if c.section else "") + f" [{c.level}]"
            )
    if seen:
        typer.echo("Sources: " + "; ".join(seen))


@plan_app.command("stock", context_settings=NUMBERS_MAY_BE_NEGATIVE)
def plan_stock(
    units: int = typer.Argument(..., help="Tablets/ampoules on hand now (after today's dose)."),
    plan: PlanId = None,
    note: Note = None,
    at: At = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Record how many units you have now (after buying more, or a recount).

    Example: b12pain plan stock 90 --note "new box"
    """
    from b12pain.service import plans

    with session(data_dir) as ctx:
        saved = plans.record_stock(ctx, plans.StockInput(units, plan, note, at))
        confirm_saved(saved, as_json)


@plan_app.command("list")
def plan_list(as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """List supplement plans, oldest first, with adherence over 30 days and stock.

    Example: b12pain plan list --json
    """
    from b12pain.presentation.entries import describe
    from b12pain.service import plans

    with session(data_dir) as ctx:
        statuses = plans.plan_statuses(ctx)
    if as_json:
        print_json({"plans": [_status_json(s) for s in statuses]})
        return
    if not statuses:
        typer.echo(
            "No supplement plan yet. Start one with `b12pain plan start`, or record your own "
            "supplement with `b12pain plan mine`."
        )
    for status in statuses:
        typer.echo(f"{status.plan.uid[:8]}  {shown(describe(status.plan))}")
        details = []
        if status.adherence.percent is not None:
            details.append(
                f"taken {status.adherence.taken} of {status.adherence.due} doses in 30 days "
                f"({status.adherence.percent:.0f}%)"
            )
        if status.stock is not None:
            stock = f"stock {status.stock.remaining}"
            if status.stock.runs_out_on is not None:
                stock += f", runs out about {status.stock.runs_out_on}"
            details.append(stock)
        if details:
            typer.echo("          " + "; ".join(details))
        if status.comparison is not None and status.comparison.text:
            typer.echo(f"          {status.comparison.text}")


def _status_json(status: Any) -> dict[str, Any]:
    import dataclasses

    data: dict[str, Any] = status.plan.model_dump(mode="json")
    data["active"] = status.active
    data["adherence"] = dataclasses.asdict(status.adherence)
    data["stock"] = (
        None
        if status.stock is None
        else {
            "remaining": status.stock.remaining,
            "runs_out_on": status.stock.runs_out_on.isoformat()
            if status.stock.runs_out_on
            else None,
        }
    )
    data["comparison"] = None if status.comparison is None else status.comparison.text
    return data


def today(
    on: Today = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """What is due today: doses from your plans, reviews with your clinician, follow-up checks.

    Example: b12pain today
    """
    from b12pain.service import plans

    with session(data_dir, parse_date(on, "today")) as ctx:
        day = ctx.today
        items = plans.due_today(ctx)
    if as_json:
        import dataclasses

        print_json({"today": day.isoformat(), "due": [dataclasses.asdict(i) for i in items]})
        return
    if not items:
        typer.echo(f"Nothing due on {day}.")
    for item in items:
        mark = "done" if item.done else "due"
        line = f"[{mark}] {shown(item.what)}"
        if item.stock is not None:
            line += f" (stock {item.stock.remaining}"
            if item.stock.runs_out_on is not None:
                line += f", runs out about {item.stock.runs_out_on}"
            line += ")"
        typer.echo(line)
