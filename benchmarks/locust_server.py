"""Locust users for `bench_server.py`: people signed in to a multi-user server opening Today
(and now and then Diary), clinicians signed in opening their patient list, and a baseline user
fetching the stylesheet. Each user carries the session cookie of an account that `bench_server.py`
signed in through /login beforehand (B12PAIN_BENCH_PEOPLE / B12PAIN_BENCH_CLINICIANS hold
`username=token` pairs), so the run measures pages, not logins. Run by `bench_server.py`, not by
pytest."""

from __future__ import annotations

import itertools
import os
import threading

from locust import HttpUser, between, task

COOKIE = os.environ.get("B12PAIN_BENCH_COOKIE", "b12pain-session")
_lock = threading.Lock()
_people = itertools.cycle(os.environ.get("B12PAIN_BENCH_PEOPLE", "").split(","))
_clinicians = itertools.cycle(os.environ.get("B12PAIN_BENCH_CLINICIANS", "").split(","))


def _signed_in(user: HttpUser, sessions: itertools.cycle[str]) -> None:
    with _lock:
        _, token = next(sessions).split("=", 1)
    user.client.cookies.set(COOKIE, token)


class Person(HttpUser):
    """A person with a dense year: mostly Today, sometimes the Diary."""

    fixed_count = int(os.environ.get("B12PAIN_BENCH_PERSON_USERS", "50"))
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        _signed_in(self, _people)

    @task(4)
    def today(self) -> None:
        self.client.get("/", name="Today (person)")

    @task(1)
    def baseline(self) -> None:
        self.client.get("/static/app.css", name="baseline: static stylesheet")


class Clinician(HttpUser):
    """A clinician whose patients share with them: the patient list, red flags first."""

    fixed_count = int(os.environ.get("B12PAIN_BENCH_CLINICIAN_USERS", "5"))
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        _signed_in(self, _clinicians)

    @task
    def patients(self) -> None:
        self.client.get("/clinic", name="Patient list (clinician)")
