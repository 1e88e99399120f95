"""A plain pandas implementation of the four screening rules, the way an analyst would write it.

Kept in benchmarks/ only: it is the baseline `bench_cohort.py` compares DuckDB against, and a
second, independent implementation whose flags must equal the engine's. It reads the synthetic
OMOP Parquet (no vocabulary: concept ids are the knowledge hints) and the same knowledge entries.

`screen_pandas(..., evidence=False)` gives only the (person, rule) pairs; `evidence=True` also
works out what the engine puts beside each flag (index and evidence dates, cumulative days, the
latest B12 test, matched codes), so that both do the same work and whole rows can be compared.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from b12pain.cohort.output import FLAG_COLUMNS
from b12pain.knowledge import load
from b12pain.knowledge.schema.cohort import ConceptSet

SITE_DIET_CONCEPTS = {2000000001}


def _ids(set_id: str) -> set[int]:
    entry = load().typed(set_id, ConceptSet)
    return {i.concept_id for i in entry.items if i.concept_id is not None and not i.exclude}


def _param(entry_id: str) -> int:
    return int(load().get(entry_id).value)  # type: ignore[attr-defined]


#: The columns the rules read, per OMOP table. Reading only these is what lets pandas hold 10M
#: people in 23 GiB (every column of every table would need about 31 GiB).
COLUMNS = {
    "person": ["person_id", "year_of_birth", "month_of_birth", "day_of_birth"],
    "observation_period": [
        "person_id",
        "observation_period_start_date",
        "observation_period_end_date",
    ],
    "death": ["person_id", "death_date"],
    "drug_exposure": [
        "person_id",
        "drug_concept_id",
        "drug_exposure_start_date",
        "drug_exposure_end_date",
        "days_supply",
    ],
    "condition_occurrence": ["person_id", "condition_concept_id", "condition_start_date"],
    "measurement": [
        "person_id",
        "measurement_concept_id",
        "measurement_date",
        "value_as_number",
        "unit_concept_id",
        "unit_source_value",
    ],
    "observation": ["person_id", "observation_concept_id", "observation_date"],
}


def _table(omop: Path, name: str) -> pd.DataFrame:
    """The columns the rules need of one OMOP table: `name.parquet`, or a folder `name/` of part files."""
    single = omop / f"{name}.parquet"
    return pd.read_parquet(single if single.exists() else omop / name, columns=COLUMNS[name])


def _union_days(frame: pd.DataFrame) -> pd.Series:
    """Distinct covered days per person from (person_id, s, e) intervals."""
    frame = frame.sort_values(["person_id", "s", "e"])
    running = frame.groupby("person_id")["e"].cummax()
    prev_end = running.groupby(frame["person_id"]).shift()
    island = (
        (prev_end.isna() | (frame["s"] > prev_end)).astype(int).groupby(frame["person_id"]).cumsum()
    )
    frame = frame.assign(island=island)
    spans = frame.groupby(["person_id", "island"]).agg(s=("s", "min"), e=("e", "max"))
    days = (spans["e"] - spans["s"]).dt.days + 1
    return days.groupby(level="person_id").sum()


#: The engine's flag columns that differ from row to row (the others are the same on every
#: row), less those written for people rather than computed (the reason text, the source
#: identifier, code names, the comparator of censored results, none of which the synthetic
#: data exercises): the baseline works these out like the engine does.
EVIDENCE_COLUMNS = [
    c
    for c in FLAG_COLUMNS
    if c
    not in (
        "rule_version",
        "as_of_date",
        "reason_text",
        "run_id",
        "engine",
        "person_source_value",
        "last_test_comparator",
        "matched_code_names",
    )
]


def _codes(frame: pd.DataFrame, concept: str) -> pd.Series:
    """Each person's matched codes ("OMOP:<id>", sorted, distinct) from rows of `concept` ids."""
    pairs = pd.DataFrame(
        {"person_id": frame.person_id, "code": "OMOP:" + frame[concept].astype(str)}
    )
    pairs = pairs.drop_duplicates().sort_values(["person_id", "code"])
    return pairs.groupby("person_id")["code"].agg(list)


def _spans(frame: pd.DataFrame, date: str, concept: str) -> pd.DataFrame:
    """Per person: first and last date and matched codes of some event rows."""
    dates = frame.groupby("person_id")[date].agg(evidence_start="min", evidence_end="max")
    return dates.join(_codes(frame, concept).rename("matched_codes"))


def _either(*parts: pd.DataFrame) -> pd.DataFrame:
    """People in any of `parts` (each indexed by person): earliest start, latest end, largest
    cumulative days and all codes together."""
    stacked = pd.concat(parts)
    combined = stacked.groupby(level=0).agg(
        evidence_start=("evidence_start", "min"), evidence_end=("evidence_end", "max")
    )
    if "cumulative_days" in stacked:
        combined["cumulative_days"] = stacked.groupby(level=0)["cumulative_days"].max()
    codes = stacked["matched_codes"].explode().rename("code").rename_axis("person_id")
    pairs = codes.reset_index().drop_duplicates().sort_values(["person_id", "code"])
    return combined.join(pairs.groupby("person_id")["code"].agg(list).rename("matched_codes"))


