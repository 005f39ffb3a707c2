"""What the parser fuzzing feeds and what it asks of the answer: every reader of outside input
(GS1 scans, the CSV importers, HL7 cabinet messages, EPCIS documents) given arbitrary input
either reads it or refuses it with an explained :class:`~rxsupply.errors.RxSupplyError` (a
non-empty message naming the file or field and where), never another exception.

Each :class:`Target` pairs a hypothesis strategy (known-good samples mutated, and arbitrary
text or bytes) with a check that runs the parser and asserts that contract.
``tests/unit/test_parser_fuzz.py`` runs them briefly in ``make test``; ``bench/fuzz_parsers.py``
runs them 10,000 times each.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import Engine

from rxsupply.adapters.csv_files import read_csv_bytes
from rxsupply.adapters.demand_files import read_demand, read_policy
from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.fda_ndc import read_ndc_directory
from rxsupply.adapters.fda_shortages import read_shortage_bytes
from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.hl7_cabinet import read_message
from rxsupply.adapters.mimic import read_mimic_prescriptions
from rxsupply.domain.cabinet import AckCode, CabinetMessageRejected
from rxsupply.domain.fields import parse_date, parse_money, parse_timestamp, parse_units
from rxsupply.domain.identifier import dscsa_identifier, parse_expiry
from rxsupply.domain.ndc import gs1_check_digit
from rxsupply.errors import DocumentRejected, ImportRejected, InvalidValue, RxSupplyError
from rxsupply.services.imports import COLUMNS
from rxsupply.services.pricing import PRICE_COLUMNS
from tests.conftest import CLOCK, EXAMPLES
from tests.epcis_samples import shipment
from tests.shortage_samples import export_2025, yearly_2025

TODAY = date(2026, 11, 20)
GS = "\x1d"
_GTIN = "0039876540102"
GTIN = _GTIN + gs1_check_digit(_GTIN)


@dataclass(frozen=True)
class Target:
    """One parser: what to feed it and the check of one input."""

    name: str
    inputs: st.SearchStrategy[Any]
    check: Callable[[Any], None]


def explained(exc: BaseException, *, where: str = "") -> None:
    """``exc`` is a refusal the user can act on: an :class:`RxSupplyError` with a message,
    naming the file (``where``) or the field, and a reason."""
    if not isinstance(exc, RxSupplyError):
        raise exc
    assert str(exc).strip(), f"{type(exc).__name__} without a message"
    assert len(str(exc)) < 20_000, "a refusal printed a huge value"
    if isinstance(exc, ImportRejected):
        assert exc.errors, "an import refusal lists no error"
        for error in exc.errors:
            assert error.reason.strip() and error.field.strip(), error
            assert not where or error.file == where, (error.file, where)
    elif isinstance(exc, InvalidValue):
        assert exc.field.strip() and exc.reason.strip(), exc
    elif isinstance(exc, DocumentRejected):
        assert exc.reason.strip() and (not where or exc.file == where), exc


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[str], alphabet: str) -> str:
    """A seed with a few characters inserted, replaced or deleted."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from("ird"))
        if op == "i":
            text = text[:at] + draw(st.text(alphabet, min_size=1, max_size=6)) + text[at:]
        elif op == "r":
            text = text[:at] + draw(st.text(alphabet, min_size=1, max_size=6)) + text[at + 1 :]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
    return text


def _text_or_bytes(seeds: Sequence[str], alphabet: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        mutated(seeds, alphabet).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(alphabet).map(str.encode),
        st.binary(max_size=300),
    )


# --- GS1 ------------------------------------------------------------------------------------

_GS1_SEEDS = [
    f"]d201{GTIN}17271231101234AB{GS}21SER9",
    f"(01){GTIN}(17)271231(10)1234AB(21)SER9",
    f"01{GTIN}21SER9{GS}17271200101234AB",
    f"]C101{GTIN}",
    GTIN,
    f"https://id.gs1.org/01/{GTIN}/21/SER9?17=271231&10=1234AB",
]
_GS1_ALPHABET = "0123456789()]dCQ1/?&=ABZaz\x1d <>-%^~\t"


def _gs1(scan: str) -> None:
    for require in (True, False):
        try:
            parse_scan(scan, today=TODAY, require_dscsa=require)
        except Exception as exc:
            explained(exc)


def _identifier(fields: dict[str, str]) -> None:
    try:
        dscsa_identifier(fields, today=TODAY)
    except Exception as exc:
        explained(exc)
    try:
        parse_expiry(fields.get("17", ""), today=TODAY)
    except Exception as exc:
        explained(exc)


_AI_VALUE = st.one_of(st.text(max_size=30), st.text("0123456789", max_size=16))


# --- fields and CSV files -------------------------------------------------------------------


def _fields(text: str) -> None:
    for parse in (
        lambda t: parse_units(t, "quantity", allow_negative=True),
        lambda t: parse_date(t, "date"),
        lambda t: parse_timestamp(t, UTC, "timestamp"),
        lambda t: parse_money(t, "unit_price"),
    ):
        try:
            parse(text)
        except Exception as exc:
            explained(exc)


