"""Shared fixtures: databases (SQLite always, PostgreSQL when RXSUPPLY_TEST_POSTGRES_URL is
set), the example hospital, fixed clocks, and the shared public data.

The shared data (``../shared/data`` beside the checkout) is reached only through
:func:`shared_data` (a path under it) or the ``shared`` fixture (the folder): a test that needs
it is skipped, with the reason, when it is not there (a fresh clone has no ``../shared``), and is
counted. Like the PostgreSQL tests, the count goes to a file in ``build/`` that ``.ci/run``
reads: it must show every such test run and none skipped.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.database import make_engine, migrate, postgres_schema
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import Clock, FixedClock
from rxsupply.services import imports, ledger

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
POSTGRES_URL = os.environ.get("RXSUPPLY_TEST_POSTGRES_URL")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
EASTERN = ZoneInfo("America/New_York")
CLOCK = FixedClock(NOW, EASTERN)
"""The tests' clock: 2026-11-20 10:00 in New York (a Friday)."""
TESTER = "tester"
"""Who the tests' writes are recorded under."""

SHARED_SKIP = "needs the shared data"
"""How the skip reason of a test without the shared data begins."""

_pg_ran = 0
_pg_skipped = 0
_shared_ran = 0
_shared_skipped: list[str] = []
_running: pytest.Item | None = None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "shared_data: reads ../shared/data (set here, counted for .ci/run)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on PostgreSQL, and every test that uses the ``shared`` fixture
    (itself or through its fixtures), so .ci/run can count them. A test that calls
    :func:`shared_data` is marked when it calls it."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        callspec = getattr(item, "callspec", None)
        on_pg = "pg_engine" in fixtures or (
            callspec is not None and callspec.params.get("engine") == "postgres"
        )
        if on_pg:
            item.add_marker(pytest.mark.postgres)
        if "shared" in fixtures:
            item.add_marker(pytest.mark.shared_data)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """Remember the running test, so :func:`shared_data` can mark it."""
    global _running
    _running = item
    try:
        return (yield)
    finally:
        _running = None


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count PostgreSQL tests and tests that need the shared data, on the controller (works
    under xdist), for .ci/run."""
    global _pg_ran, _pg_skipped, _shared_ran
    if "postgres" in report.keywords:
        if report.when == "call" and report.passed:
            _pg_ran += 1
        elif report.skipped:
            _pg_skipped += 1
    reason = _skip_reason(report) if report.skipped else ""
    if "shared_data" in report.keywords or reason.startswith(SHARED_SKIP):
        if report.when == "call" and report.passed:
            _shared_ran += 1
        elif report.skipped:
            _shared_skipped.append(f"{report.nodeid}: {reason}")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """A module that reads the shared data as it is imported (to parametrise its tests) is
    skipped whole when the data is absent: count it as one skip."""
    if report.skipped:
        reason = _skip_reason(report)
        if reason.startswith(SHARED_SKIP):
            _shared_skipped.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write ``build/postgres-tests.txt`` and ``build/shared-data-tests.txt``: "ran skipped" on
    the first line (the shared data's file then names each skipped test with its reason)."""
    if hasattr(session.config, "workerinput"):
        return
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    (build / "postgres-tests.txt").write_text(f"{_pg_ran} {_pg_skipped}\n")
    (build / "shared-data-tests.txt").write_text(
        "".join([f"{_shared_ran} {len(_shared_skipped)}\n", *(f"{s}\n" for s in _shared_skipped)])
    )


