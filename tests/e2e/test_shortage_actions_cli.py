"""``rxsupply shortages reallocate | reduce-par | restrict | limit | actions | revert | review``
end to end on the example hospital: ondansetron is short and the ICU cabinet uses it; the
plan is proposed, applied (the stock moves, a second apply finds nothing to move), the ICU's
PAR reduced and a restriction and a limit set, the log shown, the settings reverted, the
review printed; bad input gets a clear message and a non-zero exit."""

from __future__ import annotations

from tests.conftest import EXAMPLES, NOW, TESTER
from tests.e2e.cli_runner import Rx

from rxsupply.adapters.database import make_engine
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.levels import StockLevel


def hospital_short_of_ondansetron(rx: Rx) -> str:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    assert rx("dispense", "ICU-ADC1", "21", "--item", "ONDA4INJ").code == 0
    added = rx("shortages", "add", "--item", "ONDA4INJ", "--reason", "backorder", "--json")
    engine = make_engine(f"sqlite:///{rx.db}")
    with SqlUnitOfWork(engine) as uow:
        pocket, item = uow.locations.get("ICU-ADC1-P01"), uow.items.get("ONDA4INJ")
        assert pocket is not None and item is not None
        level = StockLevel(pocket.id or 0, item.id or 0, min_level=10, max_level=40)
        uow.stock_levels.save(level, now=NOW, user=TESTER)
        uow.commit()
    engine.dispose()
    return str(added.json()["id"])


def test_a_shortage_is_conserved_and_reviewed_from_the_command_line(rx: Rx) -> None:
    sid = hospital_short_of_ondansetron(rx)

    proposed = rx("shortages", "reallocate", sid, "--item", "ONDA4INJ", "--floor", "10", "--json")
    shown = rx("shortages", "reallocate", sid, "--item", "ONDA4INJ", "--floor", "10")
    applied = rx(
        "shortages",
        "reallocate",
        sid,
        "--item",
        "ONDA4INJ",
        "--floor",
        "10",
        "--apply",
        "--reason",
        "ICU runs out",
        "--json",
    )
    again = rx("shortages", "reallocate", sid, "--item", "ONDA4INJ", "--floor", "10", "--apply")
    reduced = rx(
        "shortages",
        "reduce-par",
        sid,
        "--item",
        "ONDA4INJ",
        "--location",
        "ICU-ADC1-P01",
        "--max",
        "20",
        "--min",
        "5",
    )
    restricted = rx(
        "shortages", "restrict", sid, "--item", "ONDA4INJ", "--text", "ICU only", "--areas", "ICU"
    )
    limited = rx(
        "shortages", "limit", sid, "--item", "ONDA4INJ", "--location", "ED-ADC1", "--per-day", "4"
    )
    log = rx("shortages", "actions", sid, "--json")
    reverted = rx("shortages", "revert", sid)
    review = rx("shortages", "review", sid, "--json")
    printed = rx("shortages", "review", sid)

    assert proposed.code == 0, proposed.err
    moves = proposed.json()["moves"]
    assert [(m["from_pocket"], m["to_pocket"], m["units"]) for m in moves] == [
        ("ED-ADC1-P01", "ICU-ADC1-P01", 31)
    ]
    assert "Moves" in shown.out and proposed.json()["plan_id"] in shown.out
    assert applied.code == 0, applied.err
    assert (applied.json()["movements"], applied.json()["units"]) == (1, 31)
    assert rx.stock("--item", "ONDA4INJ")[("ICU-ADC1-P01", "ON2502B")] == 31
    assert "nothing to move" in again.out
    assert "PAR reduced for ONDA4INJ at ICU-ADC1-P01: min/max 10/40 -> 5/20" in reduced.out
    assert restricted.code == 0 and "ICU only" in restricted.out
    assert "at most 4 units a day" in limited.out
    assert [a["kind"] for a in log.json()] == ["reallocate", "reduce_par", "restrict", "limit"]
    assert "3 setting(s) reverted; 1 reallocation(s) kept" in reverted.out
    facts = review.json()
    assert (facts["status"], facts["settings_in_force"], len(facts["actions"])) == (
        "current",
        0,
        7,
    )
    assert "extra spend 0.00" in printed.out


def test_bad_conservation_input_gets_a_clear_message_and_writes_nothing(rx: Rx) -> None:
    sid = hospital_short_of_ondansetron(rx)

    not_matched = rx("shortages", "reallocate", sid, "--item", "APAP325TAB")
    raised = rx(
        "shortages",
        "reduce-par",
        sid,
        "--item",
        "ONDA4INJ",
        "--location",
        "ICU-ADC1-P01",
        "--max",
        "50",
    )
    no_limit = rx("shortages", "limit", sid, "--item", "ONDA4INJ", "--location", "ED-ADC1")
    log = rx("shortages", "actions", sid, "--json")

    assert not_matched.code == 1
    assert "item APAP325TAB is not an item of shortage" in not_matched.message
    assert raised.code == 1 and "50 is not below the max of ONDA4INJ at ICU-ADC1-P01 (40)" in (
        raised.message
    )
    assert no_limit.code == 1 and "give units per day, per dispense, or both" in no_limit.message
    assert log.json() == []
