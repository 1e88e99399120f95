"""Web app under load: one dense year of data, Today, Diary and Insights at 50 concurrent users
on loopback (locust), p95 per page, errors, and the server's peak memory.

    .venv/bin/python benchmarks/bench_web.py [--users 50] [--seconds 60]

A real `b12pain serve` (uvicorn, one process) runs over a journal holding the dense year of
`bench_journal.dense_year` (~4,000 entries); locust runs headless in its own process with
`locust_web.py` (each user pauses 0.5-1.5 s between pages, like a person). The baseline, measured
in the same run, is the static stylesheet: its p95 is what the server and loopback cost without
any page work, and each page's p95 is reported as a ratio to it. The server's own CPU time per request (user + system, from psutil) is printed too:
unlike latency, it does not depend on what else the machine is doing. Results go in
docs/benchmarks.md ("Web app"). Not a test: no timing is asserted anywhere.

`make bench` also runs `test_today_page_in_process` (pytest-benchmark), the Today page rendered
in-process over the same dense year.

    .venv/bin/python benchmarks/bench_web.py --in-process [--rounds 5]

measures instead the CPU time of one request to each page in-process (TestClient, one thread),
the pages alternated round by round so a busy machine slows them alike; "Insights, recomputed"
forgets the kept Insights views before each request: the cost before they were kept, and the
cost of the first visit after each change to the journal.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PAGES = ("Today", "Diary", "Insights")
BASELINE = "baseline: static stylesheet"


def fill_dense_year(data_dir: Path) -> int:
    """Write one dense year ending today into the journal in `data_dir` (so Today lists this
    week's pain and the Diary two full weeks); returns how many entries."""
    from bench_journal import dense_year

    from b12pain.journal import Journal

    with Journal.open(data_dir=data_dir) as journal:
        return journal.add_many(dense_year(until=dt.date.today()))


def run_locust(
    locustfile: Path,
    users: int,
    seconds: int,
    port: int,
    prefix: Path,
    env: dict[str, str] | None = None,
) -> None:
    """Run locust headless in its own process: `users` users started at once against the server
    on `port` for `seconds`; its statistics go to `prefix`_stats.csv."""
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless",
         "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--only-summary",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix)],
        check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data_dir)}
    env.pop("B12PAIN_DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from b12pain.cli.main import run; run()",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/learn", timeout=2)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("b12pain serve did not start")


class PeakMemory(threading.Thread):
    """Samples the resident memory of a process and its children (worker processes) every 0.2 s
    and keeps the peak of their sum."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                family = (self.process, *self.process.children(recursive=True))
                self.peak = max(self.peak, sum(p.memory_info().rss for p in family))
            except Exception:  # the process ended
                return
            time.sleep(0.2)


def run(users: int = 50, seconds: int = 60) -> dict[str, Any]:
    """Fill, serve, load, and return p50/p95/max per page, failures and peak memory."""
    with tempfile.TemporaryDirectory(prefix="b12pain-bench-web-") as folder:
        data = Path(folder) / "data"
        entries = fill_dense_year(data)
        port = _free_port()
        server = _serve(data, port)
        memory = PeakMemory(server.pid)
        memory.start()
        try:
            for path in ("/", "/diary", "/insights"):  # warm: knowledge, charts, SQLite cache
                httpx.get(f"http://127.0.0.1:{port}{path}", timeout=60)
            idle = memory.process.memory_info().rss
            cpu_before = sum(memory.process.cpu_times()[:2])
            prefix = Path(folder) / "locust"
            run_locust(HERE / "locust_web.py", users, seconds, port, prefix)
            cpu_used = sum(memory.process.cpu_times()[:2]) - cpu_before
            with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
                rows = {row["Name"]: row for row in csv.DictReader(stats)}
        finally:
            memory.stopped.set()
            server.terminate()
            server.wait(timeout=30)
    result: dict[str, Any] = {
        "entries": entries,
        "users": users,
        "seconds": seconds,
        "peak_rss_mib": memory.peak / 2**20,
        "idle_rss_mib": idle / 2**20,
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


def test_today_page_in_process(benchmark: Any, tmp_path: Path) -> None:
    """pytest-benchmark entry: the Today page rendered in-process over one dense year."""
    from fastapi.testclient import TestClient

    from b12pain.web import Settings, create_app

    fill_dense_year(tmp_path)
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        client.get("/")
        response = benchmark(client.get, "/")
    assert response.status_code == 200


#: In-process measurements: (name, path, forget every kept view before each request).
IN_PROCESS = (
    ("Today", "/", False),
    ("Today, recomputed", "/", True),
    ("Diary", "/diary", False),
    ("Diary, recomputed", "/diary", True),
    ("Insights", "/insights", False),
    ("Insights, recomputed", "/insights", True),
    ("baseline: static stylesheet", "/static/app.css", False),
)


def in_process(rounds: int = 5, per_round: int = 20) -> dict[str, list[float]]:
    """CPU milliseconds per request of each page, in-process over one dense year, per round."""
    from fastapi.testclient import TestClient

    from b12pain.service import diary, insights, today
    from b12pain.web import Settings, create_app

    def forget_kept_views() -> None:
        """What a page kept is forgotten: the cost of its first view after a change."""
        today.forget_kept_views()
        diary.forget_kept_days()
        insights.forget_kept_views()

    with tempfile.TemporaryDirectory(prefix="b12pain-bench-web-") as folder:
        data = Path(folder) / "data"
        fill_dense_year(data)
        with TestClient(create_app(Settings(data_dir=data))) as client:
            for _, path, _ in IN_PROCESS:
                assert client.get(path).status_code == 200  # warm
            found: dict[str, list[float]] = {name: [] for name, _, _ in IN_PROCESS}
            for _ in range(rounds):
                for name, path, forget in IN_PROCESS:
                    start = time.process_time()
                    for _ in range(per_round):
                        if forget:
                            forget_kept_views()
                        client.get(path)
                    found[name].append(1000 * (time.process_time() - start) / per_round)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--in-process", action="store_true", help="CPU per request, in-process")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.in_process:
        import statistics

        print(
            f"CPU ms per request, in-process, {args.rounds} alternated rounds "
            f"(load average {os.getloadavg()[0]:.2f})"
        )
        for name, values in in_process(args.rounds).items():
            print(
                f"| {name} | {statistics.median(values):.1f} | {min(values):.1f}-{max(values):.1f} |"
            )
        return
    result = run(args.users, args.seconds)
    print(
        f"{result['entries']} entries, {result['users']} users, {result['seconds']} s; "
        f"server memory idle {result['idle_rss_mib']:.0f} MiB, peak {result['peak_rss_mib']:.0f} MiB; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    total = result["Aggregated"]["requests"]
    print(
        f"server CPU {result['server_cpu_s']:.1f} s for {total} requests = "
        f"{1000 * result['server_cpu_s'] / total:.1f} ms of CPU per request "
        f"({total / result['seconds']:.0f} requests/s offered)"
    )
    print("| page | requests | failures | p50 ms | p95 ms | max ms | p95 vs baseline |")
    print("|---|---|---|---|---|---|---|")
    for name in (*PAGES, BASELINE, "Aggregated"):
        r = result[name]
        print(
            f"| {name} | {r['requests']} | {r['failures']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
            f"{r['max_ms']:.0f} | {r['p95_vs_baseline']:.1f}x |"
        )


if __name__ == "__main__":
    main()