_FIELD_SEEDS = ["1,500", "-5", "1e25", "9999-12-31", "12/31/2026", "2026-11-20T08:00:00-05:00"]
_CSV_ALPHABET = ',"\r\n\t =+-@.:/0123456789aZé\x00\x1d'


def _csv_seeds(kind: str) -> list[str]:
    lines = (EXAMPLES / f"{kind}.csv").read_text(encoding="utf-8").splitlines()
    return ["\n".join(lines[:4]) + "\n", "\r".join(lines[:3]), lines[0] + "\n"]


def _csv(required: list[str], optional: list[str]) -> Callable[[bytes], None]:
    def check(data: bytes) -> None:
        try:
            table = read_csv_bytes("fuzz.csv", data, required=required, optional=optional)
        except Exception as exc:
            explained(exc, where="fuzz.csv")
            return
        assert table.rows > 0
        assert all(len(v) == table.rows for v in table.columns.values())

    return check


def _in_file(name: str, read: Callable[[Path], object]) -> Callable[[bytes], None]:
    """A check of a reader that takes a path: the bytes are written to ``name`` first."""

    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            try:
                read(path)
            except Exception as exc:
                explained(exc, where=path.name)

    return check


def _shortages(data: bytes) -> None:
    try:
        read_shortage_bytes("shortages.csv", data)
    except Exception as exc:
        explained(exc, where="shortages.csv")


_PACKAGE_HEADER = (
    "PRODUCTID\tPRODUCTNDC\tNDCPACKAGECODE\tPACKAGEDESCRIPTION\tSTARTMARKETINGDATE\t"
    "ENDMARKETINGDATE\tNDC_EXCLUDE_FLAG\tSAMPLE_PACKAGE"
)
_PRODUCT = (
    "PRODUCTID\tPRODUCTNDC\tPRODUCTTYPENAME\tPROPRIETARYNAME\tPROPRIETARYNAMESUFFIX\t"
    "NONPROPRIETARYNAME\tDOSAGEFORMNAME\tROUTENAME\tSTARTMARKETINGDATE\tENDMARKETINGDATE\t"
    "MARKETINGCATEGORYNAME\tAPPLICATIONNUMBER\tLABELERNAME\tSUBSTANCENAME\t"
    "ACTIVE_NUMERATOR_STRENGTH\tACTIVE_INGRED_UNIT\tPHARM_CLASSES\tDEASCHEDULE\t"
    "NDC_EXCLUDE_FLAG\tLISTING_RECORD_CERTIFIED_THROUGH\r\n"
    "0409-1890_c81acc28\t0409-1890\tHUMAN PRESCRIPTION DRUG\tMorphine Sulfate\t\t"
    "MORPHINE SULFATE\tINJECTION, SOLUTION\tINTRAMUSCULAR; INTRAVENOUS\t20120823\t\tNDA\t"
    "NDA202515\tHospira, Inc.\tMORPHINE SULFATE\t2\tmg/mL\t\tCII\tN\t20191231\r\n"
)
_PACKAGE = (
    "0409-1890_c81acc28\t0409-1890\t0409-1890-01\t10 CARTRIDGE in 1 CARTON (0409-1890-01)  > "
    "1 mL in 1 CARTRIDGE (0409-1890-03) \t20120823\t20200131\tN\tY"
)