# Migrating a new database takes 0.2 s on SQLite and 0.7 s on PostgreSQL, and over a thousand
# tests each start from one: each test process migrates one database of each kind once and
# copies it (the SQLite file; the PostgreSQL schema as pg_dump writes it, under the new name).
@functools.cache
def _sqlite_template() -> Path:
    folder = tempfile.mkdtemp(prefix="rx-template-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    found = Path(folder) / "migrated.db"
    eng = make_engine(f"sqlite:///{found}")
    migrate(eng)
    eng.dispose()  # the last connection closed: the WAL is checkpointed into the file
    return found


def migrated_sqlite(path: Path) -> Engine:
    """A migrated, empty SQLite database at ``path`` (a copy of this process's template)."""
    shutil.copyfile(_sqlite_template(), path)
    return make_engine(f"sqlite:///{path}")


_demos: dict[tuple[object, ...], Path] = {}


def build_into(
    engine: Engine, *, clock: Clock, user: str, seed: int, days: int, documents: bool = False
) -> None:
    """Write the demo hospital into ``engine`` as ``rxsupply demo`` does (``documents``: its
    receipts' EPCIS documents too)."""
    from rxsupply.adapters.demo_catalogue import demo_items
    from rxsupply.adapters.epcis.writer import ShipmentDocumentWriter
    from rxsupply.services.demo import build_demo

    with SqlUnitOfWork(engine) as uow:
        build_demo(
            uow,
            demo_items(),
            clock=clock,
            user=user,
            seed=seed,
            days=days,
            documents=ShipmentDocumentWriter() if documents else None,
        )


def demo_copy(
    path: Path, *, clock: FixedClock, user: str, seed: int, days: int, documents: bool = False
) -> Engine:
    """A SQLite database at ``path`` holding the demo hospital :func:`build_into` writes with
    these arguments: built once per test process, copied for each caller, so a module's
    fixture built again costs a copy."""
    key = (clock.now(), str(clock.zone), user, seed, days, documents)
    if key not in _demos:
        folder = tempfile.mkdtemp(prefix="rx-demo-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        built = Path(folder) / "demo.db"
        eng = migrated_sqlite(built)
        build_into(eng, clock=clock, user=user, seed=seed, days=days, documents=documents)
        eng.dispose()
        _demos[key] = built
    shutil.copyfile(_demos[key], path)
    return make_engine(f"sqlite:///{path}")


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@functools.cache
def _postgres_template(url: str) -> tuple[str, str]:
    """The SQL that recreates a migrated, empty schema (pg_dump's) and the schema name in it."""
    name = f"rx_tpl_{uuid.uuid4().hex[:12]}"
    with postgres_schema(url, name) as eng:
        migrate(eng)
        dump = subprocess.run(
            ["pg_dump", "--schema", name, "--no-owner", "--no-privileges", _libpq(url)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return dump, name


# A schema a test leaves as migrated (no table, column, trigger, function or grant added,
# dropped or changed) is emptied and used again by the next test of the same process: its rows
# deleted (triggers and foreign keys off, as the owner), the migration's own rows and every
# sequence put back as the template had them. Restoring the schema costs 0.5 s of DDL, checking
# and emptying it 0.07 s, and a thousand tests run on PostgreSQL.
_SHAPE = """
SELECT md5(string_agg(replace(x, CAST(:name AS text), '@'), '|' ORDER BY x)) FROM (
  SELECT 'c:' || c.relname || ':' || c.relkind::text || ':' || coalesce(c.relacl::text, '')
      || ':' || c.relrowsecurity::text || ':' || c.relpersistence::text AS x
    FROM pg_class c WHERE c.relnamespace = CAST(:ns AS oid)
  UNION ALL SELECT 'a:' || c.relname || '.' || a.attname || ':' || format_type(a.atttypid,
      a.atttypmod) || ':' || a.attnotnull::text || ':' || coalesce(a.attacl::text, '')
      || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = CAST(:ns AS oid) AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT 't:' || c.relname || '.' || t.tgname || ':' || t.tgenabled::text || ':'
      || pg_get_triggerdef(t.oid)
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = CAST(:ns AS oid) AND NOT t.tgisinternal
  UNION ALL SELECT 'k:' || conname || ':' || contype::text || ':' || convalidated::text
    FROM pg_constraint WHERE connamespace = CAST(:ns AS oid)
  UNION ALL SELECT 'f:' || p.proname || ':' || md5(p.prosrc) || ':' || coalesce(p.proacl::text, '')
    FROM pg_proc p WHERE p.pronamespace = CAST(:ns AS oid)
  UNION ALL SELECT 'p:' || polname || ':' || pg_get_expr(polqual, polrelid)
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
    WHERE c.relnamespace = CAST(:ns AS oid)
  UNION ALL SELECT 'n:' || coalesce(nspacl::text, '') FROM pg_namespace
    WHERE oid = CAST(:ns AS oid)
  UNION ALL SELECT 'd:' || defaclobjtype::text || ':' || coalesce(defaclacl::text, '')
    FROM pg_default_acl WHERE defaclnamespace = CAST(:ns AS oid)
) shape
"""


@dataclass(frozen=True, slots=True)
class _Pristine:
    """A migrated schema no test touches, what a schema's shape must be to be used again, and
    the SQL that empties a schema (``@`` for its name) back to the pristine one's rows."""

    name: str
    shape: str
    reset: str


def _restore_template(name: str) -> None:
    sql, template = _postgres_template(POSTGRES_URL or "")
    subprocess.run(
        ["psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", _libpq(POSTGRES_URL or "")],
        input=sql.replace(template, name),
        capture_output=True,
        text=True,
        check=True,
    )


def _shape(conn: Connection, name: str) -> str:
    ns = conn.execute(text("SELECT oid FROM pg_namespace WHERE nspname = :n"), {"n": name})
    return str(conn.execute(text(_SHAPE), {"name": name, "ns": ns.scalar_one()}).scalar_one())


@functools.cache
def _pristine() -> _Pristine:
    name = f"rx_pristine_{uuid.uuid4().hex[:12]}"
    _restore_template(name)
    atexit.register(_drop_schemas, [name])
    with _admin().begin() as conn:
        tables = (
            conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
                {"s": name},
            )
            .scalars()
            .all()
        )
        steps = ["SET LOCAL session_replication_role = replica"]
        steps += [f'DELETE FROM "@"."{t}"' for t in tables]
        for t in tables:
            if conn.execute(text(f'SELECT EXISTS (SELECT FROM "{name}"."{t}")')).scalar_one():
                steps.append(
                    f'INSERT INTO "@"."{t}" OVERRIDING SYSTEM VALUE SELECT * FROM "{name}"."{t}"'
                )
        for seq, last, called in conn.execute(
            text(
                "SELECT sequencename, coalesce(last_value, start_value), last_value IS NOT NULL"
                " FROM pg_sequences WHERE schemaname = :s"
            ),
            {"s": name},
        ):
            steps.append(f'SELECT setval(\'"@"."{seq}"\', {last}, {str(called).lower()})')
        return _Pristine(name, _shape(conn, name), ";\n".join(steps))


@functools.cache
def _admin() -> Engine:
    return create_engine(POSTGRES_URL or "", poolclass=NullPool)


def _drop_schemas(names: list[str]) -> None:
    if not names:
        return
    with _admin().begin() as conn:
        for name in names:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


_spare: list[str] = []
"""Emptied schemas of this process, ready for the next test."""
atexit.register(_drop_schemas, _spare)


def _postgres_engine() -> Generator[Engine, None, None]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need RXSUPPLY_TEST_POSTGRES_URL")
    pristine = _pristine()
    if _spare:
        name = _spare.pop()
    else:
        name = f"rx_test_{uuid.uuid4().hex[:12]}"
        _restore_template(name)
    engine = make_engine(POSTGRES_URL, schema=name)
    try:
        yield engine
    finally:
        engine.dispose()
        with _admin().begin() as conn:
            conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
            reusable = _shape(conn, name) == pristine.shape
            if reusable:
                conn.exec_driver_sql(pristine.reset.replace("@", name))
        if reusable:
            _spare.append(name)
        else:
            _drop_schemas([name])


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each engine rxsupply supports."""
    if request.param == "postgres":
        yield from _postgres_engine()
        return
    eng = migrated_sqlite(tmp_path / "rx.db")
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = migrated_sqlite(tmp_path / "rx.db")
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    yield from _postgres_engine()


def load_examples(engine: Engine, *kinds: str) -> None:
    """Import the files under examples/ in dependency order."""
    order = kinds or ("items", "locations", "stock", "dispenses", "purchases")
    for kind in order:
        required, optional = imports.COLUMNS[kind]
        table = read_csv_table(EXAMPLES / f"{kind}.csv", required=required, optional=optional)
        with SqlUnitOfWork(engine) as uow:
            if kind == "items":
                imports.import_items(uow, table, now=NOW, user=TESTER)
            elif kind == "locations":
                imports.import_locations(uow, table, now=NOW, user=TESTER)
            elif kind == "stock":
                imports.import_stock(uow, table, clock=CLOCK, user=TESTER)
            elif kind == "dispenses":
                imports.import_dispenses(uow, table, clock=CLOCK, user=TESTER)
            else:
                imports.import_purchases(uow, table, now=NOW, user=TESTER)


def post(engine: Engine, command: ledger.Command, *, clock: Clock | None = None) -> ledger.Posted:
    """Post one ledger command in its own unit of work at the tests' fixed time."""
    with SqlUnitOfWork(engine) as uow:
        return ledger.post_one(uow, command, clock=clock or CLOCK)


def priced_storeroom(
    engine: Engine, levels: dict[str, tuple[int, int]], *, authorized: bool = True
) -> None:
    """The example hospital's prices (examples/prices.csv) and reorder points (min, max) at its
    storeroom for the items named; each wholesaler with a valid licence on file unless not
    ``authorized``."""
    from rxsupply.domain.levels import StockLevel
    from rxsupply.services.pricing import PRICE_COLUMNS, import_prices

    table = read_csv_table(
        EXAMPLES / "prices.csv", required=PRICE_COLUMNS[0], optional=PRICE_COLUMNS[1]
    )
    with SqlUnitOfWork(engine) as uow:
        import_prices(uow, table, now=NOW, user=TESTER)
        store = uow.locations.get("MAIN-STORE")
        assert store is not None
        ids = uow.items.ids_by_code()
        for item, (low, high) in levels.items():
            uow.stock_levels.save(
                StockLevel(
                    location_id=store.id or 0, item_id=ids[item], min_level=low, max_level=high
                ),
                now=NOW,
                user=TESTER,
            )
        uow.commit()
    if authorized:
        authorize_wholesalers(engine)


def authorize_wholesalers(engine: Engine) -> None:
    """A state wholesale licence, valid and verified, for every wholesaler on file that has
    none (receiving refuses a partner with no authorization: RXSUPPLY_REQUIRE_PARTNER_...)."""
    from datetime import date

    from rxsupply.services.trading_partners import record_authorization

    with SqlUnitOfWork(engine) as uow:
        partners = [p for p in uow.partners.all() if p.kind == "wholesaler"]
        held = uow.partners.authorizations(p.id or 0 for p in partners)
        for partner in partners:
            if held.get(partner.id or 0):
                continue
            record_authorization(
                uow,
                partner=partner.name,
                kind="state_wholesale_license",
                number=f"WHS-{partner.id:04d}-PA",
                state="PA",
                expires=date(2031, 6, 30),
                verified_on=NOW.date(),
                source="tests",
                note="",
                user=TESTER,
                clock=CLOCK,
            )
        uow.commit()


@pytest.fixture
def hospital(engine: Engine) -> Engine:
    """The example hospital (examples/*.csv) on each database."""
    load_examples(engine, "items", "locations", "stock")
    return engine


def shared_data(*parts: str) -> Path:
    """The path of ``parts`` under the shared data (``../shared/data``); the one way tests reach
    it. Called in a test (or a fixture it runs), it marks the test as needing the shared data and
    skips it, with the reason, when the path is absent; called at import time (a module that
    parametrises its tests from the data), it skips the whole module. Module- and
    session-scoped fixtures should also take the ``shared`` fixture, so every test that reuses
    them is counted, not only the first."""
    path = SHARED_DATA.joinpath(*parts)
    if _running is not None:
        _running.add_marker(pytest.mark.shared_data)
    if not path.exists():
        where = "../shared/data" if not SHARED_DATA.exists() else str(path)
        pytest.skip(
            f"{SHARED_SKIP}: {where} is not present (see ../shared/data/README.md)",
            allow_module_level=_running is None,
        )
    return path


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared data folder: a test that uses it, itself or through its fixtures, is counted
    as needing the shared data, and skipped with the reason when the folder is absent."""
    return shared_data()
