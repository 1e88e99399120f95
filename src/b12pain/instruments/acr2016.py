"""ACR 2016 fibromyalgia criteria and the FS (polysymptomatic distress) scale.

WPI = painful areas (0-19); SSS = fatigue + waking unrefreshed + cognitive symptoms (0-3 each)
+ one point each for headaches, lower abdominal pain, depression (0-12); FS = WPI + SSS (0-31).
All must hold: (WPI >= 7 and SSS >= 5) or (WPI 4-6 and SSS >= 9); generalised pain in at least
4 of 5 regions, where jaw, chest and abdomen do not count; symptoms for at least 3 months.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.instruments._common import info, result, validate
from b12pain.instruments.result import InstrumentResult
from b12pain.knowledge.schema.instruments import InstrumentInfo

REGIONS = (
    "region_left_upper",
    "region_right_upper",
    "region_left_lower",
    "region_right_lower",
    "region_axial",
)


def painful_regions(entry: InstrumentInfo, areas: tuple[str, ...]) -> int:
    """Regions with a painful area that counts for generalised pain (not jaw, chest, abdomen)."""
    excluded = set(entry.groups["not_for_generalised_pain"])
    counted = set(areas) - excluded
    return sum(1 for region in REGIONS if counted & set(entry.groups[region]))


def score_acr2016(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """WPI, SSS, FS, regions, whether the 2016 criteria are met, and the FS severity category."""
    entry = info("acr2016")
    clean = validate(entry, answers, "acr2016", field_prefix)
    rule = entry.parameters
    areas: tuple[str, ...] = clean["painful_areas"]
    wpi = len(areas)
    sss = (
        clean["fatigue"]
        + clean["waking_unrefreshed"]
        + clean["cognitive_symptoms"]
        + sum(1 for key in ("headaches", "lower_abdominal_pain", "depression") if clean[key])
    )
    fs = wpi + sss
    regions = painful_regions(entry, areas)
    severity = (wpi >= rule["wpi_high"] and sss >= rule["sss_with_high_wpi"]) or (
        rule["wpi_mid_minimum"] <= wpi <= rule["wpi_mid_maximum"]
        and sss >= rule["sss_with_mid_wpi"]
    )
    generalised = regions >= rule["regions_minimum"]
    lasting = clean["duration_months"] >= rule["duration_months_minimum"]
    meets = severity and generalised and lasting
    fs_band = entry.band_for(fs)
    assert fs_band is not None
    unmet = [
        text
        for ok, text in (
            (severity, "the pain-extent and symptom-severity scores"),
            (
                generalised,
                "pain in at least 4 of 5 body regions (jaw, chest and abdomen do not count)",
            ),
            (lasting, "symptoms for at least 3 months"),
        )
        if not ok
    ]
    numbers = f"WPI {wpi}/19, SSS {sss}/12, FS {fs}/31, regions {regions}/5"
    if meets:
        summary = (
            "Your answers meet the published ACR 2016 criteria used to classify fibromyalgia. "
            "Only a clinician can confirm this; other conditions can exist alongside it."
        )
        clinician = f"Meets ACR 2016 fibromyalgia criteria ({numbers}; FS {fs_band.category})."
    else:
        summary = (
            "Your answers do not meet the ACR 2016 fibromyalgia criteria: missing "
            + "; ".join(unmet)
            + "."
        )
        clinician = f"Does not meet ACR 2016 criteria ({numbers}); unmet: " + "; ".join(unmet) + "."
    return result(
        "acr2016",
        entry,
        score=fs,
        category="meets_criteria" if meets else "criteria_not_met",
        positive=meets,
        summary=f"{summary} {fs_band.plain}",
        clinician_summary=f"{clinician} {fs_band.clinician}",
        answers=clean,
        subscores={
            "wpi": wpi,
            "sss": sss,
            "fs": fs,
            "regions": regions,
            "fs_category": fs_band.category,
        },
    )
