"""Time to build the clinician report for a dense year (issue 17).

The year is `tests/reportdata.dense_year`: 365 days of pain twice a day, sleep, mood, stress,
exercise, food three times, injections from day 120, four blood tests, quarterly questionnaires
(3,135 entries), written through the service layer. Timed: `build_report` (gathering and
reading the year), the SVG chart, the HTML page, the PDF (Typst), and the whole (build + PDF).
Baselines in the same process: reading the same year's entries back (`store.entries`, which the
report also does) compiling a one-paragraph Typst document (the PDF engine's fixed cost) and drawing a one-point
chart (vl-convert's fixed cost).

Run: `.venv/bin/python benchmarks/bench_report.py` (also part of `make bench`).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import reportdata as rd
from b12pain.reports.charts import timeline_svg
from b12pain.reports.document import layout
from b12pain.reports.html import render_html
from b12pain.reports.pdf import render_pdf
from b12pain.service.reports import build_report, render_report


def _median(action: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _typst_minimal() -> bytes:
    import typst

    return bytes(
        typst.compile(
            b"#set document(title: [x])\n= Hello\nOne paragraph.",
            format="pdf",
            pdf_standards="ua-1",
        )
    )  # type: ignore[call-overload]


def _chart_minimal() -> str:
    import vl_convert

    spec = {
        "data": {"values": [{"day": "2026-01-01", "nrs": 5}]},
        "mark": "line",
        "encoding": {
            "x": {"field": "day", "type": "temporal"},
            "y": {"field": "nrs", "type": "quantitative"},
        },
    }
    return str(vl_convert.vegalite_to_svg(spec))


def measure(rounds: int = 5) -> dict[str, float]:
    """Median seconds of each step over a freshly generated dense year."""
    with tempfile.TemporaryDirectory() as folder:
        store = rd.open_store(Path(folder))
        ctx = rd.dense_year(store)
        start, end = rd.YEAR_START, rd.end_of_year()
        report = build_report(ctx, start, end)
        svg = timeline_svg(report.charts, start, end)
        document = layout(report, svg)
        render_pdf(document)  # warm: fonts and the Typst engine
        results = {
            "read the year's entries (baseline)": _median(lambda: ctx.store.entries(None), rounds),
            "build_report": _median(lambda: build_report(ctx, start, end), rounds),
            "chart (SVG, vl-convert)": _median(
                lambda: timeline_svg(report.charts, start, end), rounds
            ),
            "minimal one-point chart (baseline)": _median(_chart_minimal, rounds),
            "HTML": _median(lambda: render_html(document), rounds),
            "PDF (Typst)": _median(lambda: render_pdf(document), rounds),
            "minimal Typst PDF (baseline)": _median(_typst_minimal, rounds),
            "whole report: build + PDF": _median(
                lambda: render_report(build_report(ctx, start, end), pdf=True), rounds
            ),
        }
        store.close()
    return results


def test_report_dense_year(benchmark: Any, tmp_path: Path) -> None:
    """pytest-benchmark entry: build and render the PDF report of a dense year."""
    store = rd.open_store(tmp_path)
    ctx = rd.dense_year(store)
    pdf = benchmark(
        lambda: render_report(build_report(ctx, rd.YEAR_START, rd.end_of_year()), pdf=True).pdf
    )
    assert pdf is not None and pdf.startswith(b"%PDF")
    store.close()


if __name__ == "__main__":
    found = measure()
    read = found["read the year's entries (baseline)"]
    minimal = found["minimal Typst PDF (baseline)"]
    for name, seconds in found.items():
        print(
            f"{name:40s} {seconds * 1000:8.1f} ms  ×{seconds / read:5.1f} of reading  ×{seconds / minimal:5.1f} of minimal PDF"
        )
