"""`b12pain questionnaire`: run a pain instrument interactively or score an answers file.

The questions come from the instrument's knowledge entry (stable item ids, our own descriptors
where the licence forbids item text). Typing `b` goes back one question; Ctrl-C leaves without
a traceback. Scoring is `b12pain.instruments.score`; this module only asks, parses and prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from b12pain.instruments import InstrumentResult
    from b12pain.knowledge.schema.instruments import InstrumentItem

Ask = Callable[[str], str]
Say = Callable[[str], None]

DISCLAIMER = (
    "Not medical advice: a questionnaire result is a screen or a classification aid, not a "
    "diagnosis. Discuss it with a clinician."
)
_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}
BACK = "b"


class GoBack(Exception):
    """The person typed `b`: return to the previous question."""


def _parse(item: InstrumentItem, text: str) -> Any:
    """The typed answer as the answers-file value; ValueError with what is allowed."""
    from b12pain.instruments._common import allowed, check_answer

    word = text.strip().lower()
    if item.answer == "yes_no":
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValueError("type y or n")
    if item.answer == "choice":
        words = list(item.points)
        if word.isdigit() and 1 <= int(word) <= len(words):
            return words[int(word) - 1]
        if {"yes", "no"} <= set(words) and (word in _YES or word in _NO):
            return "yes" if word in _YES else "no"
        if word.replace(" ", "_") in words:
            return word.replace(" ", "_")
        raise ValueError(allowed(item) + " (or its number)")
    value = _number(item, text)
    return check_answer(
        item, int(value) if item.answer == "integer" and value.is_integer() else value
    )


#: The unit a number item is asked in, from the end of its id (`duration_months`, `attack_hours`).
_ID_UNITS = {"_months": "months", "_hours": "hours", "_days": "days", "_years": "years"}


def _unit_of(item: InstrumentItem) -> str | None:
    return next((unit for end, unit in _ID_UNITS.items() if item.id.endswith(end)), None)


def _number(item: InstrumentItem, text: str) -> float:
    """A number typed for `item`, with an optional unit after it: a duration in words where the
    item asks a duration ("6 years" for a number of months is 72); any other unit is refused
    with what is allowed."""
    from b12pain.instruments._common import allowed
    from b12pain.service.quantities import duration_in, is_duration_unit, split_unit

    unit = _unit_of(item)
    examples = {"months": "'6 months' or '2 years'", "hours": "'4 hours' or '2 days'"}
    example = examples.get(unit or "", f"'6 {unit}'")
    in_unit = f" {unit} (e.g. 6, or {example})" if unit else " (a number, no unit)"
    try:
        value, typed_unit = split_unit(text)
    except ValueError:
        raise ValueError(allowed(item) + in_unit) from None
    if typed_unit is None:
        return value
    if unit is not None and is_duration_unit(typed_unit):
        return duration_in(text, unit)
    raise ValueError(f"{allowed(item)}{in_unit}; not {typed_unit!r}")


def _questions(items: tuple[InstrumentItem, ...]) -> list[tuple[str, str | None, InstrumentItem]]:
    """One question per item; an `areas` item becomes one yes/no question per area."""
    questions: list[tuple[str, str | None, InstrumentItem]] = []
    for item in items:
        if item.answer == "areas":
            questions += [(item.id, option, item) for option in item.options]
        else:
            questions.append((item.id, None, item))
    return questions


def _prompt(number: int, total: int, item: InstrumentItem, option: str | None) -> str:
    who = " [clinician]" if item.clinician_entered else ""
    if option is not None:
        return f"({number}/{total}) {item.descriptor}: {option.replace('_', ' ')}{who} [y/n]: "
    if item.answer == "yes_no":
        hint = "y/n"
    elif item.answer == "choice":
        hint = " / ".join(f"{i}={w}" for i, w in enumerate(item.points, start=1))
    else:
        hint = f"{item.minimum:g}-{item.maximum:g}"
    optional = ", Enter to skip" if not item.required else ""
    return f"({number}/{total}) {item.id}: {item.descriptor}{who} [{hint}{optional}]: "


class UseInstead(Exception):
    """The person has no examination findings: score the answers with the instrument made of
    the interview items alone (`instrument`), e.g. DN4-interview for DN4."""

    def __init__(self, instrument: str, answers: dict[str, Any]) -> None:
        super().__init__(instrument)
        self.instrument, self.answers = instrument, answers


def without_examination(instrument_id: str) -> str | None:
    """The instrument made of exactly the items of `instrument_id` that need no examination
    (`dn4` → `dn4_interview`), or None."""
    from b12pain.instruments import INSTRUMENTS, instrument

    items = instrument(instrument_id, field="NAME").info.items
    if not any(item.clinician_entered for item in items):
        return None
    interview_ids = [item.id for item in items if not item.clinician_entered]
    for key, other in INSTRUMENTS.items():
        if key != instrument_id and [i.id for i in other.info.items] == interview_ids:
            return key
    return None


def interview(instrument_id: str, ask: Ask, say: Say) -> dict[str, Any]:
    """Ask every question of one instrument; `b` goes back one question. Returns the answers.

    Where an instrument has a version without the examination (DN4 → DN4-interview), Enter at
    the first examination question raises `UseInstead` with the answers so far."""
    from b12pain.instruments import instrument

    entry = instrument(instrument_id, field="NAME").info
    questions = _questions(entry.items)
    say(f"{entry.title}: {entry.purpose}")
    say("Answer each question; type b to go back one question, Ctrl-C to stop.")
    alternative = without_examination(instrument_id)
    if any(item.clinician_entered for item in entry.items):
        say("Questions marked [clinician] are examination findings for a clinician to enter.")
        if alternative is not None:
            say(
                "Without an examination, press Enter at the first of them: your answers are "
                f"then scored as {instrument(alternative).info.short_name} "
                f"(b12pain questionnaire {alternative})."
            )
    given: list[Any] = []
    while len(given) < len(questions):
        key, option, item = questions[len(given)]
        text = ask(_prompt(len(given) + 1, len(questions), item, option))
        if not text.strip() and item.clinician_entered and alternative is not None:
            answered = {k: v for (k, _o, _i), v in zip(questions, given, strict=False)}
            raise UseInstead(alternative, answered)
        if text.strip().lower() == BACK:
            if given:
                given.pop()
            else:
                say("This is the first question.")
            continue
        if not text.strip() and not item.required and option is None:
            given.append(None)
            continue
        try:
            given.append(_parse(item if option is None else _yes_no(item), text))
        except ValueError as exc:
            say(f"  Not understood: {exc}.")
    answers: dict[str, Any] = {}
    for (key, option, _item), value in zip(questions, given, strict=True):
        if option is not None:
            areas = answers.setdefault(key, [])
            if value:
                areas.append(option)
        elif value is not None:
            answers[key] = value
    return answers


def _yes_no(item: InstrumentItem) -> InstrumentItem:
    return item.model_copy(update={"answer": "yes_no"})


def read_answers(path: Path, field: str = "--answers") -> Any:
    """The answers in a YAML or JSON file; `InputError` naming the file when it cannot be read."""
    from b12pain.userfiles import read_user_file

    return read_user_file(path, field)


def answers_from_argument(text: str, field: str = "answers") -> dict[str, Any]:
    """Answers given on the command line: inline JSON (`{"q1": true}`) or the name of a file.

    Text starting with `{` is always JSON (never looked up as a file, so 300 characters of
    JSON cannot fail with "File name too long"); anything else is a YAML or JSON file.
    Both are read under the same rules (`b12pain.userfiles`); `InputError` on `field` otherwise.
    """
    from b12pain.errors import InputError
    from b12pain.userfiles import parse_json, read_user_file

    if text.lstrip().startswith("{"):
        given = parse_json(text, field)
    elif not text.strip():
        raise InputError.single(field, text, 'a JSON object such as {"q1": true}, or a file')
    else:
        given = read_user_file(Path(text), field)
    if not isinstance(given, dict):
        raise InputError.single(field, text, "a mapping of item id to answer")
    return given


def render(result: InstrumentResult, say: Say) -> None:
    """Print a result for people: verdict first, both wordings, sources, licence, disclaimer."""
    low, high = result.score_range
    score = "no score" if result.score is None else f"{result.score:g} (range {low:g}-{high:g})"
    say("")
    say(f"{result.title}")
    say(f"  Score: {score}")
    say(f"  Category: {result.category.replace('_', ' ')}")
    if result.positive is not None:
        say(f"  At or above the published cut-off/criteria: {'yes' if result.positive else 'no'}")
    for name, value in result.subscores.items():
        if not isinstance(value, dict) and value is not None:
            say(f"  {name.replace('_', ' ')}: {_plain(value, '%' if 'percent' in name else '')}")
    say(f"  In plain words: {result.summary}")
    say(f"  For your clinician: {result.clinician_summary}")
    say("  Sources: " + "; ".join(c.label() for c in result.citations))
    say(f"  Licence: {result.licence}")
    say(DISCLAIMER)


def _plain(value: Any, unit: str = "") -> str:
    """A subscore as a person reads it: 12.5 not 12.500000001, words not snake_case ids."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{round(value, 2):g}" + (f" {unit}" if unit else "")
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value) or "none"
    return str(value).replace("_", " ")


