"""The Spark side of the engine adapter: the same Ibis analytics on a local PySpark session.

With ``engine.backend = "spark"`` in ``socialproof.toml``, :func:`engine.backend`
yields an Ibis PySpark backend instead of DuckDB. The workspace's canonical
tables still live in its DuckDB file (imports write there); a table is handed to
Spark the first time an analysis asks for it: DuckDB writes it to Parquet in a
per-process temporary folder and Spark reads that file. Each Spark view is named
after the table, the workspace and the state of the database file, so two
workspaces in one process never see each other's rows and a changed workspace
is read again.

Types: DuckDB's naive-UTC ``TIMESTAMP`` is read as Spark ``TIMESTAMP`` with the
session time zone pinned to UTC (the same instants, no shift); ``DATE`` stays a
date. Time zone conversion for reports goes through :func:`local_time`, which
compiles to each engine's own function.

One SparkSession is kept per process (starting the JVM takes seconds); its logs
are quiet and it binds to 127.0.0.1 with the web UI off. Nothing is downloaded:
Spark runs ``local[*]`` (or the configured master) from the pyspark wheel.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import MissingExtra, SocialproofError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import ibis
    import ibis.expr.types as ir
    from pyspark.sql import SparkSession

    from socialproof.workspace.core import Workspace

#: Spark settings for a small, local, offline session (see module doc).
SESSION_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.adaptive.enabled": "true",
    "spark.driver.memory": "2g",
}

_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.parquet.name = org.apache.parquet
logger.parquet.level = error
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = error
# Spark prints "Setting default log level" unless its own loggers have a level of their own.
logger.spark.name = org.apache.spark
logger.spark.level = error
"""

_lock = threading.RLock()
_session: SparkSession | None = None
_master: str | None = None
_scratch: Path | None = None
#: (database file, table) -> (state of the file when exported, Spark view name)
_views: dict[tuple[str, str], tuple[tuple[int, ...], str]] = {}


class JavaMissing(MissingExtra):
    """Spark is installed but no usable Java runtime was found."""

    def __init__(self, detail: str = "") -> None:
        SocialproofError.__init__(
            self,
            "The Spark engine needs Java 17 or 21, which was not found"
            + (f" ({detail})." if detail else "."),
            hint="Install a JDK (e.g. 'apt-get install openjdk-17-jre-headless') or set "
            'JAVA_HOME, or set engine.backend = "duckdb" in socialproof.toml.',
        )


class SparkFailed(SocialproofError, RuntimeError):
    """Spark started but could not run a query or start a session."""


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def _java_version(java: str) -> str:
    import subprocess

    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    first = (out.stderr or out.stdout).strip().splitlines()
    return first[0] if first else ""


def _scratch_dir() -> Path:
    global _scratch
    if _scratch is None or not _scratch.exists():
        _scratch = Path(tempfile.mkdtemp(prefix="socialproof-spark-"))
        atexit.register(shutil.rmtree, _scratch, True)
        (_scratch / "log4j2.properties").write_text(_LOG4J, encoding="utf-8")
    return _scratch


def session(master: str = "local[*]") -> SparkSession:
    """The process's SparkSession (started on first use, then reused)."""
    global _session, _master
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise MissingExtra("pyspark", "spark") from None
    with _lock:
        if _session is not None and _master == master and _alive(_session):
            return _session
        if _session is not None and _master != master:
            _session.stop()
            _session = None
            _views.clear()
        java = _java()
        if java is None:
            raise JavaMissing("no 'java' on PATH and no JAVA_HOME")
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("SPARK_LOCAL_HOSTNAME", "localhost")
        os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
        scratch = _scratch_dir()
        _check_master(master)
        builder = SparkSession.builder.master(master).appName("socialproof")
        for key, value in {**SESSION_CONF, **_cluster_conf(master)}.items():
            builder = builder.config(key, value)
        # Spark puts SPARK_CONF_DIR on the JVM's classpath, where log4j2 finds our quiet config.
        os.environ.setdefault("SPARK_CONF_DIR", str(scratch))
        builder = builder.config("spark.sql.warehouse.dir", str(scratch / "warehouse")).config(
            "spark.local.dir", str(scratch / "tmp")
        )
        try:
            with _jvm_output_to(scratch / "spark.log"):
                started = builder.getOrCreate()
        except Exception as exc:  # the JVM did not start: say why in one line
            version = _java_version(java)
            if version and not any(f'"{v}' in version for v in ("17", "18", "19", "2")):
                raise JavaMissing(f"found {version}; Spark 4 needs 17 or newer") from None
            said = _last_line(scratch / "spark.log") or str(exc).strip().splitlines()[0]
            raise SparkFailed(
                f"Spark could not start: {said[:200]}",
                hint=f"Check Java ({version or java}) and the engine.spark_master setting "
                f'({master!r}), or set engine.backend = "duckdb".',
            ) from None
        started.sparkContext.setLogLevel("ERROR")
        for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
            # PySpark logs every failed query as JSON before raising it; the error is enough.
            logging.getLogger(name).disabled = True
        _session, _master = started, master
        _views.clear()
        return started


