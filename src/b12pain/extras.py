"""Optional features and the extra that installs each (pyproject `[project.optional-dependencies]`).

The core (knowledge, clinical, instruments, journal on SQLite, the service layer) needs none of
these. A feature that does imports its package inside the function that uses it, so a missing
package shows up when the feature is asked for, and is then named with its extra:
"install b12pain[spark]", never "this is a bug".
"""

from __future__ import annotations

from b12pain.errors import Problem

#: Top-level import name → the extra that installs it.
EXTRA_OF_PACKAGE: dict[str, str] = {
    "typer": "cli",
    "rich": "cli",
    "click": "cli",
    "duckdb": "cohort",
    "pyarrow": "cohort",
    "pyspark": "spark",
    "psycopg": "postgres",
    "fastapi": "web",
    "starlette": "web",
    "uvicorn": "web",
    "jinja2": "web",
    "multipart": "web",
    "pydantic_settings": "web",
    "argon2": "web",
    "asgi_csrf": "web",
    "jwt": "web",
    "typst": "pdf",
    "vl_convert": "pdf",
    "fhir": "fhir",
    "ical": "ical",
}


def extra_for(module: str | None) -> str | None:
    """The extra that installs `module` (`pyspark.sql` → `spark`), or None if it is not optional."""
    if not module:
        return None
    return EXTRA_OF_PACKAGE.get(module.split(".", 1)[0])


def missing_package_problem(error: ImportError) -> Problem | None:
    """A problem naming the extra to install, for an import of an optional package that failed;
    None when the missing module is not one of b12pain's optional packages."""
    extra = extra_for(getattr(error, "name", None))
    if extra is None:
        return None
    return Problem(
        "(installation)",
        error.name,
        f"this feature needs the optional package {error.name}; install b12pain[{extra}] "
        f"(pip install 'b12pain[{extra}]')",
    )
