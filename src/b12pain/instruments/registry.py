"""The instruments b12pain scores, by id, and scoring by id (used by the CLI and the assessment)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from b12pain.errors import InputError, Problem
from b12pain.instruments import acr2016, dn4, hit6, ichd3, lanss, midas, mnsi, nrs, rmdq, start_back
from b12pain.instruments._common import info, licence
from b12pain.instruments.result import InstrumentResult
from b12pain.knowledge import load
from b12pain.knowledge.schema.instruments import InstrumentInfo, InstrumentLicence

Scorer = Callable[..., InstrumentResult]


@dataclass(frozen=True)
class Instrument:
    """One registered instrument: its id, its scorer and its knowledge entry."""

    id: str
    scorer: Scorer

    @property
    def info(self) -> InstrumentInfo:
        """The cited knowledge entry (items, range, bands, licence id)."""
        return info(self.id)

    @property
    def licence(self) -> InstrumentLicence:
        """What b12pain may ship of this instrument."""
        return licence(self.info)


#: Instrument id -> definition, in the order `questionnaire --list` shows them.
INSTRUMENTS: dict[str, Instrument] = {
    item.id: item
    for item in (
        Instrument("nrs", nrs.score_nrs),
        Instrument("dn4", dn4.score_dn4),
        Instrument("dn4_interview", dn4.score_dn4_interview),
        Instrument("slanss", lanss.score_slanss),
        Instrument("lanss", lanss.score_lanss),
        Instrument("mnsi", mnsi.score_mnsi),
        Instrument("mnsi_exam", mnsi.score_mnsi_exam),
        Instrument("acr2016", acr2016.score_acr2016),
        Instrument("ichd3", ichd3.score_ichd3),
        Instrument("midas", midas.score_midas),
        Instrument("hit6", hit6.score_hit6),
        Instrument("rmdq", rmdq.score_rmdq),
        Instrument("start_back", start_back.score_start_back),
    )
}


def instrument(instrument_id: str, field: str | None = None) -> Instrument:
    """The registered instrument; `InputError` naming the allowed ids when there is none."""
    found = INSTRUMENTS.get(instrument_id.strip().lower())  # `DN4` is `dn4`
    if found is None:
        raise InputError.single(
            field or "instrument", instrument_id, "one of " + ", ".join(INSTRUMENTS)
        )
    return found


def score(
    instrument_id: str, answers: Mapping[str, Any], *, field_prefix: str = ""
) -> InstrumentResult:
    """Score one instrument's answers (item id -> answer); `InputError` on any bad answer."""
    return instrument(instrument_id).scorer(answers, field_prefix=field_prefix)


def score_profile_instruments(
    answers_by_instrument: Mapping[str, Mapping[str, Any]], *, field_prefix: str = "instruments."
) -> tuple[InstrumentResult, ...]:
    """Score every instrument of a profile's `instruments:` section, in registry order.

    Problems from all instruments are collected and raised together as one `InputError`, with
    fields such as `instruments.dn4.q3`.
    """
    problems: list[Problem] = []
    for name in answers_by_instrument:
        if name not in INSTRUMENTS:
            problems.append(
                Problem(
                    f"{field_prefix}{name}",
                    name,
                    "unknown instrument; one of " + ", ".join(INSTRUMENTS),
                )
            )
    results: list[InstrumentResult] = []
    for name, definition in INSTRUMENTS.items():
        if name not in answers_by_instrument:
            continue
        try:
            results.append(
                definition.scorer(answers_by_instrument[name], field_prefix=field_prefix)
            )
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return tuple(results)


def omitted() -> list[InstrumentLicence]:
    """Instruments deliberately left out (painDETECT, BPI), with the reason, for listings and docs."""
    return [
        entry
        for entry in load().of_kind("instrument_licence", InstrumentLicence)
        if entry.status == "omitted"
    ]
