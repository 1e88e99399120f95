"""Locust users for `bench_web.py`: a person moving between Today, Diary and Insights, and a
baseline user fetching the stylesheet (a static file: the cost of the server and the network
path alone). Run by `bench_web.py`, not by pytest."""

from __future__ import annotations

from locust import HttpUser, between, task


class Person(HttpUser):
    """Opens the three busiest pages, with a person's pause between clicks."""

    wait_time = between(0.5, 1.5)

    @task(3)
    def today(self) -> None:
        self.client.get("/", name="Today")

    @task(2)
    def diary(self) -> None:
        self.client.get("/diary", name="Diary")

    @task(2)
    def insights(self) -> None:
        self.client.get("/insights", name="Insights")

    @task(1)
    def baseline(self) -> None:
        self.client.get("/static/app.css", name="baseline: static stylesheet")
