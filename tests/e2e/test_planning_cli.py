"""``rxsupply analyze | forecast | plan | simulate`` on analysts' files and on the database."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest
from sqlalchemy import func, select
from tests.conftest import demo_copy, shared_data
from tests.e2e.cli_runner import Rx

from rxsupply.adapters import tables
from rxsupply.adapters.database import make_engine
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.planning import PLAN_COLUMNS
from rxsupply.services import planning

START = date(2025, 1, 1)
DEMO_NOW = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)
"""11:00 in New York on 1 November 2026; the demo's history ends the day before."""
AT_DEMO = FixedClock(DEMO_NOW, zone=ZoneInfo("America/New_York"))


def _demand_file(path: Path, *, series: int = 12, days: int = 240, seed: int = 3) -> Path:
    rng = np.random.default_rng(seed)
    rates = np.exp(rng.uniform(np.log(0.02), np.log(4.0), size=series))
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["series_id", "date", "quantity"])
        for s, rate in enumerate(rates.tolist()):
            for d in range(days):
                q = int(rng.poisson(rate))
                if q:
                    writer.writerow([f"S{s:02d}", (START + timedelta(days=d)).isoformat(), q])
    return path


def test_forecast_on_a_file_writes_one_row_per_series_and_day(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")
    out = tmp_path / "forecast.csv"

    ran = rx(
        "forecast", "--demand", str(demand), "--method", "tsb", "--horizon", "7", "--out", str(out)
    )

    assert ran.code == 0, ran.err
    frame = pl.read_csv(out)
    assert frame.columns == ["series_id", "date", "forecast"]
    assert frame.height == 12 * 7
    assert frame["date"].min() == "2025-08-29"  # the day after the file's last day
    assert (frame["forecast"] >= 0).all()


def test_plan_on_a_file_explains_every_recommendation(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")
    out = tmp_path / "plan.csv"

    ran = rx(
        "plan",
        "--demand",
        str(demand),
        "--lead-time-days",
        "2",
        "--review-period-days",
        "3",
        "--service-level",
        "0.95",
        "--service-measure",
        "cycle",
        "--out",
        str(out),
    )

    assert ran.code == 0, ran.err
    frame = pl.read_csv(out)
    for column in (
        "series_id",
        "min",
        "max",
        "reorder_point",
        "order_up_to",
        "safety_stock",
        "mean_daily_demand",
        "method",
        "distribution",
    ):
        assert column in frame.columns
    assert frame.height == 12
    assert (frame["max"] >= frame["min"]).all()
    assert set(frame["protection_days"].to_list()) == {4}
    assert set(frame["service_measure"].to_list()) == {"cycle"}


def test_plan_takes_dead_series_out_of_stock_unless_told_to_keep_them(
    rx: Rx, tmp_path: Path
) -> None:
    demand = _demand_file(tmp_path / "demand.csv", days=240)
    with demand.open("a", newline="") as handle:  # used in January only: dead by September
        writer = csv.writer(handle)
        for d in range(30):
            writer.writerow(["OLD", (START + timedelta(days=d)).isoformat(), 2])
    removed, kept = tmp_path / "removed.csv", tmp_path / "kept.csv"

    first = rx("plan", "--demand", str(demand), "--out", str(removed))
    second = rx("plan", "--demand", str(demand), "--keep-dead", "--out", str(kept))

    assert (first.code, second.code) == (0, 0), first.err + second.err
    old = pl.read_csv(removed).filter(pl.col("series_id") == "OLD").row(0, named=True)
    assert (old["lifecycle"], old["do_not_stock"], old["min"], old["max"]) == ("dead", True, 0, 0)
    again = pl.read_csv(kept).filter(pl.col("series_id") == "OLD").row(0, named=True)
    assert (again["do_not_stock"], again["max"] >= 1) == (False, True)
    assert pl.read_csv(removed)["do_not_stock"].sum() == 1


def test_simulate_on_files_replays_the_policy_file(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")
    plan_file = tmp_path / "plan.csv"
    assert rx("plan", "--demand", str(demand), "--out", str(plan_file)).code == 0
    out = tmp_path / "sim.csv"

    ran = rx("simulate", "--demand", str(demand), "--policy", str(plan_file), "--out", str(out))

    assert ran.code == 0, ran.err
    frame = pl.read_csv(out)
    assert frame.height == 12
    assert ((frame["fill_rate"] >= 0) & (frame["fill_rate"] <= 1)).all()
    assert (frame["served"] <= frame["demand"]).all()


def test_a_bad_quantity_is_named_by_file_row_and_field(rx: Rx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("series_id,date,quantity\nA,2025-01-01,3\nA,2025-01-02,-1\n")

    ran = rx("forecast", "--demand", str(bad), "--out", str(tmp_path / "f.csv"))

    assert ran.code == 1
    assert "bad.csv, row 2, field quantity" in ran.message
    assert not (tmp_path / "f.csv").exists()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("command", ["plan", "forecast", "analyze", "simulate"])
def test_an_unknown_column_in_a_demand_file_is_named_and_nothing_is_written(
    rx: Rx, tmp_path: Path, command: str, suffix: str
) -> None:
    demand = pl.read_csv(_demand_file(tmp_path / "demand.csv", series=2), infer_schema=False)
    extra = tmp_path / f"extra{suffix}"
    with_extra = demand.with_columns(pl.lit("x").alias("Extra"))
    if suffix == ".parquet":
        with_extra.write_parquet(extra)
    else:
        with_extra.write_csv(extra)
    policy = tmp_path / "policy.csv"
    policy.write_text("series_id,min,max\nS00,1,4\nS01,1,4\n")
    out = tmp_path / "out.csv"
    args = ["--policy", str(policy)] if command == "simulate" else []

    ran = rx(command, "--demand", str(extra), *args, "--out", str(out))

    assert ran.code == 1
    assert f"extra{suffix}, field extra: unknown column; expected series_id" in ran.message
    assert not out.exists()


def test_an_unknown_method_is_refused(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")

    ran = rx("forecast", "--demand", str(demand), "--method", "prophet")

    assert ran.code == 1
    assert "--method 'prophet'" in ran.message


def test_analyze_report_is_one_html_file_with_plotly_inside(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")
    report = tmp_path / "report.html"

    ran = rx("analyze", "--demand", str(demand), "--report", str(report), "--json")

    assert ran.code == 0, ran.err
    text = report.read_text()
    assert "ABC / XYZ matrix" in text and "Pareto curve" in text
    assert "<script src=" not in text and "Plotly" in text  # plotly.js inline, no CDN
    assert {r["abc"] for r in ran.json()} <= {"A", "B", "C"}


def test_mimic_orders_become_a_demand_file_the_planner_reads(rx: Rx, tmp_path: Path) -> None:
    demand = tmp_path / "mimic.parquet"

    ran = rx(
        "import",
        "mimic-prescriptions",
        str(shared_data("mimic-iii-demo")),
        "--start",
        "2025-01-01",
        "--days",
        "365",
        "--out",
        str(demand),
        "--json",
    )
    planned = rx("plan", "--demand", str(demand), "--out", str(tmp_path / "plan.csv"))

    assert ran.code == 0, ran.err
    assert ran.json()["orders_used"] > 10_000
    assert planned.code == 0, planned.err
    assert pl.read_csv(tmp_path / "plan.csv").height == ran.json()["series"]


# --- on the database --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo hospital with 100 days of history, built once for these tests."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    demo_copy(path, clock=AT_DEMO, user="demo", seed=11, days=100).dispose()
    return path


@pytest.fixture
def demo(demo_db: Path, rx: Rx, monkeypatch: pytest.MonkeyPatch) -> Rx:
    monkeypatch.setattr(context, "now", lambda: DEMO_NOW)  # the day after the demo's history
    rx.db = demo_db
    return rx


def test_analyze_on_the_database_classes_every_pocket(demo: Rx) -> None:
    ran = demo("analyze", "--json")

    assert ran.code == 0, ran.err
    rows = ran.json()
    assert len(rows) > 5_000
    assert {r["abc"] for r in rows} == {"A", "B", "C"}
    assert {"intermittent", "smooth"} <= {r["demand_class"] for r in rows}


def test_plan_propose_stores_classes_and_pending_recommendations(demo: Rx) -> None:
    ran = demo("--user", "ana", "plan", "--propose", "--json")

    assert ran.code == 0, ran.err
    engine = make_engine(f"sqlite:///{demo.db}")
    with engine.connect() as conn:
        classes = conn.execute(select(func.count()).select_from(tables.series_class)).scalar()
        pending = conn.execute(
            select(func.count())
            .select_from(tables.recommendation)
            .where(tables.recommendation.c.status == "pending")
        ).scalar()
        explanation = conn.execute(select(tables.recommendation.c.explanation).limit(1)).scalar()
        audited = conn.execute(
            select(tables.audit.c.user_name, tables.audit.c.at).where(
                tables.audit.c.action == "propose-levels"
            )
        ).all()
    engine.dispose()
    assert [tuple(a) for a in audited] == [("ana", DEMO_NOW)]
    assert classes == len(ran.json())
    assert pending and pending > 100
    assert explanation is not None
    assert {"method", "distribution", "target", "safety_stock"} <= set(json.loads(explanation))


def test_plan_propose_without_a_user_is_refused_before_planning(
    demo: Rx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RXSUPPLY_USER", raising=False)

    ran = demo("plan", "--propose", "--json")

    assert ran.code == 1
    assert "--user" in ran.message
    assert ran.out == ""


PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def staffed(demo: Rx, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Rx:
    """A copy of the demo with users: boss (admin), mia (manager), tara (technician) and
    casey (compliance); commands act as boss unless told otherwise."""
    demo.db = tmp_path / "staffed.db"
    demo.db.write_bytes(demo_db.read_bytes())
    first = demo("users", "add", "boss", "--role", "admin", "--password", PASSWORD)
    assert first.code == 0, first.err
    monkeypatch.setenv("RXSUPPLY_USER", "boss")
    for name, role in (("mia", "manager"), ("tara", "technician"), ("casey", "compliance")):
        ran = demo("users", "add", name, "--role", role, "--password", PASSWORD)
        assert ran.code == 0, ran.err
    return demo


def _stored_plans(rx: Rx) -> tuple[int, list[str]]:
    """The recommendations stored and who each stored planning run is audited under."""
    engine = make_engine(f"sqlite:///{rx.db}")
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(tables.recommendation)).scalar()
        runs = (
            conn.execute(
                select(tables.audit.c.user_name).where(tables.audit.c.action == "propose-levels")
            )
            .scalars()
            .all()
        )
    engine.dispose()
    return int(stored or 0), list(runs)


@pytest.mark.parametrize(("user", "role"), [("tara", "technician"), ("casey", "compliance")])
def test_only_who_may_set_levels_proposes_them_or_decides_them(
    staffed: Rx, user: str, role: str
) -> None:
    # as the API's /planning/run and /planning/jobs: set_levels, checked before a long run
    before = _stored_plans(staffed)

    proposed = staffed("--user", user, "plan", "--propose", "--json")
    accepted = staffed("--user", user, "proposals", "accept", "--expected", "0")
    rejected = staffed("--user", user, "proposals", "reject", "--expected", "0")

    refusal = f"{user} ({role}) may not set_levels"
    assert (proposed.code, proposed.out) == (1, "")
    assert refusal in proposed.message
    assert accepted.code == rejected.code == 1
    assert refusal in accepted.message and refusal in rejected.message
    assert _stored_plans(staffed) == before


def test_anyone_plans_without_proposing_and_a_manager_proposes(staffed: Rx, tmp_path: Path) -> None:
    before = _stored_plans(staffed)
    demand = _demand_file(tmp_path / "demand.csv", series=3)

    read_only = staffed("--user", "tara", "plan", "--json")
    on_a_file = staffed("--user", "casey", "plan", "--demand", str(demand), "--json")
    assert (read_only.code, on_a_file.code) == (0, 0), read_only.err + on_a_file.err
    assert _stored_plans(staffed) == before
    assert len(on_a_file.json()) == 3

    proposed = staffed("--user", "mia", "plan", "--propose", "--out", str(tmp_path / "p.csv"))

    assert proposed.code == 0, proposed.err
    stored, runs = _stored_plans(staffed)
    assert stored > before[0] and runs == [*before[1], "mia"]


def test_simulate_on_the_database_compares_current_and_recommended(demo: Rx) -> None:
    ran = demo("simulate", "--holdout-days", "30", "--json")

    assert ran.code == 0, ran.err
    current, recommended = ran.json()
    assert current["policy"] == "current" and recommended["policy"] == "recommended"
    assert current["demand"] == recommended["demand"] > 0
    assert 0.5 < recommended["fill_rate"] <= 1.0


def test_a_bigger_budget_never_buys_a_lower_min(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")
    mins: dict[int, list[int]] = {}
    targets: dict[int, float] = {}

    for budget in (150, 160, 5_000):
        out = tmp_path / f"plan-{budget}.csv"
        ran = rx("plan", "--demand", str(demand), "--budget", str(budget), "--out", str(out))
        assert ran.code == 0, ran.err
        mins[budget] = pl.read_csv(out)["min"].to_list()
        targets[budget] = float(pl.read_csv(out)["target"].to_numpy().mean())

    assert all(a <= b for a, b in zip(mins[150], mins[160], strict=True))
    assert all(a <= b for a, b in zip(mins[160], mins[5_000], strict=True))
    assert targets[150] <= targets[160] <= targets[5_000]


def test_a_budget_below_the_leanest_plan_is_refused(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")

    ran = rx("plan", "--demand", str(demand), "--budget", "5")

    assert ran.code == 1
    assert "cannot be met" in ran.message


def test_a_budget_cannot_be_split_across_a_cluster(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")

    ran = rx("plan", "--demand", str(demand), "--budget", "100", "--scheduler", "tcp://127.0.0.1:1")

    assert ran.code == 1
    assert "--budget" in ran.message and "without --scheduler" in ran.message


def test_abc_shares_move_series_between_classes(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")

    default = rx("analyze", "--demand", str(demand), "--json")
    narrow = rx("analyze", "--demand", str(demand), "--abc-shares", "0.5,0.3", "--json")

    assert default.code == 0 and narrow.code == 0, narrow.err
    count_a = sum(r["abc"] == "A" for r in default.json())
    assert sum(r["abc"] == "A" for r in narrow.json()) < count_a


def test_shares_that_do_not_add_up_are_refused(rx: Rx, tmp_path: Path) -> None:
    demand = _demand_file(tmp_path / "demand.csv")

    ran = rx("plan", "--demand", str(demand), "--abc-shares", "0.9,0.3")

    assert ran.code == 1
    assert "--abc-shares" in ran.message


def test_the_service_curve_replays_our_plan_the_textbook_and_the_current_levels(
    demo_db: Path,
) -> None:
    engine = make_engine(f"sqlite:///{demo_db}")
    with SqlUnitOfWork(engine, readonly=True) as uow:
        history = planning.load_history(uow, clock=AT_DEMO, days=100)
    engine.dispose()

    points = planning.service_curve(history, holdout_days=30, levels=(0.9, 0.99))

    methods = [p["method"] for p in points]
    assert methods.count("rxsupply") == methods.count("textbook") == 2
    assert methods.count("rxsupply budget") == len(planning.BUDGET_SHARES)
    assert methods.count("current") == 1
    assert all(0.0 <= p["fill_rate"] <= 1.0 and p["value"] >= 0 for p in points)
    ours = {p["target"]: p for p in points if p["method"] == "rxsupply"}
    assert ours[0.9]["value"] <= ours[0.99]["value"]


def test_the_demo_proposals_are_ones_a_pharmacist_would_accept(demo: Rx) -> None:
    # no stocked pocket empty before its refill, no controlled pocket in use at min 0, no
    # storeroom max above its days-of-supply ceiling, and the replay worth less stock with
    # fewer stock-out days, planned on the 70 days the ledger holds before the 30 replayed (the
    # history starts on the ledger's first day, and the go-live's loads of the cabinets are
    # not the storeroom's use)
    planned = demo("plan", "--json")
    replayed = demo("simulate", "--holdout-days", "30", "--json")

    assert planned.code == 0, planned.err
    assert replayed.code == 0, replayed.err
    rows = planned.json()
    pockets = [r for r in rows if r["location_kind"] == "pocket"]
    stores = [r for r in rows if r["location_kind"] == "storeroom"]
    assert pockets and stores
    assert all(r["min"] >= 1 for r in pockets if not r["do_not_stock"])
    assert all(r["min"] >= 1 for r in pockets if r["controlled"] and r["mean_daily_demand"] > 0)
    assert all(r["max"] <= r["max_ceiling"] for r in stores if r["max_ceiling"])
    assert all(r["max"] % r["case_pack"] == r["min"] % r["case_pack"] for r in stores)
    assert all(
        r["safety_stock"]
        == pytest.approx(r["min"] - r["mean_daily_demand"] * r["protection_days"], abs=2e-3)
        for r in rows
    )
    current, recommended = replayed.json()
    assert recommended["average_value"] < current["average_value"]
    assert recommended["stockout_days"] < current["stockout_days"]
    assert recommended["stockout_days"] == (
        recommended["pocket_stockout_days"] + recommended["storeroom_stockout_days"]
    )


def test_the_ward_costs_are_set_in_the_environment_and_stated_on_every_row(
    demo: Rx, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_default = demo("plan", "--json")
    monkeypatch.setenv("RXSUPPLY_STOREROOM_STOCKOUT_COST", "400")
    monkeypatch.setenv("RXSUPPLY_POCKET_STOCKOUT_COST", "20")
    monkeypatch.setenv("RXSUPPLY_CEILING_DAYS_A", "7")
    costly = demo("plan", "--json")

    assert by_default.code == 0 and costly.code == 0, costly.err

    def costs(rows: list[dict[str, Any]], kind: str) -> set[float]:
        plain = [r for r in rows if r["location_kind"] == kind and not r["controlled"]]
        return {r["stockout_cost"] for r in plain if r["stockout_cost"] in {20, 50, 150, 400}}

    assert costs(by_default.json(), "storeroom") == {150.0}
    assert costs(by_default.json(), "pocket") == {50.0}
    assert costs(costly.json(), "storeroom") == {400.0}
    assert costs(costly.json(), "pocket") == {20.0}
    a_stores = [r for r in costly.json() if r["location_kind"] == "storeroom" and r["abc"] == "A"]
    assert a_stores
    assert all(r["ceiling_days"] == 7 for r in a_stores)


def test_a_ward_cost_below_zero_is_refused_naming_the_setting(
    demo: Rx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RXSUPPLY_STOREROOM_STOCKOUT_COST", "-5")

    ran = demo("plan", "--json")

    assert ran.code != 0
    assert "RXSUPPLY_STOREROOM_STOCKOUT_COST '-5': input should be greater than or equal to 0" in (
        ran.err
    )


def _with_costs(demand: Path, costs: dict[str, str], name: str = "priced.csv") -> Path:
    frame = pl.read_csv(demand, infer_schema=False)
    priced = frame.with_columns(
        pl.col("series_id").replace_strict(costs, default="").alias("unit_cost")
    )
    out = demand.with_name(name)
    priced.write_csv(out)
    return out


def test_plan_on_a_file_with_prices_and_costs(rx: Rx, tmp_path: Path) -> None:
    # the same history priced: a dear series orders less at a time than a cheap one, dearer
    # orders bring more, and a stock-out cost raises mins; the contract's columns stay
    demand = _demand_file(tmp_path / "demand.csv", series=2, seed=5)
    flat = _with_costs(demand, {"S00": "1", "S01": "1"}, "flat.csv")
    priced = _with_costs(demand, {"S00": "0.05", "S01": "400"})
    runs = {}
    for label, path, extra in (
        ("flat", flat, []),
        ("priced", priced, []),
        ("dear orders", priced, ["--order-cost", "40"]),
        ("stock-outs", priced, ["--stockout-cost", "500"]),
    ):
        out = tmp_path / f"plan {label}.csv"
        ran = rx("plan", "--demand", str(path), "--out", str(out), *extra)
        assert ran.code == 0, ran.err
        runs[label] = pl.read_csv(out).sort("series_id")

    assert set(PLAN_COLUMNS) <= set(runs["flat"].columns)  # the file contract
    q = {k: (v["max"] - v["min"]).to_list() for k, v in runs.items()}
    assert q["priced"][0] > q["priced"][1]  # the cheap series orders more at once
    assert all(a >= b for a, b in zip(q["dear orders"], q["priced"], strict=True))
    assert sum(q["dear orders"]) > sum(q["priced"])
    assert all(
        a >= b for a, b in zip(runs["stock-outs"]["min"], runs["priced"]["min"], strict=True)
    )
    assert runs["stock-outs"]["min"].sum() > runs["priced"]["min"].sum()


def test_simulate_on_files_values_stock_at_the_demand_files_unit_costs(
    rx: Rx, tmp_path: Path
) -> None:
    # the plan file carries no unit_cost (its columns are a contract): the demand file's
    # prices each series; a policy file's own unit_cost column wins over it
    demand = _with_costs(
        _demand_file(tmp_path / "demand.csv", series=2), {"S00": "0.5", "S01": "40"}
    )
    plan_file = tmp_path / "plan.csv"
    assert rx("plan", "--demand", str(demand), "--out", str(plan_file)).code == 0
    assert "unit_cost" not in pl.read_csv(plan_file).columns
    own = tmp_path / "own.csv"
    pl.read_csv(plan_file).select("series_id", "min", "max").with_columns(
        unit_cost=pl.lit(2.0)
    ).write_csv(own)
    runs = {}
    for label, policy in (("plan", plan_file), ("own", own)):
        out = tmp_path / f"sim {label}.csv"
        ran = rx("simulate", "--demand", str(demand), "--policy", str(policy), "--out", str(out))
        assert ran.code == 0, ran.err
        runs[label] = pl.read_csv(out).sort("series_id")

    priced = runs["plan"]
    assert priced["series_id"].to_list() == ["S00", "S01"]
    assert (priced["average_on_hand"] > 0).all()
    for row, cost in zip(priced.iter_rows(named=True), (0.5, 40.0), strict=True):
        assert row["average_value"] == pytest.approx(row["average_on_hand"] * cost, abs=0.03)
    for row in runs["own"].iter_rows(named=True):
        assert row["average_value"] == pytest.approx(row["average_on_hand"] * 2.0, abs=0.01)


def test_a_bad_unit_cost_is_named_by_file_row_and_field(rx: Rx, tmp_path: Path) -> None:
    demand = _with_costs(_demand_file(tmp_path / "demand.csv", series=2), {"S00": "x"})

    ran = rx("plan", "--demand", str(demand))

    assert ran.code == 1
    assert "priced.csv, row 1, field unit_cost" in ran.message


def test_a_proposals_filter_with_an_unknown_kind_or_class_is_refused_and_decides_nothing(
    rx: Rx,
) -> None:
    summary = rx("proposals", "summary", "--kind", "foo")
    accepted = rx("--user", "ana", "proposals", "accept", "--kind", "adc", "--json")
    rejected = rx("--user", "ana", "proposals", "reject", "--abc", "D")
    fine = rx("proposals", "summary", "--kind", "Storeroom", "--abc", "a", "--json")

    assert summary.code == 1 and "kind 'foo': must be pocket, storeroom or satellite" in (
        summary.message
    )
    assert accepted.code == 1 and "kind 'adc'" in accepted.message and accepted.out == ""
    assert rejected.code == 1 and "class 'D': must be A, B or C" in rejected.message
    assert fine.code == 0, fine.err
    assert fine.json()[0]["filter"] == {"abc": "A", "kind": "storeroom"}
    engine = make_engine(f"sqlite:///{rx.db}")
    with engine.connect() as conn:
        audited = conn.execute(
            select(func.count()).where(tables.audit.c.action.like("%levels-batch"))
        ).scalar_one()
    engine.dispose()
    assert audited == 0


def test_proposals_are_summarised_and_accepted_by_batch_from_the_command_line(
    demo: Rx, demo_db: Path, tmp_path: Path
) -> None:
    # on a copy of the demo: a batch's summary, a count that no longer matches refused whole,
    # then the batch accepted in one action naming its user
    demo.db = tmp_path / "demo.db"
    demo.db.write_bytes(demo_db.read_bytes())
    assert demo("--user", "ana", "plan", "--propose", "--out", str(tmp_path / "p.csv")).code == 0

    summary = demo("proposals", "summary", "--kind", "storeroom", "--json")
    assert summary.code == 0, summary.err
    total = summary.json()[0]["total"]
    count = int(total["proposals"])
    assert count > 0 and set(summary.json()[0]["by_kind"]) == {"storeroom"}
    stale = demo(
        "--user", "ana", "proposals", "accept", "--kind", "storeroom", "--expected", str(count + 1)
    )
    accepted = demo(
        "--user",
        "ana",
        "proposals",
        "accept",
        "--kind",
        "storeroom",
        "--expected",
        str(count),
        "--json",
    )

    assert stale.code == 1 and "review it again" in stale.message
    assert accepted.code == 0, accepted.err
    body = accepted.json()[0]
    assert (body["decision"], body["decided"] + body["skipped"]) == ("accepted", count)
    after = demo("proposals", "summary", "--kind", "storeroom", "--json")
    assert after.json()[0]["total"]["proposals"] == 0
    engine = make_engine(f"sqlite:///{demo.db}")
    with engine.connect() as conn:
        users = (
            conn.execute(
                select(tables.audit.c.user_name).where(
                    tables.audit.c.action == "accept-levels-batch"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert users == ["ana"]
