"""Pain intensity NRS 0-10, with change from a baseline read by the IMMPACT thresholds.

Percent change is computed in exact rational arithmetic so that exactly 30 % or 50 % is never
lost to floating point. Severity bands are not universal: none by default, `serlin` (cancer pain)
or `boonstra` (chronic musculoskeletal pain) on request.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from b12pain.instruments._common import info, number, result, validate
from b12pain.instruments.result import InstrumentResult
from b12pain.knowledge import Citation

CHANGE_WORDS = {
    "substantial": "a substantial improvement",
    "moderate": "a moderate, clinically important improvement",
    "minimal": "a minimal improvement",
    "no_important_change": "no important improvement",
    "worse": "worse than before",
}


def change_category(baseline: float, current: float) -> tuple[str, Fraction | None]:
    """IMMPACT category of the change from `baseline` to `current`, and the percent reduction.

    Reductions of 10 % up to 30 % are minimal (IMMPACT labels 10-20 %; 20-30 % sits between
    its minimal and moderate labels and is reported as minimal), 30 % moderate, 50 % substantial.
    Values may be daily or weekly means (6.0 -> 4.2 is exactly 30 %). With a baseline of 0 the percent is undefined (None) and only the absolute change is reported.
    """
    rules = info("nrs").parameters
    before, now = Fraction(str(baseline)), Fraction(str(current))
    if before == 0:
        return ("worse" if now > 0 else "no_important_change"), None
    reduction = (before - now) / before * 100
    if reduction >= Fraction(rules["substantial_reduction_percent"]):
        return "substantial", reduction
    if reduction >= Fraction(rules["moderate_reduction_percent"]):
        return "moderate", reduction
    if reduction >= Fraction(rules["minimal_reduction_percent"]):
        return "minimal", reduction
    if reduction < 0:
        return "worse", reduction
    return "no_important_change", reduction


def score_nrs(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """NRS score (`nrs`), optional change from `baseline`, optional severity `bands`."""
    entry = info("nrs")
    clean = validate(entry, answers, "nrs", field_prefix)
    current: int = clean["nrs"]
    subscores: dict[str, Any] = {}
    summary = [f"Pain now: {current} out of 10."]
    clinician = [f"NRS {current}/10."]
    category = "not_banded"
    citations: tuple[Citation, ...] = ()
    bands = clean.get("bands", "none")
    if bands != "none":
        band_entry = info(f"nrs_bands_{bands}")
        found = band_entry.band_for(current)
        assert found is not None
        category = found.category
        summary.append(found.plain)
        clinician.append(found.clinician)
        citations = band_entry.citations
    if "baseline" in clean:
        baseline: int = clean["baseline"]
        change, reduction = change_category(baseline, current)
        subscores["baseline"] = baseline
        subscores["change"] = current - baseline
        subscores["percent_change"] = None if reduction is None else number(-reduction)
        subscores["change_category"] = change
        if bands == "none":
            category = change
        if reduction is None:
            summary.append(f"Change from {baseline}: {current - baseline:+d} points.")
            clinician.append(
                f"Baseline 0: absolute change {current - baseline:+d}; percent undefined."
            )
        else:
            summary.append(
                f"Compared with {baseline} before, that is {number(-reduction):+g} %: "
                f"{CHANGE_WORDS[change]}."
            )
            clinician.append(
                f"Change {number(-reduction):+g} % from baseline {baseline}: IMMPACT {change}."
            )
    return result(
        "nrs",
        entry,
        score=current,
        category=category,
        positive=None,
        summary=" ".join(summary),
        clinician_summary=" ".join(clinician),
        answers=clean,
        subscores=subscores,
        citations=citations,
    )
