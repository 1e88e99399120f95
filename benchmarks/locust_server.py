"""Locust users for `bench_server.py`: people signed in to a multi-user server opening Today,
clinicians signed in opening their patient list, and a baseline user
fetching the stylesheet. Each user carries the session cookie of an account that `bench_server.py`
signed in through /login beforehand (B12PAIN_BENCH_PEOPLE / B12PAIN_BENCH_CLINICIANS hold
`username=token` pairs, sent as the Cookie header), so the run measures pages, not logins. The
users are locust's FastHttpUser (geventhttpclient): the load generator takes less of the two
cores the server shares with it. A page that does not answer 200 itself (a redirect to /login
would mean the session was not accepted) counts as a failure. Run by `bench_server.py`, not by
pytest."""

from __future__ import annotations

import itertools
import os
import threading

from locust import FastHttpUser, between, task

COOKIE = os.environ.get("B12PAIN_BENCH_COOKIE", "b12pain-session")
_lock = threading.Lock()
_people = itertools.cycle(os.environ.get("B12PAIN_BENCH_PEOPLE", "").split(","))
_clinicians = itertools.cycle(os.environ.get("B12PAIN_BENCH_CLINICIANS", "").split(","))


def _page(user: FastHttpUser, path: str, name: str) -> None:
    """GET `path` as the signed-in user; anything but 200 (no redirect followed) fails."""
    with user.client.get(
        path, name=name, headers=user.signed_in, allow_redirects=False, catch_response=True
    ) as answer:
        if answer.status_code != 200:
            answer.failure(f"{path}: {answer.status_code}")


def _cookie(sessions: itertools.cycle[str]) -> dict[str, str]:
    """The Cookie header of the next signed-in account."""
    with _lock:
        _, token = next(sessions).split("=", 1)
    return {"Cookie": f"{COOKIE}={token}"}


class Person(FastHttpUser):
    """A person with a dense year: Today, and now and then the stylesheet (the baseline)."""

    fixed_count = int(os.environ.get("B12PAIN_BENCH_PERSON_USERS", "50"))
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.signed_in = _cookie(_people)

    @task(4)
    def today(self) -> None:
        _page(self, "/", "Today (person)")

    @task(1)
    def baseline(self) -> None:
        _page(self, "/static/app.css", "baseline: static stylesheet")


class Clinician(FastHttpUser):
    """A clinician whose patients share with them: the patient list, red flags first."""

    fixed_count = int(os.environ.get("B12PAIN_BENCH_CLINICIAN_USERS", "5"))
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.signed_in = _cookie(_clinicians)

    @task
    def patients(self) -> None:
        _page(self, "/clinic", "Patient list (clinician)")
