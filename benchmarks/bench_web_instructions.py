"""Instructions per web request, counted by valgrind's callgrind (independent of machine load).

    .venv/bin/python benchmarks/bench_web_instructions.py [--requests 20] [PAGE ...]

For each page (default: the static stylesheet, Today, Diary, Insights, and Insights with its
kept view forgotten before each request), a fresh process builds the in-process app over one
dense year under `valgrind --tool=callgrind --instr-atstart=no`, warms it, and only then is
instrumentation switched on (`callgrind_control -i on`) for `--requests` requests to that page.
Prints instructions per request and the ratio to the static file. Results: docs/benchmarks.md
("Web app under load", #16). Slow (minutes per page); not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = {
    "static": "/static/app.css",
    "today": "/",
    "diary": "/diary",
    "insights": "/insights",
    "insights-recomputed": "/insights",
}


def target(page: str, requests: int, signals: Path) -> None:
    """Run inside valgrind: build and warm the app, wait for "go", make the requests."""
    sys.path.insert(0, str(HERE))
    from bench_web import fill_dense_year
    from fastapi.testclient import TestClient

    from b12pain.service.insights import forget_kept_views
    from b12pain.web import Settings, create_app

    with tempfile.TemporaryDirectory() as folder:
        fill_dense_year(Path(folder))
        with TestClient(create_app(Settings(data_dir=Path(folder)))) as client:
            for path in ("/", "/diary", "/insights", PAGES[page]):
                client.get(path)
            (signals / "ready").touch()
            while not (signals / "go").exists():
                time.sleep(0.05)
            for _ in range(requests):
                if page == "insights-recomputed":
                    forget_kept_views()
                assert client.get(PAGES[page]).status_code == 200
            (signals / "done").touch()
            while not (signals / "end").exists():
                time.sleep(0.05)


def _wait_for(path: Path, process: subprocess.Popen[bytes]) -> None:
    while not path.exists():
        if process.poll() is not None:
            raise RuntimeError(f"the measured process stopped before {path.name}")
        time.sleep(0.5)


def count(page: str, requests: int) -> int:
    """Instructions executed while making `requests` requests to `page`."""
    with tempfile.TemporaryDirectory() as folder:
        signals, out = Path(folder), Path(folder) / "callgrind.out"
        process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
             sys.executable, __file__, "--target", page, "--requests", str(requests),
             "--signals", str(signals)],
            env={**os.environ, "PYTHONHASHSEED": "0"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(signals / "ready", process)
        subprocess.run(["callgrind_control", "-i", "on", str(process.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        (signals / "go").touch()
        _wait_for(signals / "done", process)
        subprocess.run(["callgrind_control", "-i", "off", str(process.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        (signals / "end").touch()
        process.wait()
        for line in out.read_text(encoding="utf-8").splitlines():
            if line.startswith("totals:"):  # what was collected while instrumentation was on
                return int(line.split()[1])
    raise RuntimeError("callgrind wrote no totals")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help=f"some of: {', '.join(PAGES)} (default: all)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--signals", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.target:
        target(args.target, args.requests, args.signals)
        return
    unknown = [page for page in args.pages if page not in PAGES]
    if unknown:
        parser.error(f"unknown page {unknown[0]!r}; one of {', '.join(PAGES)}")
    pages = args.pages or list(PAGES)
    counts = {page: count(page, args.requests) / args.requests for page in pages}
    base = counts.get("static")
    print("| request | instructions per request | vs static file |")
    print("|---|---|---|")
    for page, per_request in counts.items():
        ratio = f"{per_request / base:.1f}x" if base else "-"
        print(f"| {page} | {per_request / 1e6:.1f} M | {ratio} |")


if __name__ == "__main__":
    main()
