"""The report as a PDF, compiled by Typst (the PyPI `typst` wheel: no system libraries).

The output is tagged and declares PDF/UA-1 (Typst checks the rules it can, such as a title and
alt text on every image). Tagged and declaring PDF/UA-1 is not the same as conformant: no full
PDF/UA checker has been run over it.
"""

from __future__ import annotations

import json
from pathlib import Path

from b12pain.reports.document import Document

TEMPLATE = Path(__file__).parent / "templates" / "report.typ"


def render_pdf(document: Document) -> bytes:
    """Compile `document` to PDF bytes in memory (nothing written to disk)."""
    import typst

    files = {
        "main.typ": TEMPLATE.read_bytes(),
        "report.json": json.dumps(document.as_json(), ensure_ascii=False).encode("utf-8"),
    }
    # The wheel takes a mapping of in-memory files (the entry point is `main.typ`); its type
    # stub lists only paths and bytes.
    pdf: bytes = typst.compile(  # type: ignore[call-overload]
        files, format="pdf", pdf_standards="ua-1", pdf_tags=True
    )
    return pdf