def _cluster_conf(master: str) -> dict[str, str]:
    """Settings for a cluster master: executors run this Python and ask for little memory.

    ``SOCIALPROOF_SPARK_CONF`` may add ``key=value`` pairs separated by spaces (e.g.
    ``spark.executor.memory=4g spark.cores.max=16``) for a cluster of one's own.
    """
    import sys

    conf: dict[str, str] = {}
    # the Python workers run this interpreter (they import socialproof for the text models)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if not master.startswith("local"):
        conf["spark.executor.memory"] = "512m"
    for pair in os.environ.get("SOCIALPROOF_SPARK_CONF", "").split():
        key, sep, value = pair.partition("=")
        if not sep or not key.startswith("spark."):
            raise SparkFailed(
                f"SOCIALPROOF_SPARK_CONF: {pair!r} is not spark.key=value.",
                hint="Write pairs such as spark.executor.memory=4g, separated by spaces.",
            )
        conf[key] = value
    return conf


def _check_master(master: str) -> None:
    """A standalone master that does not answer is one line, not minutes of retries."""
    import socket
    from urllib.parse import urlparse

    if not master.startswith("spark://"):
        return
    for hostport in master[len("spark://") :].split(","):
        parsed = urlparse(f"spark://{hostport}")
        try:
            port = parsed.port or 7077
        except ValueError:
            port = -1
        if not parsed.hostname or port < 0:
            raise SparkFailed(
                f"The Spark master {master!r} is not a spark://HOST:PORT address.",
                hint="Fix engine.spark_master in socialproof.toml.",
            )
        try:
            with socket.create_connection((parsed.hostname, port), timeout=5):
                return
        except OSError as exc:
            said = exc.strerror or type(exc).__name__
    raise SparkFailed(
        f"The Spark master {master} does not answer ({said}).",
        hint="Start the cluster or fix engine.spark_master in socialproof.toml "
        '(or set engine.backend = "duckdb").',
    )


def _last_line(log: Path) -> str:
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    found = [ln.strip() for ln in lines if ln.strip() and "incubator modules" not in ln]
    return found[-1] if found else ""


