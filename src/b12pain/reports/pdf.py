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


#: Text sizes (pt) tried for page 1, largest first, until page 1 fits on one page.
PAGE_ONE_SIZES = ("9", "8.5", "8", "7.5", "7")


def page_one_size(files: dict[str, bytes]) -> str:
    """The largest page-1 text size at which page 1 ends on page 1 (the smallest otherwise)."""
    import typst

    for size in PAGE_ONE_SIZES:
        found = json.loads(
            typst.query(files, "<page-one-end>", sys_inputs={"page-one-size": size})  # type: ignore[type-var]
        )
        if found and found[0]["value"] == 1:
            return size
    return PAGE_ONE_SIZES[-1]


def render_pdf(document: Document) -> bytes:
    """Compile `document` to PDF bytes in memory (nothing written to disk), page 1 on one page."""
    import typst

    files = {
        "main.typ": TEMPLATE.read_bytes(),
        "report.json": json.dumps(document.as_json(), ensure_ascii=False).encode("utf-8"),
    }
    size = page_one_size(files)
    # The wheel takes a mapping of in-memory files (the entry point is `main.typ`); its type
    # stub lists only paths and bytes.
    pdf: bytes = typst.compile(  # type: ignore[call-overload]
        files,
        format="pdf",
        pdf_standards="ua-1",
        pdf_tags=True,
        sys_inputs={"page-one-size": size},
    )
    return pdf
