"""Write docs/report-example.pdf and a PNG of its page 1 from a generated dense year.

The data is `tests/reportdata.dense_year` (seeded, through the service layer): nobody's real
journal. Run: `.venv/bin/python tools/make_report_example.py` (needs pdftoppm for the PNG).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import reportdata as rd  # noqa: E402
from b12pain.service.reports import build_report, render_report  # noqa: E402


def main() -> None:
    """Generate the year, build its report and write the example files."""
    docs = ROOT / "docs"
    with tempfile.TemporaryDirectory() as folder:
        store = rd.open_store(Path(folder))
        ctx = rd.dense_year(store)
        report = build_report(ctx, rd.YEAR_START, rd.end_of_year())
        pdf = render_report(report, pdf=True).pdf
        store.close()
    assert pdf is not None
    (docs / "report-example.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        target = docs / "report-example-page1"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "90",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(docs / "report-example.pdf"),
                str(target),
            ],
            check=True,
        )
    print("wrote docs/report-example.pdf and docs/report-example-page1.png")


if __name__ == "__main__":
    main()
