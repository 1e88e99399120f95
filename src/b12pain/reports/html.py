"""The report as one self-contained HTML page (Jinja2, autoescaped), from the laid-out blocks."""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

import jinja2

from b12pain.reports.document import Document

TEMPLATES = Path(__file__).parent / "templates"


def svg_data_uri(svg: str) -> str:
    """An SVG document as a `data:` URI, so a chart is an image with alt text, never markup."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every piece of text is escaped, whatever the file name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["svg_data_uri"] = svg_data_uri
    return environment


def render_html(document: Document) -> str:
    """The HTML page of `document` (text escaped; the chart SVG embedded as an image)."""
    return _environment().get_template("report.html.j2").render(doc=document)
