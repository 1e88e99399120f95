"""A plain pandas implementation of the four screening rules, the way an analyst would write it.

Kept in benchmarks/ only: it is the baseline `bench_cohort.py` compares DuckDB against, and a
second, independent implementation whose flags must equal the engine's. It reads the synthetic
OMOP Parquet (no vocabulary: concept ids are the knowledge hints) and the same knowledge entries.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

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


def screen_pandas(omop: Path, as_of: dt.date) -> pd.DataFrame:
    """(person_id, rule_id) of every flag, by the same definitions as the shipped rules."""
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

    def exposure_days(concepts: set[int]) -> pd.Series:
        window_start = a - pd.Timedelta(days=_param("cohort.exposure_lookback_days"))
        sel = drugs[
            drugs.drug_concept_id.isin(concepts) & (drugs.s <= a) & (drugs.e >= window_start)
        ]
        clipped = pd.DataFrame(
            {
                "person_id": sel.person_id,
                "s": sel.s.clip(lower=window_start),
                "e": sel.e.clip(upper=a),
            }
        )
        return _union_days(clipped) if len(clipped) else pd.Series(dtype="int64")

    metformin = exposure_days(_ids("concept_set.metformin"))
    acid = exposure_days(_ids("concept_set.ppi") | _ids("concept_set.h2ra"))
    on_drug = set(metformin.index[metformin >= _param("cohort.metformin_min_days")]) | set(
        acid.index[acid >= _param("cohort.acid_suppression_min_days")]
    )

    b12_ids = _ids("concept_set.b12_total_mass") | _ids("concept_set.b12_total_molar")
    b12 = tests[tests.measurement_concept_id.isin(b12_ids)].copy()
    b12["date"] = pd.to_datetime(b12.measurement_date)
    b12 = b12[b12.date <= a]
    test_start = a - pd.Timedelta(days=_param("cohort.test_lookback_days"))
    tested = set(b12.person_id[b12.date >= test_start])

    neuro_ids = _ids("concept_set.peripheral_neuropathy")
    conditions["date"] = pd.to_datetime(conditions.condition_start_date)
    neuropathy = set(
        conditions.person_id[
            conditions.condition_concept_id.isin(neuro_ids) & (conditions.date <= a)
        ]
    )

    recent = b12[b12.date >= test_start].copy()
    recent["unit"] = recent.unit_source_value.fillna(
        recent.unit_concept_id.map({8845: "pg/mL", 8729: "pmol/L"})
    )
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
    treated = set(joined.person_id[(joined.e >= joined.date) & (joined.s <= joined.date + follow)])
    untreated_low = set(low.person_id) - treated

    observations["date"] = pd.to_datetime(observations.observation_date)
    diet_start = a - pd.Timedelta(days=_param("cohort.diet_lookback_days"))
    diet = set(
        observations.person_id[
            observations.observation_concept_id.isin(SITE_DIET_CONCEPTS)
            & (observations.date >= diet_start)
            & (observations.date <= a)
        ]
    )
    symptom_start = a - pd.Timedelta(days=_param("cohort.symptom_lookback_days"))
    symptoms = set(
        conditions.person_id[
            conditions.condition_concept_id.isin(_ids("concept_set.neuropathic_symptoms"))
            & (conditions.date >= symptom_start)
            & (conditions.date <= a)
        ]
    )

    flags = {
        "b12.long_term_drug.no_test_12m": (on_drug & eligible) - tested,
        "b12.neuropathy.no_test_12m": (neuropathy & eligible) - tested,
        "b12.low_result.untreated_90d": untreated_low & eligible,
        "b12.diet.symptoms_no_test_12m": (diet & (symptoms | neuropathy) & eligible) - tested,
    }
    rows = [(str(p), rule) for rule, people in flags.items() for p in people]
    return pd.DataFrame(rows, columns=["person_id", "rule_id"])
