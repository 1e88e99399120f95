"""Turn errors into what a user should see: one line per problem, exit status 2, never a traceback."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from b12pain.errors import InputError, Problem


def wants_json(argv: list[str] | None = None) -> bool:
    """True when the command line asked for `--json` output."""
    return "--json" in (sys.argv if argv is None else argv)


#: At most this many problems are printed for people (a 100,000-entry import with one mistake
#: repeated should not scroll for minutes); `--json` keeps every one for tools.
MAX_PRINTED_PROBLEMS = 50


def report_problems(problems: list[Problem], as_json: bool) -> None:
    """Print problems as CONTRACT.md says: lines on stderr (the first `MAX_PRINTED_PROBLEMS`,
    then how many more), or `{"errors": [...]}` on stdout (all of them)."""
    if as_json:
        print(json.dumps({"errors": [p.as_dict() for p in problems]}, default=str, indent=2))
        return
    from b12pain.textsafe import plain_for_terminal

    for problem in problems[:MAX_PRINTED_PROBLEMS]:
        print(f"error: {plain_for_terminal(problem)}", file=sys.stderr)
    hidden = len(problems) - MAX_PRINTED_PROBLEMS
    if hidden > 0:
        print(f"error: … and {hidden:,} more problems (--json lists every one)", file=sys.stderr)


def usage_problem(exc: Any) -> Problem:
    """A command-line usage error as a `Problem`: the argument, the value typed and what is
    allowed (`nrs: 'abc'; a whole number (Pain now, 0 (none) to 10 …)`)."""
    from b12pain.cli.bad_arguments import usage_problem as named

    return named(exc)


def fail(problems: list[Problem], as_json: bool = False) -> Any:
    """Report problems and leave with status 2 (bad input)."""
    report_problems(problems, as_json)
    raise typer.Exit(2)


def run_guarded(app: typer.Typer) -> int:
    """Run the Typer app; input errors exit 2 with clean messages, Ctrl-C exits 130 quietly."""
    try:
        result = app(standalone_mode=False)
    except InputError as exc:
        report_problems(exc.problems, wants_json())
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        print("\nStopped.", file=sys.stderr)
        return 130
    except ImportError as exc:  # an optional package missing: name the extra to install
        from b12pain.extras import missing_package_problem

        problem = missing_package_problem(exc)
        if problem is None:
            return _unexpected(exc)
        report_problems([problem], wants_json())
        return 2
    except (KeyboardInterrupt, EOFError):
        print("\nStopped; nothing was saved.", file=sys.stderr)
        return 130
    except Exception as exc:  # usage errors and anything unforeseen: no traceback
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):  # Typer's (click's) usage errors
            if wants_json() or getattr(exc, "param", None) is not None:
                report_problems([usage_problem(exc)], as_json=wants_json())
            else:
                show()  # an unknown command: click's usage text helps more
            return int(exc.exit_code)
        return _unexpected(exc)
    # With standalone_mode=False, a `typer.Exit(code)` raised in a command comes back as the result.
    return result if isinstance(result, int) else 0


def _unexpected(exc: BaseException) -> int:
    """Something b12pain did not foresee: one line, no traceback, and how to report it."""
    from b12pain.textsafe import plain_for_terminal

    print(f"error: {type(exc).__name__}: {plain_for_terminal(exc)}", file=sys.stderr)
    print("This is a bug in b12pain; please report it with the command you ran.", file=sys.stderr)
    return 1
