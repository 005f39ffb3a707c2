"""The command line names who does each write and refuses what the ledger refuses.

Every write (stock movements, status changes, imports, users) is recorded under ``--user`` or
``RXSUPPLY_USER``; without one nothing is written; once the database has users the name must be
one of them, allowed what the command does. Over-long values, NUL bytes and quantities of
2^63-1 are refused on every write path, files included.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx

HUGE = str(2**63 - 1)


@pytest.fixture
def hospital(rx: Rx) -> Rx:
    for kind in ("items", "locations", "stock"):
        ran = rx("import", kind, str(EXAMPLES / f"{kind}.csv"))
        assert ran.code == 0, ran.err
    return rx


def users_of(rx: Rx, sql: str) -> set[str]:
    engine = create_engine(f"sqlite:///{rx.db}")
    with engine.connect() as conn:
        found = {str(r[0]) for r in conn.execute(text(sql))}
    engine.dispose()
    return found


def test_every_cli_write_carries_its_user(hospital: Rx, monkeypatch: pytest.MonkeyPatch) -> None:
    rx = hospital
    monkeypatch.setenv("RXSUPPLY_USER", "morgan")
    writes = [
        ("receive", "MAIN-STORE", "98765-401-02", "ON2611X", "50", "--expiry", "2028-03-31"),
        ("transfer", "MAIN-STORE", "ICU-ADC1", "5", "--item", "ONDA4INJ", "--refill"),
        ("dispense", "ICU-ADC1", "1", "--item", "ONDA4INJ", "--external-id", "ICU1-9"),
        ("adjust", "MAIN-STORE", "98765-401-02", "ON2611X", "-1", "--reason", "broken"),
        ("return", "MAIN-STORE", "98765-401-02", "ON2611X", "2", "--reference", "RA-1"),
        ("quarantine", "98765-401-02", "ON2611X", "--reason", "cloudy"),
        ("release", "98765-401-02", "ON2611X", "--reason", "clear"),
    ]
    for args in writes:
        ran = rx(*args)
        assert ran.code == 0, (args, ran.err)
    ran = rx("--user", "casey", "import", "purchases", str(EXAMPLES / "purchases.csv"))
    assert ran.code == 0, ran.err

    assert users_of(
        rx, "SELECT DISTINCT user_name FROM movement WHERE note <> 'opening stock'"
    ) == {"morgan"}
    assert users_of(rx, "SELECT DISTINCT user_name FROM audit") == {"tester", "morgan", "casey"}
    assert "" not in users_of(rx, "SELECT DISTINCT user_name FROM movement")


def test_a_write_without_a_user_writes_nothing(rx: Rx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RXSUPPLY_USER", raising=False)

    ran = rx("import", "items", str(EXAMPLES / "items.csv"))

    assert ran.code == 1
    assert "name who does this: rxsupply --user NAME" in ran.message


def test_once_there_are_users_the_acting_user_must_be_one_allowed_to_do_it(hospital: Rx) -> None:
    rx = hospital
    assert (
        rx("users", "add", "tara", "--role", "technician", "--password", "long enough 1").code == 0
    )

    unknown = rx("--user", "nobody", "dispense", "ICU-ADC1", "1", "--item", "ONDA4INJ")
    not_allowed = rx(
        "--user", "tara", "adjust", "MAIN-STORE", "98765-401-02", "ON2411A", "1", "--reason", "x"
    )
    allowed = rx("--user", "tara", "dispense", "ICU-ADC1", "1", "--item", "ONDA4INJ")

    assert unknown.code == 1
    assert "unknown or disabled user 'nobody'" in unknown.message
    assert not_allowed.code == 1
    assert "tara (technician) may not adjust" in not_allowed.message
    assert allowed.code == 0, allowed.err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("receive", "MAIN-STORE", "98765-401-02", "ON2611X", HUGE, "--expiry", "2028-03-31"),
            "RXSUPPLY_MAX_QUANTITY",
        ),
        (
            ("receive", "MAIN-STORE", "98765-401-02", "L" * 41, "5", "--expiry", "2028-03-31"),
            "41 characters; at most 40",
        ),
        (
            ("receive", "MAIN-STORE", "98765-401-02", "ON\x00X", "5", "--expiry", "2028-03-31"),
            "control character U+0000",
        ),
        (("transfer", "MAIN-STORE", "OR-SAT", HUGE, "--item", "ONDA4INJ"), "RXSUPPLY_MAX_QUANTITY"),
        (
            ("dispense", "ICU-ADC1", "1", "--item", "ONDA4INJ", "--external-id", "X" * 200),
            "at most 120",
        ),
        (
            ("adjust", "MAIN-STORE", "98765-401-02", "ON2411A", HUGE, "--reason", "typo"),
            "RXSUPPLY_MAX_QUANTITY",
        ),
    ],
    ids=[
        "receipt 2^63-1",
        "receipt long lot",
        "receipt NUL lot",
        "transfer 2^63-1",
        "dispense long id",
        "adjust 2^63-1",
    ],
)
def test_a_cli_write_with_an_unbounded_value_is_refused(
    hospital: Rx, args: tuple[str, ...], says: str
) -> None:
    before = hospital("check", "--json")

    ran = hospital(*args)

    assert ran.code == 1
    assert says in ran.message
    assert hospital("check", "--json").out == before.out


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (f"MAIN-STORE,98765-401-02,ON2611Y,2028-03-31,{HUGE}", "more than 1,000,000,000"),
        ("MAIN-STORE,98765-401-02,ON\x002611Y,2028-03-31,5", "control character U+0000"),
        (f"MAIN-STORE,98765-401-02,{'L' * 41},2028-03-31,5", "41 characters; at most 40"),
        ("MAIN-STORE,98765-401-02,ON2611Y,2028-03-31,1000001", "RXSUPPLY_MAX_QUANTITY"),
    ],
    ids=["2^63-1", "NUL", "long lot", "above the maximum"],
)
def test_an_import_with_an_unbounded_value_is_rejected_whole(
    hospital: Rx, tmp_path: Path, row: str, says: str
) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("location,ndc,lot,expiry,quantity\n" + row + "\n")

    ran = hospital("import", "stock", str(path))

    assert ran.code == 1
    assert "stock.csv, row 1" in ran.message
    assert says in ran.message
    assert hospital("check").code == 0
