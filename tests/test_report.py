"""The clinician report (issue 17): built from a generated year through the service layer,
rendered once to HTML and PDF, read back with poppler (pdftotext, pdftoppm) and pypdf."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

import reportdata as rd
from b12pain.errors import InputError
from b12pain.service import diary
from b12pain.service.reports import build_report, render_report

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) not installed",
)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory):
    store = rd.open_store(tmp_path_factory.mktemp("year"))
    ctx = rd.dense_year(store)
    yield ctx
    store.close()


@pytest.fixture(scope="module")
def year_pdf(year, tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = build_report(year, rd.YEAR_START, rd.end_of_year())
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_report(report, pdf=True).pdf or b"")
    return path


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first is not None:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(
        [*args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def assert_in_order(text: str, facts: list[str]) -> None:
    position = -1
    for fact in facts:
        found = text.find(fact, position + 1)
        assert found > position, f"{fact!r} missing or out of order"
        position = found


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_page_one_shows_the_key_facts_in_reading_order(year, year_pdf: Path) -> None:
    report = build_report(year, rd.YEAR_START, rd.end_of_year())
    total, mma = report.latest_labs  # B12 tests first, each test's latest result
    page_one = pdf_text(year_pdf, 1)
    assert_in_order(
        page_one,
        [
            "summary for the clinician",
            "Period 2025-12-01 to 2026-11-30",
            "Red flags",
            "Current B12 status",
            report.b12_status.split(":")[0].split(".")[0],
            "total B12",
            "610 ng/L",
            "2026-11-06",
            total.band,
            "180-900",  # the lab's own range
            "MMA",
            "0.45 umol/L",
            "2025-12-31",
            mma.band,
            "<0.28",
            "Questionnaire scores",
            "DN4",
            "2026-09-10",
            report.scores[0].meaning.split(" ")[0],
            "Current regimen, adherence and stock",
            "hydroxocobalamin (regimen R3)",
            "1000 µg injection",
            "2026-03-31",
            report.regimens[0].adherence,
            report.regimens[0].stock or "not counted",
            "Pain trend",
            "Before starting treatment (2026-03-31)",
            "What changed since the last report",
            "New total B12 results: 190 ng/L (2025-12-31)",
            "Started hydroxocobalamin (regimen R3) on 2026-03-31",
            "Questions to discuss",
            "Treatment review due 2026-06-29",
        ],
    )
    assert total.band == "deficiency unlikely" and mma.test == "MMA"


def test_page_one_fits_one_page_for_a_dense_year(year_pdf: Path) -> None:
    page_one, page_two = pdf_text(year_pdf, 1), pdf_text(year_pdf, 2)
    last_question = "continue, change or stop"
    assert last_question in page_one and "Questions to discuss" in page_one
    assert page_two.lstrip().startswith("Laboratory results")
    assert "Questions to discuss" not in page_two


def test_following_pages_carry_detail_sources_and_provenance(year_pdf: Path) -> None:
    rest = pdf_text(year_pdf)
    assert_in_order(
        rest,
        [
            "Laboratory results",
            "190 ng/L",
            "360 ng/L",
            "520 ng/L",
            "610 ng/L",
            "Charts",
            "Pain (daily average, 0-10)",
            "B12 blood results",
            "Supplement doses",
            "B12 from food",
            "Diary summary",
            "Pain",
            "730",
            "Intake of B12 from food",
            "µg of B12 a day",
            "Plan",
            "Medicines",
            "metformin",
            "1 g twice a day",
            "omeprazole",
            "Sources",
            "[1]",
            "About this report",
            "Generated: 2026-11-30T22:00+01:00",
            "Knowledge version: 2026.11.0",
            "Date range: 2025-12-01 to 2026-11-30",
            "Prepared by the person",
            "not a clinical record",
            "Not medical advice",
        ],
    )


def test_every_citation_number_is_in_the_numbered_list(year, year_pdf: Path) -> None:
    report = build_report(year, rd.YEAR_START, rd.end_of_year())
    used = {n for lab in report.labs for n in lab.cites}
    used |= {n for s in report.scores for n in s.cites}
    used |= {n for r in report.regimens for n in r.cites}
    listed = [s.number for s in report.sources]
    assert used and used <= set(listed)
    assert listed == list(range(1, len(listed) + 1))
    text = squeeze(pdf_text(year_pdf))
    for source in report.sources:
        assert squeeze(f"[{source.number}] {source.text}") in text


def test_pdftoppm_renders_every_page(year_pdf: Path, tmp_path: Path) -> None:
    pages = len(PdfReader(year_pdf).pages)
    assert pages >= 3
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(year_pdf), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    assert all(image.stat().st_size > 2_000 for image in images)
    assert words_beyond_the_page(year_pdf) == []


def test_pdf_is_tagged_and_declares_pdf_ua_1(year_pdf: Path) -> None:
    reader = PdfReader(year_pdf)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).startswith("en")
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp.stream.get_data()
    assert reader.metadata is not None and "B12 and pain report" in str(reader.metadata.title)


def test_markup_in_notes_prints_exactly_as_typed_in_pdf_and_html(year) -> None:
    report = build_report(year, rd.YEAR_START, rd.end_of_year())
    assert any(n.text == rd.MARKUP_NOTE for n in report.notes)
    out = render_report(report, html=True, pdf=True)
    pdf = Path(year.store.engine.url.database).parent / "markup.pdf"  # type: ignore[arg-type]
    pdf.write_bytes(out.pdf or b"")
    assert squeeze(rd.MARKUP_NOTE) in squeeze(pdf_text(pdf))
    html = out.html or ""
    assert "<b>&amp;</b>" not in html and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in html


def test_html_and_pdf_come_from_one_layout(year_pdf: Path, year) -> None:
    report = build_report(year, rd.YEAR_START, rd.end_of_year())
    html = render_report(report, html=True).html or ""
    headings = re.findall(r"<h[123]>([^<]+)</h[123]>", html)
    assert headings[:3] == [
        "B12 and pain: summary for the clinician",
        "Red flags",
        "Current B12 status",
    ]
    assert_in_order(pdf_text(year_pdf), [h.replace("&#39;", "'") for h in headings])
    assert html.count('src="data:image/svg+xml;base64,') == 1 and "<svg" not in html


def test_date_range_filters_every_section(year) -> None:
    start, end = dt.date(2026, 4, 1), dt.date(2026, 6, 30)
    report = build_report(year, start, end)
    assert [lab.value for lab in report.labs] == [360.0]
    assert all(start <= day <= end for day, _ in report.charts.pain)
    assert len(report.charts.pain) == (end - start).days + 1
    assert all(start <= day <= end for day, _ in report.charts.doses)
    assert all(start <= day <= end for day, *_ in report.charts.labs)
    pain_line = next(line for line in report.diary if line.kind == "Pain")
    assert pain_line.entries == 2 * ((end - start).days + 1)
    assert all(start <= note.on <= end for note in report.notes)
    assert report.changes[0] == "New total B12 result: 360 ng/L (2026-04-30)"
    html = render_report(report, html=True).html or ""
    assert "610 ng/L" not in html.split("Laboratory results")[1].split("Charts")[0]


def test_to_before_from_is_refused_by_field(year) -> None:
    with pytest.raises(InputError) as caught:
        build_report(year, dt.date(2026, 5, 1), dt.date(2026, 4, 1))
    assert caught.value.problems[0].field == "to"


def test_empty_journal_gives_a_sensible_report(tmp_path: Path) -> None:
    store = rd.open_store(tmp_path)
    ctx = rd.context_at(store, rd.at(dt.date(2026, 11, 30), 12))
    report = build_report(ctx)
    assert report.start == dt.date(2026, 9, 2) and report.end == dt.date(2026, 11, 30)
    out = render_report(report, html=True, pdf=True)
    path = tmp_path / "empty.pdf"
    path.write_bytes(out.pdf or b"")
    text = pdf_text(path)
    assert_in_order(
        text,
        [
            "Red flags",
            "None reported",
            "no assessment",
            "No questionnaire completed",
            "No B12 supplement plan recorded",
            "No pain entries in this period",
            "Nothing new",
            "No blood-test results in this period",
            "Nothing to chart",
            "No diary entries",
            "No food logged",
            "Not medical advice",
        ],
    )
    store.close()


def test_red_flags_come_first_even_without_a_profile(tmp_path: Path) -> None:
    store = rd.open_store(tmp_path)
    ctx = rd.context_at(store, rd.at(dt.date(2026, 11, 30), 12))
    diary.log_symptoms(ctx, diary.SymptomsInput(symptoms=("saddle_numbness", "urinary_retention")))
    report = build_report(ctx)
    assert report.red_flags and report.red_flags[0].cites
    html = render_report(report, html=True).html or ""
    first_flag = html.index(report.red_flags[0].title)
    assert html.index("Red flags") < first_flag < html.index("Current B12 status")
    assert report.questions[0].startswith("The red flags above")
    store.close()


def test_page_one_fits_one_page_when_everything_happens_at_once(tmp_path: Path) -> None:
    """Five red flags, every lab test, eight questionnaires, three plans: page 1 still fits,
    no red flag is left out, and every flag is on page 1."""
    store = rd.open_store(tmp_path)
    end = dt.date(2026, 11, 30)
    ctx = rd.crowded(store, end)
    report = build_report(ctx, end - dt.timedelta(days=59), end)
    assert len(report.red_flags) >= 4 and len(report.latest_labs) == 7 and len(report.scores) == 8
    path = tmp_path / "crowded.pdf"
    path.write_bytes(render_report(report, pdf=True).pdf or b"")
    page_one, page_two = squeeze(pdf_text(path, 1)), pdf_text(path, 2)
    for flag in report.red_flags:
        assert squeeze(flag.title) in page_one
    assert squeeze(report.questions[-1]) in page_one
    assert page_two.lstrip().startswith("Red flags in plain words")
    assert "Questions to discuss" not in page_two
    assert words_beyond_the_page(path) == []  # a 60-letter lab name wraps inside its cell
    store.close()


def words_beyond_the_page(path: Path) -> list[str]:
    """Words whose box ends past the right edge of their page (pdftotext -bbox)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    beyond = []
    for page in re.finditer(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', html, flags=re.S):
        width = float(page.group(1))
        for x_max, word in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', page.group(2)):
            if float(x_max) > width:
                beyond.append(word)
    return beyond


def test_page_one_text_shrinks_until_it_fits() -> None:
    """The renderer lowers page 1's text size until page 1 ends on page 1 (queried from Typst)."""
    import json

    from b12pain.reports.document import Bullets, Document, Heading
    from b12pain.reports.pdf import PAGE_ONE_SIZES, TEMPLATE, page_one_size

    def size_for(lines: int) -> str:
        items = tuple(f"Question {n}: a short line" for n in range(lines))
        document = Document("t", (Heading("Questions to discuss"), Bullets(items)), (), "foot")
        files = {
            "main.typ": TEMPLATE.read_bytes(),
            "report.json": json.dumps(document.as_json()).encode(),
        }
        return page_one_size(files)

    assert size_for(10) == PAGE_ONE_SIZES[0]
    shrunk = size_for(80)
    assert float(shrunk) < float(PAGE_ONE_SIZES[0])


def test_a_red_flag_reported_in_the_period_stays_on_the_report(tmp_path: Path) -> None:
    store = rd.open_store(tmp_path)
    early = rd.context_at(store, rd.at(dt.date(2026, 11, 2), 9))
    diary.log_symptoms(early, diary.SymptomsInput(symptoms=("saddle_numbness", "tingling")))
    late = rd.context_at(store, rd.at(dt.date(2026, 11, 20), 9))
    diary.log_symptoms(late, diary.SymptomsInput(symptoms=("tingling",)))
    report = build_report(late, dt.date(2026, 11, 1), dt.date(2026, 11, 20))
    assert report.red_flags, "a red flag from earlier in the period was dropped"
    assert not build_report(late, dt.date(2026, 11, 10), dt.date(2026, 11, 20)).red_flags
    store.close()


def structure_of(path: Path) -> tuple[dict[str, int], list[str]]:
    """Counts of each structure type in the PDF's tag tree, and the alt text of its figures."""
    from collections import Counter

    counts: Counter[str] = Counter()
    alts: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        kind = node.get("/S")
        if kind is not None:
            counts[str(kind)] += 1
            if kind == "/Figure":
                alts.append(str(node.get("/Alt", "")))
        if node.get("/K") is not None:
            walk(node.get("/K"))

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return dict(counts), alts


def test_the_tag_tree_has_headings_tables_with_headers_and_figure_alt_text(
    year, year_pdf: Path
) -> None:
    counts, alts = structure_of(year_pdf)
    assert counts["/H1"] == 1 and counts["/H2"] >= 10
    assert counts["/Table"] >= 5 and counts["/TH"] >= 5 * 3 and counts["/THead"] == counts["/Table"]
    assert counts["/L"] >= 2 and counts["/LI"] >= 5
    assert alts == [next(b.alt for b in layout_of(year).following if b.type == "figure")]


def layout_of(ctx):
    from b12pain.reports.charts import timeline_svg
    from b12pain.reports.document import layout

    report = build_report(ctx, rd.YEAR_START, rd.end_of_year())
    return layout(report, timeline_svg(report.charts, report.start, report.end))
