"""The guided self-check: questions in the terminal that build a CONTRACT.md profile.

The questions, their order and the red-flag check come from `service.selfcheck` (shared with
the web self-check): red-flag questions first (they decide urgency before anything else), then
the person, medicines, conditions, symptoms, pain and any blood tests. After every answer the red
flags raised so far are worked out; a new one is shown at once, in plain words, and the person
chooses to continue or stop (clinical-spec §J.13). The answers are a plain profile dict, so the
same `parse_profile` + `assess` path runs as for a file.

`ask` is injected (a function from prompt text to the typed answer) so the flow is testable
without a terminal. Typing `b` goes back one question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from b12pain.clinical.result import RedFlag
from b12pain.days import check_day
from b12pain.knowledge import KnowledgeBase
from b12pain.presentation.assessment import red_flag_text
from b12pain.service.quantities import DURATION_EXAMPLES, duration_code, split_unit
from b12pain.service.selfcheck import (
    RED_FLAG_ANSWERS,
    Question,
    QuestionOptions,
    answers_to_profile,
    options_from_knowledge,
    red_flag_questions,
    red_flags_so_far,
)

__all__ = ["GuidedCheck", "QuestionOptions", "options_from_knowledge", "to_profile_dict"]

Ask = Callable[[str], str]
Say = Callable[[str], None]


class GoBack(Exception):
    """The person typed `b`: return to the previous question."""


class StopCheck(Exception):
    """The person chose to stop after a red flag was shown."""


@dataclass
class GuidedCheck:
    """Asks the questions and collects a profile dict; `titles` maps ids to readable names.

    With `kb`, the red flags raised so far are checked after every step and shown at once; the
    person may then stop (`stopped` is True and `run` returns the answers given so far).
    """

    ask: Ask
    say: Say
    options: QuestionOptions
    titles: dict[str, str] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)
    #: The assessment day: a test date after it is asked again.
    today: dt.date = field(default_factory=dt.date.today)
    kb: KnowledgeBase | None = None
    #: True when the person stopped after a red flag.
    stopped: bool = False
    #: Red flags already shown (each is shown once).
    shown: list[RedFlag] = field(default_factory=list)

    def title(self, item_id: str) -> str:
        """A readable name for an id (from knowledge when known)."""
        return self.titles.get(item_id) or item_id.replace("_", " ")

    def run(self) -> dict[str, Any]:
        """Ask every step in order, allowing one step back at a time; return the profile dict.

        After each step, any new red flag is shown before the next question.
        """
        steps: list[Callable[[], None]] = [
            *(self._red_flag_step(q, first=i == 0) for i, q in enumerate(self._red_questions())),
            self._about_you,
            self._pregnancy,
            self._diet,
            self._medicines,
            self._conditions,
            self._nitrous_oxide,
            self._symptoms,
            self._pain,
            self._labs,
        ]
        index = 0
        while index < len(steps):
            try:
                steps[index]()
                self._show_new_red_flags()
                index += 1
            except GoBack:
                index = max(0, index - 1)
            except StopCheck:
                self.stopped = True
                break
        return self.profile

    def _red_questions(self) -> tuple[Question, ...]:
        if self.kb is not None:
            return red_flag_questions(self.kb)
        return (
            Question(
                "red_flags.all",
                "Do you have any of these now?",
                "many",
                self.options.red_flags,
                True,
            ),
        )

    def _red_flag_step(self, question: Question, first: bool) -> Callable[[], None]:
        def step() -> None:
            if first:
                self.say("\nFirst, anything that needs urgent care: do you have any of these now?")
            picked = self.choose_many(question.text, question.choices)
            self.profile[question.id] = picked
            groups = [k for k in self.profile if k.startswith("red_flags.")]
            self.profile[RED_FLAG_ANSWERS] = [f for k in groups for f in self.profile[k]]

        return step

    def _show_new_red_flags(self) -> None:
        """Show each red flag the answers raise for the first time; ask to continue or stop."""
        if self.kb is None:
            return
        answers = {k: v for k, v in self.profile.items() if not k.startswith("red_flags.")}
        new = [f for f in red_flags_so_far(self.kb, answers) if f not in self.shown]
        if not new:
            return
        for flag in new:
            self.shown.append(flag)
            self.say(f"\nRED FLAG — {flag.urgency.upper()}: {flag.title}")
            self.say(red_flag_text(flag))
        while True:
            reply = self.ask("Continue the check (c) or stop here (s)? [C/s]").strip().lower()
            if reply in {"", "c", "continue"}:
                return
            if reply in {"s", "stop"}:
                raise StopCheck
            self.say("Please answer c to continue or s to stop.")

    # -- answer helpers -------------------------------------------------------------------------
    def _answer(self, prompt: str) -> str:
        reply = self.ask(prompt).strip()
        if reply.lower() in {"b", "back"}:
            raise GoBack
        return reply

    def choose_many(self, question: str, options: tuple[str, ...]) -> list[str]:
        """Numbered list; answer like `1,3` (or empty for none). Re-asks until valid."""
        self.say(question)
        for number, option in enumerate(options, start=1):
            self.say(f"  {number:>2}. {self.title(option)}")
        while True:
            reply = self._answer("Numbers separated by commas, empty for none (b = back)")
            if not reply:
                return []
            try:
                picked = [int(part) for part in reply.replace(" ", ",").split(",") if part]
            except ValueError:
                self.say(f"Please type numbers between 1 and {len(options)}, like 1,3.")
                continue
            if all(1 <= p <= len(options) for p in picked):
                return [options[p - 1] for p in dict.fromkeys(picked)]
            self.say(f"Please use numbers between 1 and {len(options)}.")

    def choose_one(self, question: str, options: tuple[str, ...], default: str) -> str:
        """Numbered list; answer one number, or empty for the default."""
        self.say(question)
        for number, option in enumerate(options, start=1):
            self.say(f"  {number:>2}. {self.title(option)}")
        while True:
            reply = self._answer(f"Number (empty = {self.title(default)})")
            if not reply:
                return default
            if reply.isdigit() and 1 <= int(reply) <= len(options):
                return options[int(reply) - 1]
            self.say(f"Please type a number between 1 and {len(options)}.")

    def yes_no(self, question: str, default: bool = False) -> bool:
        """A yes/no question; empty gives the default."""
        while True:
            reply = self._answer(f"{question} [{'Y/n' if default else 'y/N'}]").lower()
            if not reply:
                return default
            if reply in {"y", "yes"}:
                return True
            if reply in {"n", "no"}:
                return False
            self.say("Please answer y or n.")

    def number(self, question: str, low: float, high: float, integer: bool = False) -> float | None:
        """A number within [low, high]; empty gives None."""
        while True:
            reply = self._answer(question)
            if not reply:
                return None
            try:
                value = int(reply) if integer else float(reply)
            except ValueError:
                self.say(
                    f"Please type a {'whole ' if integer else ''}number from {low:g} to {high:g}."
                )
                continue
            if low <= value <= high:
                return value
            self.say(f"Please type a number from {low:g} to {high:g}.")

    # -- steps ----------------------------------------------------------------------------------
    def _about_you(self) -> None:
        age = None
        while age is None:
            age = self.number("Your age in years (0–120)", 0, 120, integer=True)
        self.profile["age"] = int(age)
        self.profile["sex"] = self.choose_one(
            "Sex:", ("female", "male", "intersex", "unspecified"), "unspecified"
        )

    def _pregnancy(self) -> None:
        self.profile["pregnant"] = False
        self.profile["breastfeeding"] = False
        if (
            self.profile.get("sex") in {"female", "intersex", "unspecified"}
            and 12 <= self.profile["age"] <= 60
        ):
            self.profile["pregnant"] = self.yes_no("Are you pregnant?")
            self.profile["breastfeeding"] = self.yes_no("Are you breastfeeding?")

    def _diet(self) -> None:
        self.profile["diet"] = self.choose_one(
            "Which best describes how you eat?", self.options.diets, "omnivore"
        )

    def _medicines(self) -> None:
        picked = self.choose_many("Do you take any of these medicines?", self.options.medicines)
        medications = []
        for name in picked:
            while True:
                duration = self._answer(
                    f"For how long have you taken {self.title(name)}? "
                    "(e.g. 6 years, 18 months, 10 weeks; empty if unsure)"
                )
                if not duration:
                    break
                try:
                    duration = duration_code(duration)
                    break
                except ValueError:
                    self.say(f"Please answer like {DURATION_EXAMPLES}.")
            medications.append({"name": name, **({"duration": duration} if duration else {})})
        self.profile["medications"] = medications

    def _conditions(self) -> None:
        self.profile["conditions"] = self.choose_many(
            "Have you been told you have any of these?", self.options.conditions
        )

    def _nitrous_oxide(self) -> None:
        used = self.yes_no("Have you used nitrous oxide ('laughing gas', 'nos') recreationally?")
        medical = not used and self.yes_no(
            "In the last few weeks, have you had nitrous oxide ('gas and air') for a procedure "
            "or in labour?"
        )
        self.profile["nitrous_oxide"] = (
            "recreational" if used else "medical_recent" if medical else "none"
        )

    def _symptoms(self) -> None:
        nerve = self.choose_many("Nerve symptoms — any of these?", self.options.nerve_symptoms)
        general = self.choose_many(
            "Other signs of low B12 — any of these?", self.options.general_symptoms
        )
        self.profile["symptoms"] = nerve + general

    def _pain(self) -> None:
        types = self.choose_many("Which kinds of pain do you have?", self.options.pain_types)
        nrs = self.number(
            "Pain right now, 0 (none) to 10 (worst imaginable); empty to skip", 0, 10, integer=True
        )
        self.profile["pain"] = {"types": types, **({"nrs": int(nrs)} if nrs is not None else {})}

    def _labs(self) -> None:
        labs: list[dict[str, Any]] = []
        while self.yes_no(
            "Do you have a blood test result to add?" if not labs else "Add another result?"
        ):
            test = self.choose_one("Which test?", self.options.lab_tests, "total_b12")
            value, unit = self._lab_value(test)
            date = self._lab_date()
            labs.append(
                {"test": test, "value": value, "unit": unit, **({"date": date} if date else {})}
            )
        self.profile["labs"] = labs

    def _lab_date(self) -> str:
        """The test's date as YYYY-MM-DD, not after `today`; empty when unsure. Re-asks."""
        while True:
            reply = self._answer("The date of the test (YYYY-MM-DD; empty if unsure)")
            if not reply:
                return ""
            try:
                day = check_day(dt.date.fromisoformat(reply))
            except ValueError:
                self.say("Please type the date as YYYY-MM-DD, e.g. 2026-03-14 (1900 to 2100).")
                continue
            if day <= self.today:
                return day.isoformat()
            self.say(f"That is after today ({self.today.isoformat()}); please check the date.")

    def _lab_value(self, test: str) -> tuple[float, str]:
        """The value as printed, with its unit after it ("250 ng/L") or asked next. A unit that
        is not one of the test's is refused, naming the units allowed. Re-asks."""
        from b12pain.clinical.profile import ALLOWED_UNITS, canonical_unit

        allowed = ", ".join(ALLOWED_UNITS[test])
        while True:
            reply = self._answer(
                f"The value, as printed on the report (e.g. 250 or 250 {ALLOWED_UNITS[test][0]})"
            )
            try:
                value, typed_unit = split_unit(reply)
            except ValueError:
                self.say("Please type the number from the report, with its unit if you like.")
                continue
            if not 0 < value <= 1_000_000:
                self.say("Please type a number above 0, as printed on the report.")
                continue
            if typed_unit is None:
                return value, self._lab_unit(test)
            unit = canonical_unit(test, typed_unit)
            if unit is not None:
                return value, unit
            self.say(f"For {self.title(test)} the unit must be one of {allowed}.")

    def _lab_unit(self, test: str) -> str:
        from b12pain.clinical.profile import ALLOWED_UNITS, canonical_unit

        allowed = ", ".join(ALLOWED_UNITS[test])
        while True:
            unit = canonical_unit(test, self._answer(f"The unit, as printed ({allowed})"))
            if unit is not None:
                return unit
            self.say(f"For {self.title(test)} the unit must be one of {allowed}.")


def to_profile_dict(answers: dict[str, Any]) -> dict[str, Any]:
    """The CONTRACT.md profile from the collected answers (red-flag answers become symptoms)."""
    return answers_to_profile({k: v for k, v in answers.items() if not k.startswith("red_flags.")})