@contextmanager
def _jvm_output_to(log: Path) -> Iterator[None]:
    """Send what the JVM prints (it inherits our stderr at launch) to a log file."""
    import sys

    fd = 2  # the descriptor the JVM inherits, whatever sys.stderr is now
    try:
        sys.stderr.flush()
        saved = os.dup(fd)
    except (OSError, ValueError):  # no stderr at all
        yield
        return
    try:
        with open(log, "ab") as out:
            os.dup2(out.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _alive(s: SparkSession) -> bool:
    try:
        return s.sparkContext._jsc is not None  # stopped sessions drop their Java context
    except Exception:
        return False


def stop() -> None:
    """Stop the process's SparkSession (tests, long-running servers)."""
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
        _session = None
        _views.clear()


def _state(db: Path) -> tuple[int, ...]:
    """What changes when the workspace database changes (file and write-ahead log)."""
    out: list[int] = []
    for p in (db, db.with_name(db.name + ".wal")):
        try:
            st = p.stat()
            out.extend((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            out.extend((0, 0))
    return tuple(out)


def _make_backend_class() -> type[ibis.BaseBackend]:
    import ibis

    _ = ibis.pyspark  # loading the backend this way registers its options (ibis.options.pyspark)
    from ibis.backends.pyspark import Backend as PySparkBackend

    class WorkspaceSparkBackend(PySparkBackend):  # type: ignore[misc]
        """Ibis PySpark backend whose tables are the workspace's, loaded on first use."""

        _workspace: Workspace
        _stored: Callable[[], tuple[str, str, dict[str, list[str]]]] | None = None

        def list_tables(self, *, like: str | None = None, database: Any = None) -> list[str]:
            if database is not None:
                return super().list_tables(like=like, database=database)  # type: ignore[no-any-return]
            names = _workspace_tables(self._workspace, self._stored)
            return self._filter_with_like(names, like)  # type: ignore[no-any-return]

        def table(self, name: str, /, *, database: Any = None) -> ir.Table:
            if database is None and name in _workspace_tables(self._workspace, self._stored):
                view = _load(self._session, self._workspace, name, self._stored)
                t = super().table(view)
                return t
            return super().table(name, database=database)

        def execute(
            self, expr: ir.Expr, /, *, params: Any = None, limit: Any = None, **kwargs: Any
        ) -> Any:
            """Results shaped as the DuckDB backend shapes them (Arrow, not Spark's pandas).

            Spark's own ``toPandas`` turns integer columns with NULLs into floats;
            going through Arrow keeps them integers, so both engines give the same frame.
            """
            from ibis.backends.pyspark.converter import PySparkPandasData

            self._run_pre_execute_hooks(expr)
            table = expr.as_table()
            arrow = self._arrow(table, params=params, limit=limit, **kwargs)
            schema = table.schema()
            df = _whole_counts(PySparkPandasData.convert_table(_frame(arrow), schema), schema)
            return expr.__pandas_result__(df)

        def to_pyarrow(
            self, expr: ir.Expr, /, *, params: Any = None, limit: Any = None, **kwargs: Any
        ) -> Any:
            from ibis.formats.pyarrow import PyArrowData

            self._run_pre_execute_hooks(expr)
            table = expr.as_table()
            arrow = self._arrow(table, params=params, limit=limit, **kwargs)
            return expr.__pyarrow_result__(PyArrowData.convert_table(arrow, table.schema()))

        def _create_cached_table(self, name: str, expr: ir.Table) -> Any:
            # ibis 12 forgets to register memtables (and UDFs) before caching on Spark.
            self._run_pre_execute_hooks(expr)
            return super()._create_cached_table(name, expr)

        def _arrow(self, table: ir.Table, **kwargs: Any) -> Any:
            sql = self.compile(table, **kwargs)
            names = sorted({view.split("__")[0] for _, view in _views.values() if view in sql})
            what = "the query over " + (", ".join(names) if names else "the workspace")
            return collect_arrow(self._session.sql(sql), what)

    return WorkspaceSparkBackend


def _naive_utc(arrow: Any) -> Any:
    """Spark hands timestamps over as UTC-aware; the workspace's are naive UTC."""
    import pyarrow as pa

    fields = [
        pa.field(f.name, pa.timestamp(f.type.unit), f.nullable)
        if pa.types.is_timestamp(f.type) and f.type.tz is not None
        else f
        for f in arrow.schema
    ]
    return arrow.cast(pa.schema(fields)) if fields != list(arrow.schema) else arrow


def _whole_counts(df: Any, schema: Any) -> Any:
    """Integer columns with NULLs as Python ints and None (as DuckDB gives), not floats."""
    import pandas as pd

    for name, dtype in schema.items():
        if dtype.is_integer() and df[name].dtype.kind == "f":
            values = [None if v != v else int(v) for v in df[name]]
            df[name] = pd.Series(values, index=df.index, dtype=object)
    return df


def _frame(arrow: Any) -> Any:
    """Arrow to pandas as ibis's DuckDB backend does it (columns with NULLs keep Python values)."""
    import pandas as pd
    import pyarrow.types as pat

    return pd.DataFrame(
        {
            name: (
                col.to_pylist()
                if pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count
                else col.to_pandas()
            )
            for name, col in zip(arrow.column_names, arrow.columns, strict=True)
        },
        index=range(arrow.num_rows),
    )


_BACKEND_CLASS: type[ibis.BaseBackend] | None = None


#: what the engine hands over for a workspace with a Parquet store: a function giving
#: (store URI, committed version, table -> folder as Spark reads it)
def _workspace_tables(
    ws: Workspace, stored: Callable[[], tuple[str, str, dict[str, list[str]]]] | None
) -> list[str]:
    from socialproof.workspace import duck

    if stored is not None:
        return sorted(stored()[2])
    if not ws.db_path.exists():
        return []
    with ws.connect(read_only=True) as con:
        return duck.list_tables(con)


def _load(
    spark: SparkSession,
    ws: Workspace,
    name: str,
    stored: Callable[[], tuple[str, str, dict[str, list[str]]]] | None,
) -> str:
    """The Spark view holding the workspace table ``name`` (exported once per state)."""
    from socialproof.workspace import duck

    if stored is not None:
        return _load_stored(spark, name, *stored())
    db = ws.db_path.resolve()
    key = (str(db), name)
    with _lock:
        state = _state(db)
        known = _views.get(key)
        if known is not None and known[0] == state:
            return known[1]
        digest = hashlib.sha1(  # noqa: S324 - a name, not security
            repr((str(db), state)).encode()
        ).hexdigest()[:10]
        view = f"{name}__{digest}"
        folder = _scratch_dir() / "tables"
        folder.mkdir(exist_ok=True)
        path = folder / f"{view}.parquet"
        with ws.connect(read_only=True) as con:
            duck.export_parquet(con, name, path)
        spark.read.parquet(str(path)).createOrReplaceTempView(view)
        if known is not None:
            spark.catalog.dropTempView(known[1])
            (folder / f"{known[1]}.parquet").unlink(missing_ok=True)
        _views[key] = (state, view)
        return view


def _load_stored(
    spark: SparkSession, name: str, uri: str, version: str, folders: dict[str, list[str]]
) -> str:
    """The Spark view of a table of the workspace's Parquet store (read by the executors)."""
    key = (uri, name)
    with _lock:
        known = _views.get(key)
        state = (hash(version),)
        if known is not None and known[0] == state:
            return known[1]
        digest = hashlib.sha1(  # noqa: S324 - a name, not security
            repr((uri, version)).encode()
        ).hexdigest()[:10]
        view = f"{name}__{digest}"
        paths = folders[name]  # the version's folder and partitions reused from earlier ones
        try:
            frame = spark.read.option("recursiveFileLookup", "true").parquet(*paths)
        except Exception as exc:
            raise SparkFailed(
                f"Spark could not read the table {name} from {paths[0]}"
                f"{f' (and {len(paths) - 1} more folders)' if len(paths) > 1 else ''}: "
                f"{in_words(exc)}",
                hint="Check that every worker can read the storage URI (engine.storage).",
            ) from None
        frame.createOrReplaceTempView(view)
        if known is not None:
            spark.catalog.dropTempView(known[1])
        _views[key] = (state, view)
        return view


def _first_line(exc: BaseException) -> str:
    """The first line of an error that says something (not py4j's "An error occurred...")."""
    for line in str(exc).strip().splitlines():
        line = line.strip().lstrip(":").strip()
        if line and not line.startswith("An error occurred while calling"):
            return line[:200]
    return type(exc).__name__


def backend(
    ws: Workspace, stored: Callable[[], tuple[str, str, dict[str, list[str]]]] | None = None
) -> Iterator[ibis.BaseBackend]:
    """An Ibis PySpark backend over the workspace (the body of ``engine.backend``).

    ``stored`` (from the engine, for a workspace with a Parquet store) names the store's
    committed tables; without it each table is copied out of the database file.
    """
    global _BACKEND_CLASS
    spark = session_for(ws)
    if _BACKEND_CLASS is None:
        _BACKEND_CLASS = _make_backend_class()
    con: Any = _BACKEND_CLASS(spark)
    con.reconnect()
    con._workspace = ws
    con._stored = stored
    yield con


def session_for(ws: Workspace) -> SparkSession:
    """The Spark session of the workspace's engine settings (``engine.spark_master``)."""
    return session(ws.settings.engine.spark_master)


def collect_arrow(frame: Any, what: str) -> Any:
    """``frame.toArrow()``; a failure is one line saying what failed, in plain words."""
    try:
        return _naive_utc(frame.toArrow())
    except Exception as exc:
        raise SparkFailed(
            f"Spark could not finish {what}: {in_words(exc)}", hint=_hint(exc)
        ) from None


#: Spark and JVM failures, in the words of someone running a report: (text in the error, say)
_IN_WORDS: tuple[tuple[str, str], ...] = (
    ("OutOfMemoryError", "an executor or the driver ran out of memory"),
    ("Java heap space", "an executor or the driver ran out of memory"),
    ("PATH_NOT_FOUND", "a file of the workspace's store is missing"),
    ("FileNotFoundException", "a file of the workspace's store is missing"),
    ("No FileSystem for scheme", "the cluster has no file system connector for the storage URI"),
    ("ClassNotFoundException: org.apache.hadoop.fs.s3a", "the cluster lacks hadoop-aws (s3a://)"),
    ("ModuleNotFoundError", "the executors' Python lacks socialproof or one of its modules"),
    ("PythonException", "the Python code failed on an executor"),
    ("Python worker", "the executors could not run Python"),
    ("Connection refused", "lost contact with the Spark cluster"),
    ("SparkContext was shut down", "the Spark session was stopped"),
    ("Cannot call methods on a stopped SparkContext", "the Spark session was stopped"),
    ("UNRESOLVED_COLUMN", "a column the report needs is missing from a table"),
    ("TABLE_OR_VIEW_NOT_FOUND", "a table the report needs is missing"),
    ("CAST_INVALID_INPUT", "a value could not be read as the type the report needs"),
    ("DIVIDE_BY_ZERO", "a division by zero"),
    ("Task not serializable", "the work could not be sent to the executors"),
    ("Lost executor", "an executor was lost (it crashed or was stopped)"),
    ("ExecutorLostFailure", "an executor was lost (it crashed or was stopped)"),
)


def in_words(exc: BaseException) -> str:
    """What a Spark failure means, in one line (the first line of Spark's own text after it)."""
    text = str(exc)
    said = _first_line(exc)
    for needle, words in _IN_WORDS:
        if needle in text:
            line = next((ln.strip() for ln in text.splitlines() if needle in ln), said)
            return f"{words} ({line[:160]})"
    return said


def _hint(exc: BaseException) -> str:
    text = str(exc)
    if "OutOfMemoryError" in text or "Java heap space" in text:
        return (
            'Give Spark more memory (SOCIALPROOF_SPARK_CONF="spark.executor.memory=4g '
            'spark.driver.memory=4g"), or narrow the report with --since/--until.'
        )
    if "ModuleNotFoundError" in text or "Python worker" in text:
        return "Install the same Python and socialproof on every worker (or set PYSPARK_PYTHON)."
    if "No FileSystem for scheme" in text or "s3a" in text:
        return "Install the file system's connector jars on the cluster (docs/scaling.md)."
    return 'Run with --debug for Spark\'s full message, or set engine.backend = "duckdb".'


def local_time(ts: ir.TimestampValue, timezone: str) -> ir.TimestampValue:
    """Naive UTC timestamps as naive wall-clock time in ``timezone``, in Spark SQL."""
    return _from_utc()(ts, timezone)


_FROM_UTC: Any = None


def _from_utc() -> Any:
    global _FROM_UTC
    if _FROM_UTC is None:
        import ibis
        import ibis.expr.datatypes as dt

        def from_utc_timestamp(ts, tz):  # type: ignore[no-untyped-def]
            """Spark: the wall-clock time in ``tz`` of a UTC timestamp."""

        from_utc_timestamp.__annotations__ = {"ts": dt.timestamp, "tz": str, "return": dt.timestamp}
        _FROM_UTC = ibis.udf.scalar.builtin(from_utc_timestamp, name="from_utc_timestamp")
    return _FROM_UTC


# -- Hadoop file system: how the Parquet store is written to s3a://, hdfs://, ... ------------


def running_session() -> SparkSession:
    """The process's Spark session if one runs (whatever its master), else a local one."""
    with _lock:
        if _session is not None and _alive(_session):
            return _session
    return session()


class HadoopFS:
    """Files of a store on Spark's Hadoop file system (any URI Spark reads and writes)."""

    def __init__(self, spark: SparkSession, uri: str) -> None:
        jvm: Any = spark.sparkContext._jvm
        self._jvm = jvm
        self._path = jvm.org.apache.hadoop.fs.Path
        conf = spark.sparkContext._jsc.hadoopConfiguration()
        try:
            self._fs = self._path(uri).getFileSystem(conf)
        except Exception as exc:
            raise SparkFailed(
                f"Spark cannot open the storage {uri}: {in_words(exc)}", hint=_hint(exc)
            ) from None

    def exists(self, uri: str) -> bool:
        return bool(self._fs.exists(self._path(uri)))

    def write_text(self, uri: str, text: str) -> None:
        out = self._fs.create(self._path(uri), True)
        try:
            out.write(bytearray(text.encode("utf-8")))
        finally:
            out.close()

    def replace(self, src: str, dst: str) -> None:
        """Rename ``src`` to ``dst``, replacing it (atomic where the file system renames so)."""
        source, target = self._path(src), self._path(dst)
        if self._fs.rename(source, target):
            return
        self._fs.delete(target, True)
        if not self._fs.rename(source, target):
            raise SparkFailed(f"Spark could not rename {src} to {dst}.")

    def mkdirs(self, uri: str) -> None:
        self._fs.mkdirs(self._path(uri))

    def delete(self, uri: str) -> None:
        self._fs.delete(self._path(uri), True)

    def children(self, uri: str) -> list[str]:
        if not self.exists(uri):
            return []
        return [str(st.getPath().getName()) for st in self._fs.listStatus(self._path(uri))]
