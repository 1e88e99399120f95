"""Engines run the generated SQL: DuckDB (embedded default) and Spark (local or a cluster).

Both take the same SQL text from `cohort.sql`; the few functions that differ between the two
dialects (date arithmetic, aggregating matched codes) come from the engine's `Dialect`. Tables
are registered from Parquet files or Arrow tables, so an engine never sees anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Dialect:
    """The SQL spellings that differ between engines."""

    name: str

    def add_days(self, date_sql: str, days_sql: str) -> str:
        """`date + days` as a DATE."""
        if self.name == "spark":
            return f"date_add({date_sql}, CAST({days_sql} AS INT))"
        return f"CAST({date_sql} + CAST({days_sql} AS INTEGER) AS DATE)"

    def day_diff(self, start_sql: str, end_sql: str) -> str:
        """Whole days from `start` to `end` (end - start)."""
        if self.name == "spark":
            return f"datediff({end_sql}, {start_sql})"
        return f"datediff('day', {start_sql}, {end_sql})"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


class Engine(Protocol):
    """What screening needs from an engine."""

    name: str
    dialect: Dialect

    def register_parquet(self, name: str, paths: list[Path]) -> None:
        """Expose Parquet files as a table called `name`."""

    def register_arrow(self, name: str, table: pa.Table) -> None:
        """Expose a small Arrow table (concept items, parameters) as `name`."""

    def create_view(self, name: str, sql: str, materialize: bool = False) -> None:
        """Define `name` as the result of `sql` (kept in memory when `materialize`)."""

    def has_table(self, name: str) -> bool:
        """True when `name` has been registered."""

    def columns(self, name: str) -> list[str]:
        """The column names of a registered table."""

    def scalar(self, sql: str) -> Any:
        """The single value a query returns."""

    def to_arrow(self, sql: str) -> pa.Table:
        """The query's result as an Arrow table."""

    def close(self) -> None:
        """Release the engine's resources (not a Spark session the caller passed in)."""


class DuckDBEngine:
    """DuckDB in-process: the default; `threads` and `memory_limit` as for DuckDB itself."""

    name = "duckdb"
    dialect = DUCKDB

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb

        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute("SET memory_limit = ?", [memory_limit])
        self.con.execute("SET preserve_insertion_order = false")
        self._tables: set[str] = set()
        self._arrow: dict[str, pa.Table] = {}

    def register_parquet(self, name: str, paths: list[Path]) -> None:
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet([{files}])")
        self._tables.add(name)

    def register_arrow(self, name: str, table: pa.Table) -> None:
        self._arrow[name] = table
        self.con.register(name, table)
        self._tables.add(name)

    def create_view(self, name: str, sql: str, materialize: bool = False) -> None:
        what = "TEMP TABLE" if materialize else "VIEW"
        self.con.execute(f"CREATE OR REPLACE {what} {name} AS {sql}")
        self._tables.add(name)

    def has_table(self, name: str) -> bool:
        return name in self._tables

    def columns(self, name: str) -> list[str]:
        return list(self.con.sql(f"SELECT * FROM {name} LIMIT 0").columns)

    def scalar(self, sql: str) -> Any:
        rows = self.con.execute(sql).fetchall()
        return rows[0][0] if rows else None

    def to_arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()


def local_spark_session(master: str = "local[2]", app_name: str = "b12pain-cohort") -> Any:
    """A SparkSession for one machine: loopback only, UTC, UI off, few shuffle partitions."""
    import os

    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.ansi.enabled", "true")
    )
    on_this_machine = master.startswith("local") or any(
        f"://{host}" in master for host in ("127.0.0.1", "localhost")
    )
    if on_this_machine:  # the driver listens on loopback only (a cluster elsewhere must reach it)
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
            "spark.driver.host", "127.0.0.1"
        )
    return builder.getOrCreate()


class SparkEngine:
    """Apache Spark through PySpark: a given session, or one made for `master` (closed on `close`)."""

    name = "spark"
    dialect = SPARK

    def __init__(self, spark: Any = None, master: str = "local[2]") -> None:
        if spark is None:
            # A process has one Spark context: a session already running is used (and left
            # running on close), not silently given another master.
            from pyspark.sql import SparkSession

            active = SparkSession.getActiveSession()
            if active is not None and active.sparkContext.master != master:
                from b12pain.errors import InputError

                raise InputError.single(
                    "--spark-master",
                    master,
                    f"this process already runs a Spark session on {active.sparkContext.master}",
                )
            spark = active
        self._owned = spark is None
        self.spark = spark if spark is not None else local_spark_session(master)
        self._kept: dict[str, Any] = {}
        if self._owned:
            self.spark.sparkContext.setLogLevel("ERROR")
        self._tables: set[str] = set()

    def register_parquet(self, name: str, paths: list[Path]) -> None:
        self.spark.read.parquet(*[str(p) for p in paths]).createOrReplaceTempView(name)
        self._tables.add(name)

    def register_arrow(self, name: str, table: pa.Table) -> None:
        self.spark.createDataFrame(table).createOrReplaceTempView(name)
        self._tables.add(name)

    def create_view(self, name: str, sql: str, materialize: bool = False) -> None:
        frame = self.spark.sql(sql)
        if materialize:
            # Computed now and cut from its lineage, so later queries scan a small table.
            previous = self._kept.pop(name, None)
            if previous is not None:
                previous.unpersist()
            frame = frame.localCheckpoint(eager=True)
            self._kept[name] = frame
        frame.createOrReplaceTempView(name)
        self._tables.add(name)

    def has_table(self, name: str) -> bool:
        return name in self._tables

    def columns(self, name: str) -> list[str]:
        return list(self.spark.table(name).columns)

    def scalar(self, sql: str) -> Any:
        return self.spark.sql(sql).collect()[0][0]

    def to_arrow(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def close(self) -> None:
        for frame in self._kept.values():
            frame.unpersist()
        self._kept.clear()
        for name in self._tables:
            self.spark.catalog.dropTempView(name)
        if self._owned:
            self.spark.stop()


def java_runtime() -> str | None:
    """The `java` executable Spark would start: `$JAVA_HOME/bin/java`, else `java` on PATH."""
    import os
    import shutil

    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


def check_engine_available(name: str) -> None:
    """Refuse an engine this installation cannot run, saying what to install: DuckDB and
    PyArrow come with `b12pain[cohort]`; Spark needs `b12pain[spark]` and a Java runtime."""
    import importlib.util

    from b12pain.errors import InputError

    wanted = {"duckdb": ("duckdb", "pyarrow"), "spark": ("duckdb", "pyarrow", "pyspark")}
    if name not in wanted:
        raise InputError.single("--engine", name, "one of duckdb, spark")
    for module in wanted[name]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            extra = "spark" if module == "pyspark" else "cohort"
            raise InputError.single(
                "--engine",
                name,
                f"{module} is not installed; install b12pain[{extra}] (pip install 'b12pain[{extra}]')",
            )
    if name == "spark" and java_runtime() is None:
        raise InputError.single(
            "--engine",
            name,
            "the Spark engine needs a Java runtime (17 or 21): install one (e.g. openjdk-17-jre) "
            "and put `java` on PATH or set JAVA_HOME; or use --engine duckdb",
        )


def make_engine(name: str, spark_master: str | None = None, spark: Any = None) -> Engine:
    """The engine called `name` (`duckdb` or `spark`), after `check_engine_available`."""
    if spark is None:
        check_engine_available(name)
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(spark=spark, master=spark_master or "local[2]")
    from b12pain.errors import InputError

    raise InputError.single("--engine", name, "one of duckdb, spark")
