"""The clinic server under load, on PostgreSQL: 50 people signed in, each with a dense year,
opening Today, and 5 clinicians signed in (10 patients each) opening their patient list; p95 per
page, errors, the server's CPU per request and peak memory; and what one login (argon2id) costs.

    .venv/bin/python benchmarks/bench_server.py [--people 50] [--clinicians 5] [--seconds 60]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--workers N]
        [--keep | --schema NAME]

A real `b12pain serve --multi-user` (uvicorn, its default workers unless `--workers N`) runs over a private schema of the
PostgreSQL database (`B12PAIN_TEST_PG_URL`, dropped afterwards) holding one dense year per person
(`bench_journal.dense_year`, ~3,700 entries, ending today); every 7th person also ticked a red-flag
symptom yesterday, so the clinicians' lists have red flags to put first. Locust runs headless in
its own process with `locust_server.py`: each user pauses 0.5-1.5 s between pages, like a person. The baseline, measured in the same
run, is the static stylesheet. Every account is first signed in through /login (CSRF token and
all, one after another: the cost of one login over HTTP), then the locust users carry those
session cookies, so the pages are measured in the steady state; one login is also timed
in-process (`service.accounts.login`, which verifies the argon2id hash; median of 10), and the
hash's parameters are printed. Results go in
docs/benchmarks.md ("Clinic server"). Not a test: no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_web import PeakMemory, _free_port, run_locust  # noqa: E402

PASSWORD = "benchmark password, long enough"
PAGES = ("Today (person)", "Patient list (clinician)")
BASELINE = "baseline: static stylesheet"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COOKIE = "b12pain-session"


def _schema_url(base: str) -> tuple[str, str]:
    """A fresh private schema of `base` and the URL that uses it."""
    import sqlalchemy as sa

    schema = f"bench_server_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in base else "?"
    return schema, f"{base}{separator}options=-csearch_path%3D{schema}"


def _drop(base: str, schema: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def fill(url: str, people: int, clinicians: int) -> tuple[list[str], list[str], int]:
    """Accounts, one dense year per person ending today, shares; returns the usernames and the
    number of entries written."""
    import bench_journal

    from b12pain.journal import Journal
    from b12pain.knowledge import load
    from b12pain.service import accounts, diary, sharing
    from b12pain.service.context import Context

    today = dt.date.today()  # the dense year ends today, so Today has this week's pain
    now = dt.datetime.now().astimezone()
    kb = load()
    persons = [f"person{i:02d}" for i in range(people)]
    doctors = [f"dr{i:02d}" for i in range(clinicians)]
    entries = 0
    with Journal.open(url) as store:
        for name in doctors:
            accounts.add_account(
                store,
                username=name,
                display_name=f"Dr {name}",
                role="clinician",
                password=PASSWORD,
                now=now,
            )
        for i, name in enumerate(persons):
            accounts.add_account(
                store,
                username=name,
                display_name=f"Person {i}",
                role="person",
                password=PASSWORD,
                now=now,
            )
            entries += store.add_many(bench_journal.dense_year(seed=i, until=today), owner=name)
            ctx = Context(store=store, kb=kb, owner=name, now=now, today=now.date())
            if i % 7 == 0:
                diary.log_symptoms(
                    ctx,
                    diary.SymptomsInput(
                        symptoms=["saddle_numbness"], at=now - dt.timedelta(days=1)
                    ),
                )
            sharing.share(ctx, doctors[i % clinicians])
    return persons, doctors, entries


def login_cost(url: str, username: str, attempts: int = 10) -> float:
    """Median milliseconds of one successful `service.accounts.login` (argon2id verify)."""
    from b12pain.journal import Journal
    from b12pain.service import accounts

    times = []
    with Journal.open(url) as store:
        for _ in range(attempts):
            start = time.perf_counter()
            accounts.login(
                store,
                username=username,
                password=PASSWORD,
                address="127.0.0.1",
                now=dt.datetime.now().astimezone(),
            )
            times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def sign_in_all(address: str, usernames: list[str]) -> tuple[dict[str, str], list[float]]:
    """Sign each account in through /login (CSRF token and all), one after another, and open
    the page the login leads to (a person's Today, a clinician's patient list) as a browser
    would; their session tokens, and each login's round trip in ms (argon2id verify included,
    the page after it not)."""
    import re

    tokens, times = {}, []
    for username in usernames:
        with httpx.Client(base_url=address) as client:
            form = client.get("/login")
            found = re.search(r'name="csrftoken" value="([^"]+)"', form.text)
            assert found, "no CSRF token on /login"
            start = time.perf_counter()
            answer = client.post(
                "/login",
                data={"username": username, "password": PASSWORD, "csrftoken": found.group(1)},
            )
            times.append(1000 * (time.perf_counter() - start))
            assert answer.status_code == 303, f"login of {username}: {answer.status_code}"
            home = client.get(answer.headers["location"])
            assert home.status_code == 200, f"home of {username}: {home.status_code}"
            tokens[username] = client.cookies[COOKIE]
    return tokens, times


def in_process(url: str, person: str, clinician: str, rounds: int = 60) -> dict[str, Any]:
    """Each page requested `rounds` times one after another in this process (TestClient, no
    other load from this script), alternating pages so the machine's mood hits all alike:
    p50/p95 ms of Today, the patient list and the static stylesheet (the baseline)."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from fastapi.testclient import TestClient

    from serverkit import server_app, signed_in

    app = server_app(url)
    times: dict[str, list[float]] = {
        "Today (person)": [],
        "Patient list (clinician)": [],
        BASELINE: [],
    }
    with TestClient(app) as people, TestClient(app) as doctors:
        signed_in(people, person, PASSWORD)
        signed_in(doctors, clinician, PASSWORD)
        paths = [
            ("Today (person)", people, "/"),
            ("Patient list (clinician)", doctors, "/clinic"),
            (BASELINE, people, "/static/app.css"),
        ]
        for _, client, path in paths:  # warm
            client.get(path)
        for _ in range(rounds):
            for name, client, path in paths:
                start = time.perf_counter()
                assert client.get(path).status_code == 200
                times[name].append(1000 * (time.perf_counter() - start))
    return {
        name: {"p50_ms": statistics.median(v), "p95_ms": statistics.quantiles(v, n=20)[-1]}
        for name, v in times.items()
    }