def screen_pandas(omop: Path, as_of: dt.date, evidence: bool = False) -> pd.DataFrame:
    """(person_id, rule_id) of every flag, by the same definitions as the shipped rules; with
    `evidence`, also the columns the engine reports beside each flag (`EVIDENCE_COLUMNS`)."""
    kb = load()
    a = pd.Timestamp(as_of)
    persons = _table(omop, "person")
    periods = _table(omop, "observation_period")
    deaths = _table(omop, "death")
    drugs = _table(omop, "drug_exposure")
    conditions = _table(omop, "condition_occurrence")
    tests = _table(omop, "measurement")
    observations = _table(omop, "observation")

    born = pd.to_datetime(
        dict(
            year=persons.year_of_birth,
            month=persons.month_of_birth.fillna(1),
            day=persons.day_of_birth.fillna(1),
        )
    )
    min_age = _param("param.min_age_years")
    adult = set(persons.person_id[born <= a - pd.DateOffset(years=min_age)])
    start = pd.to_datetime(periods.observation_period_start_date)
    end = pd.to_datetime(periods.observation_period_end_date)
    covered = set(periods.person_id[(start <= a) & (end.isna() | (end >= a))])
    dead = set(deaths.person_id[pd.to_datetime(deaths.death_date) <= a])
    eligible = (adult & covered) - dead

    drugs["s"] = pd.to_datetime(drugs.drug_exposure_start_date)
    supply = drugs.days_supply.where(
        drugs.days_supply > 0, _param("cohort.default_supply_days")
    ).fillna(_param("cohort.default_supply_days"))
    fallback = drugs["s"] + pd.to_timedelta(supply - 1, unit="D")
    drugs["e"] = pd.to_datetime(drugs.drug_exposure_end_date).fillna(fallback)
    drugs["e"] = drugs[["s", "e"]].max(axis=1)

    def exposure(concepts: set[int]) -> tuple[pd.Series, pd.DataFrame]:
        """Covered days per person in the look-back window, and the clipped intervals."""
        window_start = a - pd.Timedelta(days=_param("cohort.exposure_lookback_days"))
        sel = drugs[
            drugs.drug_concept_id.isin(concepts) & (drugs.s <= a) & (drugs.e >= window_start)
        ]
        clipped = pd.DataFrame(
            {
                "person_id": sel.person_id,
                "s": sel.s.clip(lower=window_start),
                "e": sel.e.clip(upper=a),
                "drug_concept_id": sel.drug_concept_id,
            }
        )
        days = _union_days(clipped) if len(clipped) else pd.Series(dtype="int64")
        return days, clipped

    metformin, metformin_rows = exposure(_ids("concept_set.metformin"))
    acid, acid_rows = exposure(_ids("concept_set.ppi") | _ids("concept_set.h2ra"))
    on_metformin = metformin[metformin >= _param("cohort.metformin_min_days")]
    on_acid = acid[acid >= _param("cohort.acid_suppression_min_days")]
    on_drug = set(on_metformin.index) | set(on_acid.index)

    b12_ids = _ids("concept_set.b12_total_mass") | _ids("concept_set.b12_total_molar")
    b12 = tests[tests.measurement_concept_id.isin(b12_ids)].copy()
    b12["date"] = pd.to_datetime(b12.measurement_date)
    b12 = b12[b12.date <= a]
    test_start = a - pd.Timedelta(days=_param("cohort.test_lookback_days"))
    tested = set(b12.person_id[b12.date >= test_start])

    neuro_ids = _ids("concept_set.peripheral_neuropathy")
    conditions["date"] = pd.to_datetime(conditions.condition_start_date)
    neuropathy_rows = conditions[
        conditions.condition_concept_id.isin(neuro_ids) & (conditions.date <= a)
    ]
    neuropathy = set(neuropathy_rows.person_id)

    b12["unit"] = b12.unit_source_value.fillna(
        b12.unit_concept_id.map({8845: "pg/mL", 8729: "pmol/L"})
    )
    recent = b12[b12.date >= test_start]
    recent = recent.sort_values(
        ["person_id", "date", "value_as_number"], ascending=[True, False, True]
    )
    latest = recent.drop_duplicates("person_id")
    ng = kb.get("threshold.total_b12.ng_l").deficiency_below  # type: ignore[attr-defined]
    pmol = kb.get("threshold.total_b12.pmol_l").deficiency_below  # type: ignore[attr-defined]
    value = latest.value_as_number
    low = latest[
        (latest.unit.isin(["pg/mL", "ng/L"]) & (value < ng))
        | ((latest.unit == "ng/mL") & (value * 1000 < ng))
        | ((latest.unit == "pmol/L") & (value < pmol))
    ]
    treatment = drugs[drugs.drug_concept_id.isin(_ids("concept_set.b12_treatment"))]
    follow = pd.Timedelta(days=_param("cohort.treatment_followup_days"))
    joined = low[["person_id", "date"]].merge(treatment[["person_id", "s", "e"]], on="person_id")
    # Treatment is seen only up to the as-of date (docs/cohort.md, policies).
    seen_until = (joined.date + follow).clip(upper=pd.Timestamp(as_of))
    treated = set(joined.person_id[(joined.e >= joined.date) & (joined.s <= seen_until)])
    untreated_low = set(low.person_id) - treated

    observations["date"] = pd.to_datetime(observations.observation_date)
    diet_start = a - pd.Timedelta(days=_param("cohort.diet_lookback_days"))
    diet_rows = observations[
        observations.observation_concept_id.isin(SITE_DIET_CONCEPTS)
        & (observations.date >= diet_start)
        & (observations.date <= a)
    ]
    diet = set(diet_rows.person_id)
    symptom_start = a - pd.Timedelta(days=_param("cohort.symptom_lookback_days"))
    symptom_rows = conditions[
        conditions.condition_concept_id.isin(_ids("concept_set.neuropathic_symptoms"))
        & (conditions.date >= symptom_start)
        & (conditions.date <= a)
    ]
    symptoms = set(symptom_rows.person_id)

    flags = {
        "b12.long_term_drug.no_test_12m": (on_drug & eligible) - tested,
        "b12.neuropathy.no_test_12m": (neuropathy & eligible) - tested,
        "b12.low_result.untreated_90d": untreated_low & eligible,
        "b12.diet.symptoms_no_test_12m": (diet & (symptoms | neuropathy) & eligible) - tested,
    }
    if not evidence:
        rows = [(str(p), rule) for rule, people in flags.items() for p in people]
        return pd.DataFrame(rows, columns=["person_id", "rule_id"])

    # What the engine reports beside each flag, rule by rule, for the flagged people only.
    def flagged(rows: pd.DataFrame, rule: str) -> pd.DataFrame:
        return rows[rows.person_id.isin(flags[rule])]

    def exposure_spans(days: pd.Series, rows: pd.DataFrame) -> pd.DataFrame:
        rows = flagged(rows, "b12.long_term_drug.no_test_12m")
        rows = rows[rows.person_id.isin(days.index)]
        spans = _spans(rows.rename(columns={"s": "start"}), "start", "drug_concept_id")
        spans["evidence_end"] = rows.groupby("person_id")["e"].max()
        return spans.assign(cumulative_days=days)

    drug = _either(exposure_spans(on_metformin, metformin_rows), exposure_spans(on_acid, acid_rows))
    neuro = _spans(
        flagged(neuropathy_rows, "b12.neuropathy.no_test_12m"), "date", "condition_concept_id"
    )
    low_found = low.set_index("person_id")
    low_spans = pd.DataFrame(
        {
            "evidence_start": low_found.date,
            "evidence_end": low_found.date,
            "last_test_date": low_found.date,
            "last_test_value": low_found.value_as_number,
            "last_test_unit": low_found.unit,
            "matched_codes": ("OMOP:" + low_found.measurement_concept_id.astype(str)).map(
                lambda code: [code]
            ),
        }
    )
    rule_d = "b12.diet.symptoms_no_test_12m"
    diet_spans = _either(
        _spans(flagged(diet_rows, rule_d), "date", "observation_concept_id"),
        _spans(flagged(symptom_rows, rule_d), "date", "condition_concept_id"),
        _spans(flagged(neuropathy_rows, rule_d), "date", "condition_concept_id"),
    )
    everyone = set().union(*flags.values())
    ordered = b12[b12.person_id.isin(everyone)].sort_values(
        ["person_id", "date", "value_as_number", "unit", "measurement_concept_id"],
        ascending=[True, False, True, True, True],
        na_position="last",
    )
    last = ordered.drop_duplicates("person_id").set_index("person_id")
    last = last[["date", "value_as_number", "unit"]].set_axis(
        ["last_test_date", "last_test_value", "last_test_unit"], axis=1
    )
    tables = []
    for rule, found, with_last in (
        ("b12.long_term_drug.no_test_12m", drug, True),
        ("b12.neuropathy.no_test_12m", neuro, True),
        ("b12.low_result.untreated_90d", low_spans, False),
        ("b12.diet.symptoms_no_test_12m", diet_spans, True),
    ):
        rows = found.loc[found.index.isin(flags[rule])]
        if with_last:
            rows = rows.join(last)
        rows = rows.reset_index(names="person_id").assign(rule_id=rule)
        rows["index_date"] = rows["evidence_end"]
        tables.append(rows.reindex(columns=EVIDENCE_COLUMNS))
    table = pd.concat(tables, ignore_index=True)
    table["person_id"] = table.person_id.astype(str)
    return table
