"""``rxsupply dscsa inspect FILE --json``: the contract, on one small shipment written in each
syntax (EPCIS 1.2 XML, 2.0 XML, 2.0 JSON-LD) with its identifiers and vocabulary in different
forms.

The shipment: four units of NDC 0409-4888-02 (GTIN 00304094888026, company prefix 0304094) are
commissioned; units 1-3 are packed in case C1 (GTIN 10304094888023); the case and unit 4 go on
pallet SSCC 00106141412345678908 (GS1 TDS §6.3.2's example); unit 3 is taken out of the case;
the pallet ships. At the end the case holds units 1 and 2, the pallet units 1, 2 and 4; the
shipment sent units 1, 2 and 4.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.e2e.cli_runner import Rx


def unit(n: int) -> str:
    return "0100304094888026" + f"21S{n}"


CASE = "0110304094888023" + "21C1"
PALLET = "00106141412345678908"
FORMS: dict[str, Callable[[str], str]] = {
    "epc": lambda c: (
        "urn:epc:id:sscc:0614141.1234567890"
        if c == PALLET
        else f"urn:epc:id:sgtin:0304094.{c[2]}88802.{c[18:]}"
    ),
    "link": lambda c: (
        f"https://id.gs1.org/00/{c[2:]}"
        if c == PALLET
        else f"https://dscsa.example.com/01/{c[2:16]}/21/{c[18:]}"
    ),
    "element": lambda c: f"(00){c[2:]}" if c == PALLET else f"(01){c[2:16]}(21){c[18:]}",
}
STEPS = ["commissioning", "packing", "packing", "unpacking", "shipping"]
DISPOSITIONS = ["active", "in_progress", "in_progress", "in_progress", "in_transit"]
# (type, action, parent, children/epcs, eventTime, eventTimeZoneOffset)
EVENTS = [
    (
        "ObjectEvent",
        "ADD",
        None,
        [unit(1), unit(2), unit(3), unit(4)],
        "2026-11-16T14:00:00Z",
        "-05:00",
    ),
    (
        "AggregationEvent",
        "ADD",
        CASE,
        [unit(1), unit(2), unit(3)],
        "2026-11-16T15:00:00Z",
        "-05:00",
    ),
    ("AggregationEvent", "ADD", PALLET, [CASE, unit(4)], "2026-11-17T09:30:00+01:00", "+01:00"),
    ("AggregationEvent", "DELETE", CASE, [unit(3)], "2026-11-18T16:00:00.250Z", "-05:00"),
    ("ObjectEvent", "OBSERVE", None, [PALLET], "2026-11-19T15:00:00Z", "-05:00"),
]
EXPECTED_TIMES = [
    "2026-11-16T09:00:00-05:00",
    "2026-11-16T10:00:00-05:00",
    "2026-11-17T09:30:00+01:00",
    "2026-11-18T11:00:00.250000-05:00",
    "2026-11-19T10:00:00-05:00",
]


def xml_document(version: str, vocabulary: str, forms: tuple[str, str]) -> str:
    """The shipment as EPCIS ``version`` XML: business steps as URNs or GS1 web URIs; the
    first events name identifiers in ``forms[0]``, the shipping event in ``forms[1]``."""
    namespace = "1" if version == "1.2" else "2"
    body = []
    for number, (kind, action, parent, named, when, offset) in enumerate(EVENTS):
        form = FORMS[forms[1] if number == len(EVENTS) - 1 else forms[0]]
        epcs = "".join(f"<epc>{form(c)}</epc>" for c in named)
        listed = (
            f"<epcList>{epcs}</epcList>"
            if parent is None
            else (f"<parentID>{form(parent)}</parentID><childEPCs>{epcs}</childEPCs>")
        )
        if vocabulary == "urn":
            step = f"urn:epcglobal:cbv:bizstep:{STEPS[number]}"
            disposition = f"urn:epcglobal:cbv:disp:{DISPOSITIONS[number]}"
        else:
            step = f"https://ref.gs1.org/cbv/BizStep-{STEPS[number]}"
            disposition = f"https://ref.gs1.org/cbv/Disp-{DISPOSITIONS[number]}"
        body.append(
            f"<{kind}><eventTime>{when}</eventTime><eventTimeZoneOffset>{offset}"
            f"</eventTimeZoneOffset>{listed}<action>{action}</action><bizStep>{step}</bizStep>"
            f"<disposition>{disposition}</disposition></{kind}>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument '
        f'xmlns:epcis="urn:epcglobal:epcis:xsd:{namespace}" schemaVersion="{version}" '
        f'creationDate="2026-11-19T16:00:00Z"><EPCISBody><EventList>{"".join(body)}'
        "</EventList></EPCISBody></epcis:EPCISDocument>\n"
    )


def json_document() -> str:
    """The shipment as EPCIS 2.0 JSON-LD: bare CBV names, element strings, an EPC URI pallet."""
    events = []
    for number, (kind, action, parent, named, when, offset) in enumerate(EVENTS):
        form = FORMS["epc" if number == len(EVENTS) - 1 else "element"]
        event: dict[str, object] = {
            "type": kind,
            "eventTime": when,
            "eventTimeZoneOffset": offset,
            "action": action,
            "bizStep": STEPS[number],
            "disposition": DISPOSITIONS[number],
        }
        if parent is None:
            event["epcList"] = [form(c) for c in named]
        else:
            event["parentID"] = FORMS["link"](parent)
            event["childEPCs"] = [form(c) for c in named]
        events.append(event)
    return json.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2026-11-19T16:00:00Z",
            "epcisBody": {"eventList": events},
        }
    )


DOCUMENTS = {
    "epcis-1.2.xml": ("1.2", xml_document("1.2", "urn", ("epc", "link"))),
    "epcis-2.0.xml": ("2.0", xml_document("2.0", "web", ("link", "element"))),
    "epcis-2.0.jsonld": ("2.0", json_document()),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_inspect_prints_the_contract_whatever_the_syntax_and_identifier_forms(
    rx: Rx, tmp_path: Path, name: str
) -> None:
    version, text = DOCUMENTS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    rx.db = tmp_path / "untouched.db"  # inspecting a file opens no database

    ran = rx("dscsa", "inspect", str(path), "--json")

    assert ran.code == 0, ran.err
    got = ran.json()
    assert got["epcis_version"] == version
    assert [
        (e["type"], e["action"], e["biz_step"], e["disposition"], e["event_time"], e["parent"])
        for e in got["events"]
    ] == [
        ("ObjectEvent", "ADD", "commissioning", "active", EXPECTED_TIMES[0], None),
        ("AggregationEvent", "ADD", "packing", "in_progress", EXPECTED_TIMES[1], CASE),
        ("AggregationEvent", "ADD", "packing", "in_progress", EXPECTED_TIMES[2], PALLET),
        ("AggregationEvent", "DELETE", "unpacking", "in_progress", EXPECTED_TIMES[3], CASE),
        ("ObjectEvent", "OBSERVE", "shipping", "in_transit", EXPECTED_TIMES[4], None),
    ]
    assert [e["identifiers"] for e in got["events"]] == [
        [unit(1), unit(2), unit(3), unit(4)],
        [CASE, unit(1), unit(2), unit(3)],
        [PALLET, CASE, unit(4)],
        [CASE, unit(3)],
        [PALLET],
    ]
    assert got["contents"] == {CASE: [unit(1), unit(2)], PALLET: [unit(1), unit(2), unit(4)]}
    assert got["shipped"] == [unit(1), unit(2), unit(4)]
    assert not (tmp_path / "rxsupply.db").exists() and not Path(rx.db).exists()


def test_inspect_without_json_prints_a_summary(rx: Rx, tmp_path: Path) -> None:
    path = tmp_path / "shipment.xml"
    path.write_text(DOCUMENTS["epcis-1.2.xml"][1], encoding="utf-8")

    ran = rx("dscsa", "inspect", str(path))

    assert ran.code == 0, ran.err
    assert "EPCIS 1.2, 5 events" in ran.out
    assert "2 containers holding 3 distinct units at the end; 3 units shipped" in ran.out


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("<action>OBSERVE</action>", "<action>OBSERV</action>"), "must be ADD, OBSERVE or DELETE"),
        (("2026-11-19T15:00:00Z", "2026-11-19T15:00:00"), "with its offset"),
        (("bizstep:shipping", "bizstep:shipped"), "not a Core Business Vocabulary"),
        (("0614141.1234567890", "0614141.123456789"), "17 digits"),
        (("<eventTime>", "<madeUp>x</madeUp><eventTime>"), "unknown element <madeUp>"),
    ],
)
def test_an_invalid_document_exits_1_with_the_reason(
    rx: Rx, tmp_path: Path, change: tuple[str, str], reason: str
) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(DOCUMENTS["epcis-1.2.xml"][1].replace(*change, 1), encoding="utf-8")

    ran = rx("dscsa", "inspect", str(path), "--json")

    assert ran.code == 1
    assert "bad.xml, event" in ran.message and reason in ran.message
    assert ran.out == ""


def test_a_missing_file_or_a_folder_exits_1_with_the_reason(rx: Rx, tmp_path: Path) -> None:
    missing = rx("dscsa", "inspect", str(tmp_path / "nowhere.xml"), "--json")
    folder = rx("dscsa", "inspect", str(tmp_path), "--json")

    assert missing.code == 1 and "nowhere.xml: cannot read the file" in missing.message
    assert folder.code == 1 and "cannot read the file" in folder.message
    assert missing.out == folder.out == ""