def _ndc_directory(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        product, package = Path(folder) / "product.txt", Path(folder) / "package.txt"
        product.write_text(_PRODUCT, encoding="latin-1")
        package.write_bytes(data)
        try:
            read_ndc_directory(product, package)
        except Exception as exc:
            explained(exc)


_MIMIC_SEEDS = [
    "ROW_ID,HADM_ID,ICUSTAY_ID,STARTDATE,ENDDATE,FORMULARY_DRUG_CD,FORM_VAL_DISP,FORM_UNIT_DISP\n"
    "1,100,9,2146-07-21 00:00:00,2146-07-24 00:00:00,ABC1,1.5,TAB\n"
    "2,100,,2146-07-22 00:00:00,2146-07-22 00:00:00,XYZ2,1-2,TAB\n"
]


def _mimic(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "PRESCRIPTIONS.csv").write_bytes(data)
        try:
            read_mimic_prescriptions(Path(folder), start=date(2025, 1, 1), days=30, seed=1)
        except Exception as exc:
            explained(exc, where="PRESCRIPTIONS.csv")


_DEMAND_SEEDS = [
    "series_id,date,quantity,unit_cost\nA@M,2026-10-01,3,1.5\nA@M,2026-10-03,,\n",
    "item_id,location_id,date,quantity\nA,M,2026-10-01,3\n",
]
_POLICY_SEEDS = ["series_id,min,max,lead_time_days,unit_cost\nA@M,1,5,2,1.5\n"]


# --- HL7 ------------------------------------------------------------------------------------

_MSH = "MSH|^~\\&|PYXIS|ED|RXSUPPLY|MAIN|20261120090000-0500||{type}|M1|P|2.5.1"
_RXD = (
    "RXD|1|ONDA4INJ^ondansetron 4 mg/2 mL^RXITEM|20261120085500-0500|2|VIAL|||||rn.jones^Jones"
    "|||ED-ADC1-P01^^^MAIN"
)
_HL7_SEEDS = [
    "\r".join([_MSH.format(type="RDS^O13^RDS_O13"), "PID|1||MRN1", "ORC|RE|O1", _RXD]) + "\r",
    "\r".join([_MSH.format(type="RDS^O13^RDS_O13"), _RXD.replace("|2|", "|-1|")]) + "\r",
    _MSH.format(type="ADT^A01") + "\r",
]
_HL7_ALPHABET = "|^~\\&\r\n0123456789MSHRXD-+.ABZ \x0b\x1c"


def _hl7(text: str) -> None:
    try:
        read_message(text, zone=UTC)
    except CabinetMessageRejected as refused:
        _cabinet_refusal_explained(refused)


def _cabinet_refusal_explained(refused: CabinetMessageRejected) -> None:
    """A refused message is answered AE or AR with a reason (and where, when it is a field)."""
    assert str(refused.problem).strip(), "a refusal without a reason"
    assert refused.ack in (AckCode.ERROR, AckCode.REJECT)


def cabinet_check(engine: Engine) -> Callable[[str], None]:
    """The listener's own handling (:class:`CabinetEndpoint`) of a message on ``engine``:
    always an ACK, and a reason with every AE or AR."""
    from rxsupply.entrypoints.cabinet_listener import CabinetEndpoint

    endpoint = CabinetEndpoint(engine=engine, clock=lambda: CLOCK, receiver="fuzz")

    def check(text: str) -> None:
        answer, reply = endpoint.answer(text)
        assert reply.startswith("MSH|"), reply[:80]
        assert answer.ack is AckCode.ACCEPT or answer.text.strip(), answer
        assert "internal error" not in answer.text, answer

    return check


# --- EPCIS ----------------------------------------------------------------------------------

_EPCIS_JSON = (
    '{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],'
    '"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-11-20T08:00:00-05:00",'
    '"epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-11-20T08:00:00-05:00",'
    '"eventTimeZoneOffset":"-05:00","epcList":["urn:epc:id:sgtin:0398765.040102.S1"],'
    '"action":"OBSERVE","bizStep":"shipping"}]}}'
)
_EPCIS_ALPHABET = "<>/=\"' :!&;#x0123456789abcdefEPCISvent{}[],\n\t"


def _epcis(data: bytes) -> None:
    for name in ("fuzz.xml", "fuzz.json"):
        try:
            read_epcis(io.BytesIO(data), name=name)
        except Exception as exc:
            explained(exc, where=name)


def targets() -> list[Target]:
    """Every parser fuzzed, by name."""
    out = [
        Target("gs1.parse_scan", st.one_of(mutated(_GS1_SEEDS, _GS1_ALPHABET), st.text()), _gs1),
        Target(
            "identifier.dscsa_identifier",
            st.dictionaries(st.sampled_from(["01", "17", "10", "21", "99"]), _AI_VALUE),
            _identifier,
        ),
        Target(
            "fields.parse_*",
            st.one_of(mutated(_FIELD_SEEDS, "0123456789,.-+eE:/TZ x"), st.text()),
            _fields,
        ),
    ]
    kinds = {**COLUMNS, "prices": PRICE_COLUMNS}
    for kind, (required, optional) in kinds.items():
        seeds = _csv_seeds(kind)
        out.append(
            Target(f"csv.{kind}", _text_or_bytes(seeds, _CSV_ALPHABET), _csv(required, optional))
        )
    shortage_seeds = [
        yearly_2025().decode("cp1252")[:1500],
        export_2025().decode("cp1252")[:1500],
    ]
    out += [
        Target("fda_shortages", _text_or_bytes(shortage_seeds, _CSV_ALPHABET), _shortages),
        Target(
            "fda_ndc.package",
            _text_or_bytes([_PACKAGE_HEADER + "\r\n" + _PACKAGE + "\r\n"], "\t\r\n0123456789-_ A"),
            _ndc_directory,
        ),
        Target("mimic.prescriptions", _text_or_bytes(_MIMIC_SEEDS, _CSV_ALPHABET), _mimic),
        Target(
            "demand_files.demand",
            _text_or_bytes(_DEMAND_SEEDS, _CSV_ALPHABET),
            _in_file("demand.csv", read_demand),
        ),
        Target(
            "demand_files.policy",
            _text_or_bytes(_POLICY_SEEDS, _CSV_ALPHABET),
            _in_file("policy.csv", read_policy),
        ),
        Target(
            "hl7_cabinet.read_message",
            st.one_of(mutated(_HL7_SEEDS, _HL7_ALPHABET), st.text()),
            _hl7,
        ),
        Target(
            "epcis.read_epcis",
            _text_or_bytes([shipment().decode("utf-8"), _EPCIS_JSON], _EPCIS_ALPHABET),
            _epcis,
        ),
    ]
    return out
