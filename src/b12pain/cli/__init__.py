"""The `b12pain` command line (the `cli` extra: Typer and Rich).

Without that extra the command says what to install instead of failing with a traceback.
"""

from __future__ import annotations

import importlib.util
import sys


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


_MISSING = [name for name in ("typer", "rich") if not _installed(name)]
if _MISSING:
    print(
        f"error: the b12pain command needs {' and '.join(_MISSING)}; install b12pain[cli] "
        "(pip install 'b12pain[cli]')",
        file=sys.stderr,
    )
    raise SystemExit(2)
