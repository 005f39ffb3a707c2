"""The demo hospital's tree: a health system, its hospitals, each with a storeroom, a quarantine
shelf, two satellites and 30 ADCs on named nursing units, and the pockets each ADC stocks
(which items, at what mean daily use, min and max, pocket capacity)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rxsupply.domain.location import Location, LocationKind
from rxsupply.services.ports import DemoItem

SYSTEM = "DEMO"


@dataclass(slots=True)
class DemoPocket:
    """An ADC pocket of the demo: its item (index in the catalogue), area, mean daily use and
    levels."""

    location_id: int
    item_index: int
    area: str
    rate: float
    min_level: int
    max_level: int
    code: str


# Nursing units with their ADCs: (unit, area, ADC names). 30 ADCs per facility.
UNITS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Emergency Department", "ED", ("ED-1", "ED-2", "ED-3", "ED-TRAUMA")),
    ("Medical ICU", "ICU", ("MICU-1", "MICU-2")),
    ("Surgical ICU", "ICU", ("SICU-1", "SICU-2")),
    ("Cardiovascular ICU", "ICU", ("CVICU-1",)),
    ("Operating Rooms", "OR", ("OR-1", "OR-2", "OR-3", "OR-4", "OR-5", "OR-6")),
    ("Post-Anesthesia Care", "OR", ("PACU-1",)),
    ("Labor and Delivery", "L&D", ("LD-1", "LD-2", "LD-3")),
    ("3 West Med-Surg", "MEDSURG", ("3W-1", "3W-2", "3W-3")),
    ("4 West Med-Surg", "MEDSURG", ("4W-1", "4W-2")),
    ("5 East Med-Surg", "MEDSURG", ("5E-1", "5E-2")),
    ("6 East Oncology", "MEDSURG", ("6E-1",)),
    ("7 North Telemetry", "MEDSURG", ("7N-1", "7N-2", "7N-3")),
)
# Mean units per day per ADC for each demand profile (before the price, weekday and season
# factors), drawn log-uniformly from the range.
RATES = {
    "high": (0.12, 0.6),
    "medium": (0.03, 0.12),
    "slow": (0.005, 0.025),
    "very-slow": (0.001, 0.004),
    # specialty drugs of $100 or more a unit that are in steady use (biologics, antifungals,
    # oncology supportive care...): they carry much of a hospital's spend
    "costly": (0.08, 0.3),
}
# Share of an area's ADCs that stock an item of each profile.
REACH = {"high": 0.6, "medium": 0.3, "slow": 0.12, "very-slow": 0.1, "costly": 0.3}
# Cheap generics move in volume, costly drugs sparingly: rate x (MEDIAN_COST / unit cost)^0.6,
# kept within PRICE_FACTOR. This gives the Pareto value curve of a real formulary. The "costly"
# profile's rates are already those of costly drugs and take no price factor.
MEDIAN_COST = 3.0
PRICE_FACTOR = (0.2, 10.0)
AREA_WEEKEND = {"ED": 1.0, "ICU": 0.95, "OR": 0.25, "L&D": 0.9, "MEDSURG": 0.85}
LEAD_DAYS = 1


def locations(
    catalogue: Sequence[DemoItem], rng: np.random.Generator, facilities: int
) -> tuple[list[Location], list[tuple[str, int, str, float, int, int]]]:
    """The tree and, for each pocket: code, item index, area, mean daily units, min, max."""
    out = [Location(code=SYSTEM, name="Demo Health System", kind=LocationKind.SYSTEM)]
    pockets: list[tuple[str, int, str, float, int, int]] = []
    by_area: dict[str, list[int]] = defaultdict(list)
    for idx, it in enumerate(catalogue):
        areas = it.areas if "ALL" not in it.areas else ("ED", "ICU", "OR", "L&D", "MEDSURG")
        for a in areas:
            by_area[a].append(idx)
    names = [
        "Demo General Hospital",
        "Demo Community Hospital",
        "Demo Children's Hospital",
        "Demo Heart Institute",
        "Demo Regional Medical Center",
    ]
    for f in range(facilities):
        fc = facility_code(f)
        fname = names[f] if f < len(names) else f"Demo Hospital {f + 1}"
        out.append(Location(code=fc, name=fname, kind=LocationKind.FACILITY, parent_code=SYSTEM))
        out.append(
            Location(
                code=f"{fc}-STORE",
                name="Main pharmacy storeroom",
                kind=LocationKind.STOREROOM,
                parent_code=fc,
            )
        )
        out.append(
            Location(
                code=f"{fc}-QUAR",
                name="Quarantine shelf: expired, recalled and suspect stock",
                kind=LocationKind.QUARANTINE,
                parent_code=fc,
            )
        )
        out.append(
            Location(
                code=f"{fc}-OR-SAT",
                name="OR satellite pharmacy",
                kind=LocationKind.SATELLITE,
                parent_code=fc,
                unit="OR",
            )
        )
        out.append(
            Location(
                code=f"{fc}-ICU-SAT",
                name="Critical care satellite pharmacy",
                kind=LocationKind.SATELLITE,
                parent_code=fc,
                unit="ICU",
            )
        )
        for unit, area, adcs in UNITS:
            for adc in adcs:
                code = f"{fc}-{adc}"
                out.append(
                    Location(
                        code=code,
                        name=f"{unit} ADC {adc}",
                        kind=LocationKind.ADC,
                        parent_code=fc,
                        unit=area,
                    )
                )
                n = 0
                for idx in by_area[area]:
                    it = catalogue[idx]
                    if rng.random() > REACH[it.demand]:
                        continue
                    lo_rate, hi_rate = RATES[it.demand]
                    rate = float(np.exp(rng.uniform(np.log(lo_rate), np.log(hi_rate))))
                    rate *= 0.5 if area == "OR" and it.demand == "high" else 1.0
                    if it.demand != "costly":
                        price = (MEDIAN_COST / max(float(it.unit_cost), 0.001)) ** 0.6
                        rate *= min(PRICE_FACTOR[1], max(PRICE_FACTOR[0], price))
                    max_level = max(2, math.ceil(rate * 5 + 2 * math.sqrt(rate * 5) + 1))
                    min_level = max(1, math.ceil(rate * 1.5))
                    if it.criticality == "vital":
                        min_level, max_level = max(min_level, 2), max(max_level, 4)
                    capacity = pocket_capacity(max_level)
                    n += 1
                    pcode = f"{code}-P{n:03d}"
                    out.append(
                        Location(
                            code=pcode,
                            name=f"{adc} pocket {n} {it.name}",
                            kind=LocationKind.POCKET,
                            parent_code=code,
                            capacity=capacity,
                            item_code=it.code,
                            unit=area,
                        )
                    )
                    pockets.append((pcode, idx, area, rate, min_level, min(max_level, capacity)))
    return out, pockets


def pocket_capacity(max_level: int) -> int:
    for size in (5, 10, 15, 20, 30, 40, 60, 80, 100, 150, 200, 300, 500):
        if max_level <= size:
            return size
    return max_level


def facility_code(f: int) -> str:
    return f"F{f + 1}"
