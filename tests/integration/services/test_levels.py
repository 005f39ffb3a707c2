"""Stock levels and planning recommendations: set, propose, accept or reject, each with its
audit entry; a recommendation is decided once, even when two managers click at once."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.conftest import NOW

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.levels import Decision, Recommendation, StockLevel
from rxsupply.errors import AlreadyDecided, InvalidValue, NotFound, StaleRecommendation
from rxsupply.services import levels

LATER = FixedClock(NOW + timedelta(hours=1))
AT_NOW = FixedClock(NOW)


def _ids(engine: Engine) -> tuple[dict[str, int], dict[str, int]]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return uow.locations.ids_by_code(), uow.items.ids_by_code()


def _level(engine: Engine, location: int, item: int) -> StockLevel | None:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return uow.stock_levels.get(location, item)


def _audit(engine: Engine) -> list[dict[str, Any]]:
    a = tables.audit
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.c.user_name, a.c.action, a.c.entity_key, a.c.before, a.c.after)
            .where(a.c.entity.in_(("stock_level", "recommendation")))
            .order_by(a.c.id)
        ).all()
    return [
        {
            "user": r.user_name,
            "action": r.action,
            "key": r.entity_key,
            "before": None if r.before is None else json.loads(r.before),
            "after": None if r.after is None else json.loads(r.after),
        }
        for r in rows
    ]


def _statuses(engine: Engine) -> dict[int, tuple[str, str | None]]:
    rc = tables.recommendation
    with engine.connect() as conn:
        rows = conn.execute(select(rc.c.id, rc.c.status, rc.c.decided_by)).all()
    return {r.id: (r.status, r.decided_by) for r in rows}


def _recommendation(
    location: int,
    item: int,
    low: int,
    high: int,
    *,
    current: tuple[int, int] | None = None,
    **timing: int,
) -> Recommendation:
    explanation = {"min": low, "max": high, "method": "sba", **timing}
    return Recommendation(
        location_id=location,
        item_id=item,
        min_level=low,
        max_level=high,
        current_min=current[0] if current else None,
        current_max=current[1] if current else None,
        explanation=json.dumps(explanation, sort_keys=True),
    )


def _class_row(location: int, item: int) -> dict[str, object]:
    return {
        "location_id": location,
        "item_id": item,
        "abc": "A",
        "xyz": "Y",
        "demand_class": "lumpy",
        "lifecycle": "active",
        "mean_daily_demand": 1.25,
        "forecast_daily": 1.3,
        "sd_daily_demand": 2.5,
        "annual_value": 3400.0,
        "method": "sba",
        "distribution": "empirical",
        "min_level": 4,
        "max_level": 12,
        "target": 0.95,
    }


def _propose(engine: Engine, recs: list[Recommendation], **kwargs: Any) -> int:
    with SqlUnitOfWork(engine) as uow:
        return levels.propose(uow, recommendations=recs, user="planner", clock=AT_NOW, **kwargs)


def _pending_ids(engine: Engine) -> list[int]:
    return sorted(i for i, (status, _) in _statuses(engine).items() if status == "pending")


def test_setting_levels_saves_them_and_audits_before_and_after(hospital: Engine) -> None:
    places, items = _ids(hospital)
    pocket, onda = places["ICU-ADC1-P01"], items["ONDA4INJ"]

    for low, high in ((4, 20), (6, 24)):
        with SqlUnitOfWork(hospital) as uow:
            levels.set_stock_level(
                uow,
                level=StockLevel(pocket, onda, low, high, lead_time_days=2),
                user="tech",
                clock=AT_NOW,
            )

    assert _level(hospital, pocket, onda) == StockLevel(pocket, onda, 6, 24, 2, 1)
    first, second = _audit(hospital)
    assert (first["action"], first["user"], first["key"]) == (
        "set-levels",
        "tech",
        f"{pocket}:{onda}",
    )
    assert first["before"] is None
    assert second["before"] == {
        "min_level": 4,
        "max_level": 20,
        "lead_time_days": 2,
        "review_period_days": 1,
    }
    assert second["after"]["min_level"] == 6


def test_levels_out_of_order_are_refused_before_anything_is_written() -> None:
    with pytest.raises(InvalidValue, match="max"):
        StockLevel(1, 1, min_level=5, max_level=4)


def test_a_proposal_stores_pending_recommendations_and_the_runs_classes(hospital: Engine) -> None:
    places, items = _ids(hospital)
    pocket, onda = places["ICU-ADC1-P01"], items["ONDA4INJ"]
    recs = [
        _recommendation(pocket, onda, 4, 12),
        _recommendation(places["ED-ADC1-P01"], onda, 2, 9),
    ]

    added = _propose(hospital, recs, classes=[_class_row(pocket, onda)])

    assert added == 2
    assert [s for s, _ in _statuses(hospital).values()] == ["pending", "pending"]
    with hospital.connect() as conn:
        stored = conn.execute(select(tables.series_class)).mappings().all()
    assert [(r["location_id"], r["abc"], r["distribution"]) for r in stored] == [
        (pocket, "A", "empirical")
    ]
    audit = _audit(hospital)[-1]
    assert audit["action"] == "propose-levels"
    assert audit["after"] == {"proposed": 2, "superseded": 0, "series": 1}


def test_a_new_run_supersedes_the_pending_recommendation_of_the_same_pocket(
    hospital: Engine,
) -> None:
    places, items = _ids(hospital)
    pocket, onda = places["ICU-ADC1-P01"], items["ONDA4INJ"]
    other = places["ED-ADC1-P01"]
    _propose(hospital, [_recommendation(pocket, onda, 4, 12), _recommendation(other, onda, 1, 5)])
    old = _pending_ids(hospital)

    _propose(hospital, [_recommendation(pocket, onda, 5, 14)])

    statuses = _statuses(hospital)
    assert statuses[old[0]] == ("superseded", "planning run")
    assert statuses[old[1]][0] == "pending"
    assert _audit(hospital)[-1]["after"]["superseded"] == 1
    with SqlUnitOfWork(hospital) as uow, pytest.raises(AlreadyDecided, match="superseded"):
        levels.decide(uow, recommendation_id=old[0], accept=True, user="manager", clock=LATER)


def test_a_later_run_replaces_the_classes_of_the_last_one(hospital: Engine) -> None:
    places, items = _ids(hospital)
    first = _class_row(places["ICU-ADC1-P01"], items["ONDA4INJ"])
    second = {**_class_row(places["ED-ADC1-P01"], items["ONDA4INJ"]), "abc": "C"}
    _propose(hospital, [], classes=[first])

    _propose(hospital, [], classes=[second])

    with hospital.connect() as conn:
        stored = conn.execute(select(tables.series_class)).mappings().all()
    assert [(r["location_id"], r["abc"]) for r in stored] == [(places["ED-ADC1-P01"], "C")]


def test_accepting_changes_the_levels_and_audits_the_change(hospital: Engine) -> None:
    places, items = _ids(hospital)
    pocket, morph = places["ICU-ADC1-P02"], items["MORPH2INJ"]
    with SqlUnitOfWork(hospital) as uow:
        levels.set_stock_level(
            uow, level=StockLevel(pocket, morph, 2, 10), user="tech", clock=AT_NOW
        )
    _propose(hospital, [_recommendation(pocket, morph, 3, 14, current=(2, 10), lead_time_days=2)])
    (rec_id,) = _pending_ids(hospital)

    with SqlUnitOfWork(hospital) as uow:
        decided = levels.decide(
            uow, recommendation_id=rec_id, accept=True, user="manager", clock=LATER
        )

    assert (decided.status, decided.decided_by) == (Decision.ACCEPTED, "manager")
    assert _level(hospital, pocket, morph) == StockLevel(pocket, morph, 3, 14, 2, 1)
    assert _statuses(hospital)[rec_id] == ("accepted", "manager")
    audit = _audit(hospital)[-1]
    assert (audit["action"], audit["user"], audit["key"]) == (
        "accept-levels",
        "manager",
        f"{pocket}:{morph}",
    )
    assert audit["before"]["min_level"] == 2
    assert audit["after"] == {
        "min_level": 3,
        "max_level": 14,
        "lead_time_days": 2,
        "review_period_days": 1,
        "recommendation": rec_id,
    }


def test_rejecting_leaves_the_levels_alone(hospital: Engine) -> None:
    places, items = _ids(hospital)
    pocket, onda = places["ICU-ADC1-P01"], items["ONDA4INJ"]
    _propose(hospital, [_recommendation(pocket, onda, 4, 12)])
    (rec_id,) = _pending_ids(hospital)

    with SqlUnitOfWork(hospital) as uow:
        decided = levels.decide(
            uow, recommendation_id=rec_id, accept=False, user="manager", clock=LATER
        )

    assert decided.status == Decision.REJECTED
    assert _level(hospital, pocket, onda) is None
    assert _audit(hospital)[-1]["action"] == "reject-levels"


def test_a_recommendation_is_decided_only_once(hospital: Engine) -> None:
    places, items = _ids(hospital)
    _propose(hospital, [_recommendation(places["ICU-ADC1-P01"], items["ONDA4INJ"], 4, 12)])
    (rec_id,) = _pending_ids(hospital)
    with SqlUnitOfWork(hospital) as uow:
        levels.decide(uow, recommendation_id=rec_id, accept=True, user="manager", clock=LATER)

    with SqlUnitOfWork(hospital) as uow, pytest.raises(AlreadyDecided, match="accepted"):
        levels.decide(uow, recommendation_id=rec_id, accept=False, user="director", clock=LATER)

    assert _statuses(hospital)[rec_id] == ("accepted", "manager")
    assert [a["action"] for a in _audit(hospital)].count("accept-levels") == 1


def test_a_recommendation_made_before_the_levels_changed_cannot_be_accepted(
    hospital: Engine,
) -> None:
    places, items = _ids(hospital)
    pocket, morph = places["ICU-ADC1-P02"], items["MORPH2INJ"]
    _propose(hospital, [_recommendation(pocket, morph, 3, 14)])  # made when no level was set
    (rec_id,) = _pending_ids(hospital)
    with SqlUnitOfWork(hospital) as uow:
        levels.set_stock_level(
            uow, level=StockLevel(pocket, morph, 5, 20), user="tech", clock=AT_NOW
        )

    with SqlUnitOfWork(hospital) as uow, pytest.raises(StaleRecommendation, match="out of date"):
        levels.decide(uow, recommendation_id=rec_id, accept=True, user="manager", clock=LATER)

    assert _level(hospital, pocket, morph) == StockLevel(pocket, morph, 5, 20)
    assert _statuses(hospital)[rec_id] == ("pending", None)


def test_a_later_run_supersedes_what_it_no_longer_proposes(hospital: Engine) -> None:
    places, items = _ids(hospital)
    pocket, onda = places["ICU-ADC1-P01"], items["ONDA4INJ"]
    _propose(hospital, [_recommendation(pocket, onda, 4, 12)])
    (first,) = _pending_ids(hospital)

    with SqlUnitOfWork(hospital) as uow:  # the next run finds the levels right: no proposal
        levels.propose(
            uow, recommendations=[], classes=[_class_row(pocket, onda)], user="cli", clock=LATER
        )

    assert _pending_ids(hospital) == []
    assert _statuses(hospital)[first][0] == "superseded"


def test_an_unknown_recommendation_is_not_found(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital) as uow, pytest.raises(NotFound, match="recommendation"):
        levels.decide(uow, recommendation_id=999, accept=True, user="manager", clock=LATER)


def test_two_managers_deciding_at_once_never_both_win(hospital: Engine) -> None:
    places, items = _ids(hospital)
    pocket, onda = places["ICU-ADC1-P01"], items["ONDA4INJ"]
    rounds = 6
    for k in range(rounds):
        _propose(hospital, [_recommendation(pocket, onda, k, 10 + k)])
    # each proposal supersedes the last one for the pocket: make them all pending again; and
    # clear the level before each round, so no accepted one makes the next out of date
    rc = tables.recommendation
    with hospital.begin() as conn:
        conn.execute(rc.update().values(status="pending", decided_by=None, decided_at=None))
    ids = sorted(_statuses(hospital))

    outcomes: dict[int, list[str]] = {i: [] for i in ids}
    failures: list[BaseException] = []
    lock = threading.Lock()

    def manager(name: str, accept: bool, rec_id: int, gate: threading.Barrier) -> None:
        gate.wait()
        try:
            with SqlUnitOfWork(hospital) as uow:
                levels.decide(uow, recommendation_id=rec_id, accept=accept, user=name, clock=LATER)
            result = name
        except AlreadyDecided:
            result = "already decided"
        except BaseException as exc:  # anything else is a failure of the test
            failures.append(exc)
            return
        with lock:
            outcomes[rec_id].append(result)

    for rec_id in ids:
        with hospital.begin() as conn:
            conn.execute(tables.stock_level.delete())
        gate = threading.Barrier(2)
        threads = [
            threading.Thread(target=manager, args=("ana", True, rec_id, gate)),
            threading.Thread(target=manager, args=("ben", rec_id % 2 == 0, rec_id, gate)),
        ]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

    assert failures == []
    statuses = _statuses(hospital)
    decisions = [a for a in _audit(hospital) if a["action"] in ("accept-levels", "reject-levels")]
    assert len(decisions) == rounds
    for rec_id in ids:
        winners = [o for o in outcomes[rec_id] if o != "already decided"]
        assert len(winners) == 1, outcomes[rec_id]
        assert sorted(outcomes[rec_id]) == sorted([winners[0], "already decided"])
        assert statuses[rec_id][1] == winners[0]
        recorded = [d for d in decisions if d["after"]["recommendation"] == rec_id]
        assert [d["user"] for d in recorded] == winners
