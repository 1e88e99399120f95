"""A Spark standalone cluster on this machine (one master, N workers), for tests, benchmarks
and for trying `--engine spark --spark-master spark://…` without a real cluster.

It uses the `spark-class` launcher bundled with PySpark (`org.apache.spark.deploy.master.Master`
and `…worker.Worker`), listens on the loopback address only, keeps its logs and work files in
a temporary folder, and stops the processes it started when the `with` block ends.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def spark_home() -> Path:
    """The Spark distribution bundled with PySpark."""
    import pyspark

    return Path(pyspark.__file__).parent


@dataclass
class StandaloneCluster:
    """A running cluster: its master URL, its processes and where their logs are."""

    master_url: str
    web_url: str
    folder: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def alive_workers(self) -> int:
        """How many workers the master lists as alive (0 when it does not answer yet)."""
        try:
            with urllib.request.urlopen(f"{self.web_url}/json/", timeout=2) as response:
                state = json.loads(response.read())
        except (OSError, ValueError):
            return 0
        return int(state.get("aliveworkers", 0))

    def stop(self) -> None:
        """Stop the workers, then the master (only the processes this cluster started)."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _launch(
    folder: Path, name: str, args: list[str], env: dict[str, str]
) -> subprocess.Popen[bytes]:
    log = (folder / f"{name}.log").open("wb")
    launcher = spark_home() / "bin" / "spark-class"
    return subprocess.Popen(
        [str(launcher), *args], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder
    )


@contextmanager
def standalone_cluster(
    workers: int = 2, cores: int = 1, memory: str = "1g", timeout: float = 120.0
) -> Iterator[StandaloneCluster]:
    """Start a master and `workers` workers (each `cores` cores, `memory`), wait until every
    worker has registered, yield the cluster, and stop it on exit."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise RuntimeError("a Spark standalone cluster needs a Java runtime")
    folder = Path(tempfile.mkdtemp(prefix="b12pain-spark-"))
    env = {
        **os.environ,
        "SPARK_HOME": str(spark_home()),
        "SPARK_LOCAL_IP": LOOPBACK,
        "SPARK_LOG_DIR": str(folder),
        "SPARK_WORKER_DIR": str(folder / "work"),
        "SPARK_NO_DAEMONIZE": "1",
    }
    port, web = _free_port(), _free_port()
    cluster = StandaloneCluster(f"spark://{LOOPBACK}:{port}", f"http://{LOOPBACK}:{web}", folder)
    try:
        master = [
            "org.apache.spark.deploy.master.Master",
            "--host", LOOPBACK, "--port", str(port), "--webui-port", str(web),
        ]  # fmt: skip
        cluster.processes.append(_launch(folder, "master", master, env))
        for number in range(workers):
            worker = [
                "org.apache.spark.deploy.worker.Worker",
                "--host", LOOPBACK, "--cores", str(cores), "--memory", memory,
                "--webui-port", str(_free_port()), "--work-dir", str(folder / f"work-{number}"),
                cluster.master_url,
            ]  # fmt: skip
            cluster.processes.append(_launch(folder, f"worker-{number}", worker, env))
        deadline = time.monotonic() + timeout
        while cluster.alive_workers() < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in cluster.processes):
                logs = "\n".join(
                    p.read_text(errors="replace")[-2000:] for p in folder.glob("*.log")
                )
                raise RuntimeError(f"the Spark standalone cluster did not start:\n{logs}")
            time.sleep(0.5)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