def _serve(url: str, port: int, folder: Path, workers: int | None) -> subprocess.Popen[bytes]:
    address = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "B12PAIN_DATABASE_URL": url,
        "B12PAIN_DATA_DIR": str(folder),
        "B12PAIN_SECRET_KEY": "bench-" + "s" * 48,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from b12pain.cli.main import run; run()",
            "serve",
            "--multi-user",
            "--port",
            str(port),
            "--public-url",
            address,
            "--insecure-dev",
            *(["--workers", str(workers)] if workers is not None else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(600):
        try:
            httpx.get(address + "/login", timeout=2)
            return process
        except httpx.TransportError:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else "stopped"
                raise RuntimeError(err) from None
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("b12pain serve --multi-user did not start")


def _cpu_seconds(process: Any) -> float:
    """User + system CPU of the server and its worker processes (`--workers`)."""
    total = 0.0
    for each in (process, *process.children(recursive=True)):
        try:
            total += sum(each.cpu_times()[:2])
        except Exception:  # a worker that just ended
            continue
    return total


def _filled(url: str) -> tuple[list[str], list[str], int]:
    """The accounts and entry count of a schema filled by an earlier run (`--keep`)."""
    import sqlalchemy as sa

    from b12pain.journal import Journal
    from b12pain.journal import tables as t

    with Journal.open(url) as store, store.engine.connect() as conn:
        accounts = conn.execute(sa.select(t.AccountRow.username, t.AccountRow.role)).all()
        entries = conn.execute(sa.select(sa.func.count()).select_from(t.EntryRow)).scalar_one()
    persons = sorted(u for u, role in accounts if role == "person")
    doctors = sorted(u for u, role in accounts if role == "clinician")
    return persons, doctors, int(entries)


def run(
    base: str,
    people: int,
    clinicians: int,
    seconds: int,
    schema: str | None = None,
    keep: bool = False,
    workers: int | None = None,
) -> dict[str, Any]:
    """Fill (or reuse `schema`), serve, load; p50/p95/max per page, failures, CPU, memory and
    login cost. With `keep` the filled schema stays for the next run (its name is printed)."""
    started = time.perf_counter()
    if schema:
        separator = "&" if "?" in base else "?"
        url = f"{base}{separator}options=-csearch_path%3D{schema}"
        persons, doctors, entries = _filled(url)
    else:
        schema, url = _schema_url(base)
        try:
            persons, doctors, entries = fill(url, people, clinicians)
        except BaseException:
            _drop(base, schema)
            raise
    try:
        filled_s = time.perf_counter() - started
        login_ms = login_cost(url, persons[0])
        alone = in_process(url, persons[1], doctors[0])
        with tempfile.TemporaryDirectory(prefix="b12pain-bench-server-") as folder:
            port = _free_port()
            server = _serve(url, port, Path(folder), workers)
            memory = PeakMemory(server.pid)
            memory.start()
            try:
                address = f"http://127.0.0.1:{port}"
                tokens, login_http = sign_in_all(address, persons + doctors)
                for path in ("/", "/clinic"):  # warm: knowledge, templates, the pool
                    httpx.get(
                        address + path,
                        cookies={COOKIE: tokens[persons[0] if path == "/" else doctors[0]]},
                        timeout=60,
                    )
                cpu_before = _cpu_seconds(memory.process)
                prefix = Path(folder) / "locust"
                env = {
                    **os.environ,
                    "B12PAIN_BENCH_PASSWORD": PASSWORD,
                    "B12PAIN_BENCH_PEOPLE": ",".join(f"{u}={tokens[u]}" for u in persons),
                    "B12PAIN_BENCH_CLINICIANS": ",".join(f"{u}={tokens[u]}" for u in doctors),
                    "B12PAIN_BENCH_PERSON_USERS": str(people),
                    "B12PAIN_BENCH_CLINICIAN_USERS": str(clinicians),
                }
                users = people + clinicians
                run_locust(HERE / "locust_server.py", users, seconds, port, prefix, env)
                cpu_used = _cpu_seconds(memory.process) - cpu_before
                with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
                    rows = {row["Name"]: row for row in csv.DictReader(stats)}
            finally:
                memory.stopped.set()
                server.terminate()
                server.wait(timeout=30)
    finally:
        if not keep:
            _drop(base, schema)
    result: dict[str, Any] = {
        "schema": schema,
        "kept": keep,
        "workers": workers,
        "entries": entries,
        "people": len(persons),
        "clinicians": len(doctors),
        "seconds": seconds,
        "fill_s": filled_s,
        "login_ms": login_ms,
        "in_process": alone,
        "login_http_p50_ms": statistics.median(login_http),
        "login_http_max_ms": max(login_http),
        "peak_rss_mib": memory.peak / 2**20,
        "server_cpu_s": cpu_used,
    }
    base_p95 = float(rows[BASELINE]["95%"])
    for name in (*PAGES, BASELINE, "Aggregated"):
        row = rows[name]
        result[name] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "max_ms": float(row["Max Response Time"]),
            "p95_vs_baseline": float(row["95%"]) / base_p95 if base_p95 else float("nan"),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--clinicians", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--url", default=os.environ.get("B12PAIN_TEST_PG_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the filled schema")
    parser.add_argument("--schema", help="reuse a schema kept by an earlier run (no filling)")
    parser.add_argument(
        "--workers", type=int, default=None, help="server worker processes (default: the server's)"
    )
    args = parser.parse_args()
    r = run(
        args.url, args.people, args.clinicians, args.seconds, args.schema, args.keep, args.workers
    )
    from b12pain.cli.serve_cmds import default_workers

    if r["kept"]:
        print(f"kept schema {r['schema']} (reuse: --schema {r['schema']}; drop it when done)")
    print(
        f"{r['entries']} entries for {r['people']} people ({r['fill_s']:.0f} s to fill), "
        f"{r['clinicians']} clinicians, {r['people'] + r['clinicians']} users signed in, "
        f"{r['seconds']} s; {r['workers'] or default_workers()} server worker process(es); "
        f"server peak memory {r['peak_rss_mib']:.0f} MiB; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    total = r["Aggregated"]["requests"]
    print(
        f"server CPU {r['server_cpu_s']:.1f} s for {total} requests = "
        f"{1000 * r['server_cpu_s'] / max(total, 1):.1f} ms per request"
    )
    from b12pain.service.accounts import hash_password

    parameters = hash_password("x").split("$")[3]
    print(
        f"one login (argon2id verify, {parameters}): in-process median of 10 "
        f"{r['login_ms']:.0f} ms; over HTTP, {r['people'] + r['clinicians']} logins one after "
        f"another: median {r['login_http_p50_ms']:.0f} ms, max {r['login_http_max_ms']:.0f} ms"
    )
    print("In-process, one request at a time (60 rounds, pages alternated):")
    base = r["in_process"][BASELINE]["p95_ms"]
    for name, x in r["in_process"].items():
        print(
            f"  {name}: p50 {x['p50_ms']:.1f} ms, p95 {x['p95_ms']:.1f} ms "
            f"({x['p95_ms'] / base:.1f}x the static file)"
        )
    print("| page | requests | failures | p50 ms | p95 ms | max ms | p95 vs baseline |")
    print("|---|---|---|---|---|---|---|")
    for name in (*PAGES, BASELINE, "Aggregated"):
        x = r[name]
        print(
            f"| {name} | {x['requests']} | {x['failures']} | {x['p50_ms']:.0f} | "
            f"{x['p95_ms']:.0f} | {x['max_ms']:.0f} | {x['p95_vs_baseline']:.1f}x |"
        )


if __name__ == "__main__":
    main()
