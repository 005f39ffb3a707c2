"""Benchmark: reading and importing a generated 100,000-event EPCIS 1.2 document (target: 30 s).

The document is a manufacturer's shipments as the GS1 US DSCSA guideline draws them: per
pallet, 4 cases of 12 serialised units; one commissioning ObjectEvent per case's units, one for
the cases, one AggregationEvent per case, one commissioning event for the pallet's SSCC, one
AggregationEvent packing the cases on the pallet, one shipping ObjectEvent: 12 events per
pallet, 8,334 pallets, 400,032 units. It is written to a temporary file (never held whole).

Measured: :func:`rxsupply.adapters.epcis.read_epcis` building the full inspect model (every
event with its canonical identifiers, each container's contents at the end, what shipped),
elapsed seconds and peak memory (``ru_maxrss`` of the process, and tracemalloc's peak in a
second, traced run); the peer is lxml ``iterparse`` on the same file doing nothing but count
the elements (and clear them), measured in the same run; the ratio is reader / peer.

Then the import (``rxsupply dscsa import-epcis``'s path: hash the file, read it, then
:func:`rxsupply.services.dscsa.importing.import_epcis` records the document, its 400,032
packages, its events and the chain entry in one transaction) into a fresh, migrated SQLite
database, and PostgreSQL too with ``--postgres URL`` (or ``RXSUPPLY_TEST_POSTGRES_URL``; a
throw-away schema): seconds, events/s, peak RSS, and the ratio import / read-only pass (its
peer: the same read without writing anything). Elapsed and CPU seconds are both printed: on a
busy machine the elapsed time measures the neighbours.

    .venv/bin/python bench/epcis.py [--events 100000] [--schemas ../shared/data/epcis/schemas]
        [--postgres postgresql+psycopg://...] [--no-import]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree
from sqlalchemy import Engine

from rxsupply.adapters.database import make_engine, migrate, postgres_schema
from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.location import Location, LocationKind
from rxsupply.services.dscsa.importing import import_epcis

UNITS_PER_CASE = 12
CASES_PER_PALLET = 4
EVENTS_PER_PALLET = CASES_PER_PALLET * 2 + 4
COMPANY = "0304094"  # GS1 company prefix of the NDC labeler 0409 (GTIN 0 + 03 + 0409...)
STAMP = (
    "<eventTime>2026-11-{day:02d}T{hour:02d}:{minute:02d}:00Z</eventTime>"
    "<eventTimeZoneOffset>-05:00</eventTimeZoneOffset>"
)


def sgtin(indicator: str, serial: int) -> str:
    return f"urn:epc:id:sgtin:{COMPANY}.{indicator}88802.{serial}"


def sscc(serial: int) -> str:
    return f"urn:epc:id:sscc:{COMPANY}.0{serial:09d}"


def event(kind: str, n: int, body: str, action: str, step: str, disposition: str) -> str:
    stamp = STAMP.format(day=1 + n // 100_000 % 28, hour=n // 1000 % 24, minute=n % 60)
    return (
        f"<{kind}>{stamp}{body}<action>{action}</action>"
        f"<bizStep>urn:epcglobal:cbv:bizstep:{step}</bizStep>"
        f"<disposition>urn:epcglobal:cbv:disp:{disposition}</disposition></{kind}>\n"
    )


def epcs(values: list[str]) -> str:
    return "".join(f"<epc>{v}</epc>" for v in values)


def write_document(path: Path, events: int) -> int:
    """Write the shipments to ``path``; return how many events it holds."""
    pallets = -(-events // EVENTS_PER_PALLET)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument '
            'xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" '
            'creationDate="2026-11-30T12:00:00Z"><EPCISBody><EventList>\n'
        )
        for pallet in range(pallets):
            cases = [sgtin("1", pallet * CASES_PER_PALLET + c) for c in range(CASES_PER_PALLET)]
            for c, case in enumerate(cases):
                first = (pallet * CASES_PER_PALLET + c) * UNITS_PER_CASE
                units = [sgtin("0", first + u) for u in range(UNITS_PER_CASE)]
                out.write(
                    event(
                        "ObjectEvent",
                        written,
                        f"<epcList>{epcs(units)}</epcList>",
                        "ADD",
                        "commissioning",
                        "active",
                    )
                )
                out.write(
                    event(
                        "AggregationEvent",
                        written + 1,
                        f"<parentID>{case}</parentID><childEPCs>{epcs(units)}</childEPCs>",
                        "ADD",
                        "packing",
                        "in_progress",
                    )
                )
                written += 2
            pallet_id = sscc(pallet)
            out.write(
                event(
                    "ObjectEvent",
                    written,
                    f"<epcList>{epcs(cases)}</epcList>",
                    "ADD",
                    "commissioning",
                    "active",
                )
            )
            out.write(
                event(
                    "ObjectEvent",
                    written + 1,
                    f"<epcList><epc>{pallet_id}</epc></epcList>",
                    "ADD",
                    "commissioning",
                    "active",
                )
            )
            out.write(
                event(
                    "AggregationEvent",
                    written + 2,
                    f"<parentID>{pallet_id}</parentID><childEPCs>{epcs(cases)}</childEPCs>",
                    "ADD",
                    "packing",
                    "in_progress",
                )
            )
            out.write(
                event(
                    "ObjectEvent",
                    written + 3,
                    f"<epcList><epc>{pallet_id}</epc></epcList>",
                    "OBSERVE",
                    "shipping",
                    "in_transit",
                )
            )
            written += 4
        out.write("</EventList></EPCISBody></epcis:EPCISDocument>\n")
    return written


def peer(path: Path) -> tuple[float, int]:
    """lxml iterparse counting elements: the floor any streaming XML reader stands on."""
    started = time.perf_counter()
    count = 0
    for _kind, element in etree.iterparse(str(path), events=("end",)):
        count += 1
        element.clear(keep_tail=False)
    return time.perf_counter() - started, count


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_into(
    engine: Engine, path: Path, schemas: Path | None
) -> tuple[float, float, float, int]:
    """Hash, read and import ``path`` into ``engine`` (a facility is made first): the seconds
    of the whole import, its CPU seconds, the seconds of its database part, and the packages
    recorded."""
    with SqlUnitOfWork(engine) as uow:
        uow.locations.save_many([Location("BENCH", "Bench hospital", LocationKind.FACILITY)], {})
        uow.commit()
    started, cpu = time.perf_counter(), time.process_time()
    sha = hashlib.sha256()
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            sha.update(chunk)
    document = read_epcis(path, schemas=schemas)
    writing = time.perf_counter()
    with SqlUnitOfWork(engine) as uow:
        imported = import_epcis(
            uow,
            document=document,
            file_name=path.name,
            sha256=sha.hexdigest(),
            facility=None,
            order=None,
            user="bench",
            clock=FixedClock(datetime(2026, 12, 1, 12, tzinfo=UTC), ZoneInfo("America/New_York")),
        )
    done = time.perf_counter()
    return done - started, time.process_time() - cpu, done - writing, imported.package_count


def report_import(label: str, engine: Engine, path: Path, args: Any, read_seconds: float) -> None:
    seconds, cpu, writing, packages = import_into(engine, path, args.schemas)
    print(
        f"rxsupply import into {label}: {args.events_read:,} events, {packages:,} packages: "
        f"{seconds:.2f} s, {cpu:.2f} s CPU ({args.events_read / seconds:,.0f} events/s; target "
        f"30 s), of which the database {writing:.2f} s; peak RSS {rss_mib():,.0f} MiB"
    )
    print(f"ratio import / read-only pass (its peer): {seconds / read_seconds:.1f}x the time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--schemas", type=Path, default=None)
    parser.add_argument(
        "--postgres", default=os.environ.get("RXSUPPLY_TEST_POSTGRES_URL"), help="also import here"
    )
    parser.add_argument("--no-import", action="store_true", help="read only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shipments.xml"
        started = time.perf_counter()
        events = write_document(path, args.events)
        size = path.stat().st_size
        print(
            f"generated {events:,} events, {size / 2**20:,.1f} MiB in "
            f"{time.perf_counter() - started:.1f} s"
        )

        peer_seconds, elements = peer(path)
        print(f"peer: lxml iterparse counting {elements:,} elements: {peer_seconds:.2f} s")

        started, cpu = time.perf_counter(), time.process_time()
        document = read_epcis(path, schemas=args.schemas)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rss = rss_mib()
        units = len({u for leaves in document.contents.values() for u in leaves})
        print(
            f"rxsupply read_epcis: {len(document.events):,} events, {len(document.contents):,} "
            f"containers, {units:,} units, {len(document.shipped):,} shipped: "
            f"{seconds:.2f} s, {cpu:.2f} s CPU ({len(document.events) / seconds:,.0f} events/s; "
            "target 30 s)"
        )
        print(f"peak memory (ru_maxrss of the process): {rss:,.0f} MiB")
        print(f"ratio rxsupply / peer: {seconds / peer_seconds:.1f}x the time")
        args.events_read = len(document.events)
        del document

        if not args.no_import:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            migrate(engine)
            report_import("SQLite", engine, path, args, seconds)
            engine.dispose()
            if args.postgres:
                with postgres_schema(args.postgres, "rx_bench_epcis") as pg:
                    migrate(pg)
                    report_import("PostgreSQL", pg, path, args, seconds)

        tracemalloc.start()
        traced_started = time.perf_counter()
        read_epcis(path, schemas=args.schemas)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"tracemalloc peak while reading: {peak / 2**20:,.0f} MiB "
            f"(traced run {time.perf_counter() - traced_started:.1f} s)"
        )


if __name__ == "__main__":
    main()
