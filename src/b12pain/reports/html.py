"""The report as one self-contained HTML page (Jinja2, autoescaped), from the laid-out blocks."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from b12pain.reports.document import Document

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every piece of text is escaped, whatever the file name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(document: Document) -> str:
    """The HTML page of `document` (text escaped; the chart SVG embedded inline)."""
    return _environment().get_template("report.html.j2").render(doc=document)