def _ask_on(to_stderr: bool) -> Ask:
    """`input`, with the question written to stderr when stdout is reserved for JSON."""
    if not to_stderr:
        return input

    def ask(prompt: str) -> str:
        import sys

        print(prompt, end="", file=sys.stderr, flush=True)
        return input()

    return ask


def list_instruments(as_json: bool) -> None:
    """Print each instrument with its purpose and licence status, and those left out."""
    from b12pain.instruments import INSTRUMENTS, omitted

    rows = [
        {
            "instrument": key,
            "name": item.info.short_name,
            "purpose": item.info.purpose,
            "licence_status": item.licence.status,
            "licence": item.licence.summary,
        }
        for key, item in INSTRUMENTS.items()
    ]
    left_out = [
        {"instrument": entry.id.removeprefix("licence."), "reason": entry.summary}
        for entry in omitted()
    ]
    if as_json:
        typer.echo(json.dumps({"instruments": rows, "omitted": left_out}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Pain instruments", show_lines=False)
    for column in ("id", "name", "what it is for", "licence status"):
        table.add_column(column)
    from b12pain.textsafe import for_terminal

    for row in rows:
        cells = (row["instrument"], row["name"], row["purpose"], row["licence_status"])
        table.add_row(*(for_terminal(cell) for cell in cells))
    console = Console()
    console.print(table)
    for row in left_out:
        console.print(for_terminal(f"Left out: {row['instrument']}: {row['reason']}"))


def _score_or_suggest(name: str, given: Any) -> InstrumentResult:
    """`instruments.score`; when only the examination answers are missing, the refusal also
    names the instrument that needs none (`dn4` → `dn4_interview`)."""
    from b12pain.errors import InputError, Problem
    from b12pain.instruments import instrument, score

    try:
        return score(name, given)
    except InputError as exc:
        alternative = without_examination(name)
        exam = {f"{name}.{i.id}" for i in instrument(name).info.items if i.clinician_entered}
        if alternative is None or not {p.field for p in exc.problems} <= exam:
            raise
        hint = Problem(
            "NAME",
            name,
            f"without the examination answers, use {alternative}: "
            f"b12pain questionnaire {alternative}",
        )
        raise InputError([*exc.problems, hint]) from None


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""

    @app.command()
    def questionnaire(
        name: str = typer.Argument(None, help="Instrument id, e.g. dn4, slanss, acr2016, ichd3."),
        answers: Path = typer.Option(
            None,
            "--answers",
            help="Score a YAML or JSON file of answers (q1…qN) instead of asking.",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
        show_list: bool = typer.Option(
            False, "--list", help="List the instruments, their purpose and licence status."
        ),
    ) -> None:
        """Run a validated pain questionnaire and score it (DN4, S-LANSS, ACR 2016, ICHD-3 …).

        Without --answers it asks each question in the terminal (type b to go back one question).
        Item ids q1…qN follow the published order; answers are true/false or the published
        response values. A result is a screen or classification aid, never a diagnosis.

        Example: b12pain questionnaire dn4 --answers dn4.yaml --json
        """
        from b12pain.errors import InputError
        from b12pain.instruments import instrument

        if show_list:
            list_instruments(as_json)
            return
        if name is None:
            raise InputError.single(
                "NAME", None, "an instrument id; see b12pain questionnaire --list"
            )
        instrument(name, field="NAME")
        if answers is not None:
            given = read_answers(answers)
        else:
            try:  # with --json, questions go to stderr so stdout holds only the JSON
                given = interview(
                    name, _ask_on(as_json), lambda text: typer.echo(text, err=as_json)
                )
            except UseInstead as switch:
                typer.echo(f"Scoring your answers as {switch.instrument}.", err=as_json)
                name, given = switch.instrument, switch.answers
            except (KeyboardInterrupt, EOFError):
                typer.echo("\nStopped; nothing was scored.", err=True)
                # Interrupted input (Ctrl-C or end of input) is not a failure of b12pain: 130.
                raise typer.Exit(130) from None
        result = _score_or_suggest(name, given if given is not None else {})
        if as_json:
            typer.echo(json.dumps(result.to_json_dict() | {"disclaimer": DISCLAIMER}, indent=2))
        else:
            render(result, typer.echo)
