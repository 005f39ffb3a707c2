"""Read what a barcode scanner sends into a DSCSA :class:`ProductIdentifier`.

Accepted input, as scanners and keyboard wedges deliver it:

- a GS1 element string from a GS1 DataMatrix, GS1-128, GS1 DataBar or GS1 QR Code, with or
  without its symbology identifier (``]d2``, ``]C1``, ``]e0``, ``]Q3``; GS1 General
  Specifications §5.1.2 / ISO/IEC 15424), its variable-length fields ended by FNC1 sent as the
  ASCII group separator GS (``"\\x1d"``), or by the literal text ``<GS>`` or ``{GS}`` that some
  keyboard-wedge scanners type instead;
- the human-readable interpretation ``(01)00304094888026(17)260300(10)AB12(21)XYZ987``;
- a GS1 Digital Link URI such as ``https://id.gs1.org/01/00304094888026/10/AB12/21/X1?17=260300``
  (GS1 Digital Link Standard: URI Syntax), optionally behind a symbology identifier.

biip does the GS1 parsing: it knows every AI's format, so its strictness is kept (an unknown AI,
a lot over 20 characters, a badly ordered Digital Link path are rejected). Its verdict on dates
is not used: biip resolves the century from the wall clock, and rxsupply reads no clock, so the
raw YYMMDD goes to :func:`rxsupply.domain.identifier.dscsa_identifier`, which applies our rules
(required DSCSA AIs, GTIN check digit, NDC-based GTIN, day 00, §7.12 century window).

When biip rejects a scan, the scan is split again by the plain GS1 rules (predefined-length AIs
take their fixed length, variable-length ones end at GS or at the end of the data, GS1 General
Specifications §7.8) so that our rules can name the actual problem (wrong check digit, month 13,
a lot that ran on because a GS was lost). If our rules find nothing wrong, biip's reason is
reported. Either way the caller only ever sees :class:`rxsupply.errors.InvalidBarcode` or
:class:`rxsupply.errors.InvalidGTIN`, never a biip exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from urllib.parse import parse_qsl, unquote, urlsplit

import biip
from biip import BiipException, ParseConfig
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message
from biip.symbology import GS1Symbology, SymbologyIdentifier

from rxsupply.domain.identifier import ProductIdentifier, ai_label, dscsa_identifier
from rxsupply.errors import InvalidBarcode

__all__ = ["GS", "parse_scan"]

#: ASCII group separator: how scanners transmit FNC1 used as a field separator.
GS = "\x1d"
_WEDGE_SEPARATOR = re.compile(r"<GS>|\{GS\}")
_SURROUNDING_SPACE = " \t\r\n"  # not str.strip(): Python counts GS as whitespace
_HRI_PAIR = re.compile(r"\((\d{2,4})\)([^()]*)")
_HRI_WHOLE = re.compile(r"(?:\(\d{2,4}\)[^()]*)+")
_FIXED_COMPONENT = re.compile(r"[NX](\d+)")
_LINEAR_GTIN_LENGTHS = (8, 12, 13, 14)
#: Dates are checked by our rules (no wall clock), not by biip.
_CONFIG = ParseConfig(gs1_element_strings_verify_date=False)
_UNREADABLE = "not a GS1 element string, human-readable (01)... string or GS1 Digital Link URI"


class _Rejected(Exception):
    """biip did not accept the scan; ``reason`` is its explanation."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Unsplittable(Exception):
    """Our own split could not make sense of the scan either."""


def parse_scan(
    data: str,
    *,
    today: date | None = None,
    require_dscsa: bool = True,
) -> ProductIdentifier:
    """Read one scan into a :class:`ProductIdentifier`.

    ``today`` anchors the GS1 century window for the expiry year (GS1 General Specifications
    §7.12); without it the year is 2000 + YY. With ``require_dscsa`` (the default) the scan must
    carry (01), (17), (10) and (21); without it a linear barcode holding only a GTIN (UPC-A,
    EAN-13, ITF-14) is accepted too.

    Raises:
        InvalidBarcode: the scan is unreadable, lacks DSCSA AIs, or has a bad date, lot or serial.
        InvalidGTIN: the GTIN has a wrong check digit or is not NDC-based.
    """
    text = _WEDGE_SEPARATOR.sub(GS, data).strip(_SURROUNDING_SPACE)
    if not text.strip(GS):
        raise InvalidBarcode("barcode", "empty scan: the scanner sent no data", data)
    symbology, body = _split_symbology(text, data)
    try:
        fields = _fields_from_biip(text, symbology, body)
    except _Rejected as rejected:
        try:
            fields = _fields_from_own_split(symbology, body)
        except _Unsplittable:
            raise InvalidBarcode("barcode", f"{_UNREADABLE}: {rejected.reason}", data) from None
        # Our rules usually explain the problem better than biip (check digit, month 13...).
        dscsa_identifier(fields, require_dscsa=require_dscsa, today=today)
        raise InvalidBarcode(
            "barcode", f"not a valid GS1 barcode: {rejected.reason}", data
        ) from None
    return dscsa_identifier(fields, require_dscsa=require_dscsa, today=today)


def _split_symbology(text: str, data: str) -> tuple[SymbologyIdentifier | None, str]:
    """Separate a leading symbology identifier (``]d2``...) from the data it introduces."""
    if not text.startswith("]"):
        return None, text
    if len(text) < 3:
        raise InvalidBarcode(
            "barcode", "a symbology identifier is ']' and two characters, like ]d2", data
        )
    try:
        symbology = SymbologyIdentifier.extract(text)
    except (BiipException, ValueError, IndexError) as exc:
        raise InvalidBarcode(
            "barcode", f"unreadable symbology identifier at the start ({exc})", data
        ) from None
    body = text[len(symbology) :].lstrip(GS)
    if not body.strip(GS):
        raise InvalidBarcode(
            "barcode", f"nothing after the symbology identifier {symbology.value}", data
        )
    return symbology, body


def _is_uri(body: str) -> bool:
    return body[:8].lower().startswith(("http://", "https://"))


def _fields_from_biip(
    text: str, symbology: SymbologyIdentifier | None, body: str
) -> dict[str, str]:
    """The AI values biip reads, or :class:`_Rejected` with biip's reason."""
    try:
        if _is_uri(body):
            # Plain QR / DataMatrix (]Q1, ]d1) carry Digital Link URIs too, so parse the URI
            # itself rather than letting biip choose parsers by symbology.
            result = biip.parse(body, config=_CONFIG)
            if result.gs1_digital_link_uri is None:
                raise _Rejected(result.gs1_digital_link_uri_error or "not a Digital Link URI")
            _check_uri_gtin(body)
            return _collect(result.gs1_digital_link_uri.element_strings)
        if body.startswith("("):
            return _collect(GS1Message.parse_hri(body, config=_CONFIG).element_strings)
        result = biip.parse(text, config=_CONFIG)
    except BiipException as exc:
        raise _Rejected(str(exc)) from None
    except (ValueError, IndexError, KeyError) as exc:  # biip bugs on odd input: never leak
        raise _Rejected(f"{type(exc).__name__}: {exc}") from None

    message = result.gs1_message
    if message is not None and message.element_strings.get(ai="01") is not None:
        _check_separators(message)
        return _collect(message.element_strings)
    if result.gtin is not None:  # a linear barcode (UPC-A, EAN-13, ITF-14): the GTIN only
        return {"01": result.gtin.as_gtin_14()}
    if message is not None:
        _check_separators(message)
        return _collect(message.element_strings)
    reasons = [result.gs1_message_error, result.gtin_error]
    if symbology is not None and symbology.gs1_symbology in GS1Symbology.with_gs1_messages():
        reasons = [result.gs1_message_error]
    raise _Rejected(next((r for r in reasons if r), "biip found no GS1 data"))


def _check_uri_gtin(uri: str) -> None:
    """Reject a Digital Link GTIN that is not 8, 12, 13 or 14 digits.

    biip left-pads the (01) path value to 14 digits, so an empty one became 00000000000000,
    which has a valid check digit.
    """
    segments = urlsplit(uri).path.split("/")
    if "01" in segments[:-1]:
        gtin = unquote(segments[segments.index("01") + 1])
        if not (gtin.isascii() and gtin.isdigit() and len(gtin) in _LINEAR_GTIN_LENGTHS):
            raise _Rejected(f"(01) GTIN {gtin!r} in the URI is not 8, 12, 13 or 14 digits")


def _check_separators(message: GS1Message) -> None:
    """Reject a variable-length field that biip ended at its maximum length, not at a GS.

    biip stops a variable-length field at its maximum length and reads on, so a lot of 25
    characters (or a lot whose GS was lost) would silently turn into a lot plus something else.
    GS1 requires FNC1 after every variable-length field that is not last (§7.8).
    """
    data = message.value
    position = 0
    for element in message.element_strings:
        while data.startswith(GS, position):
            position += 1
        position += len(element.ai.ai) + len(element.value)
        if element.ai.separator_required and position < len(data) and data[position] != GS:
            raise _Rejected(
                f"{ai_label(element.ai.ai)} is variable-length and is not ended by a GS separator"
            )


def _collect(elements: Iterable[GS1ElementString]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for element in elements:
        _add(fields, element.ai.ai, element.value)
    return fields


def _add(fields: dict[str, str], ai: str, value: str) -> None:
    """Record one AI value; the same AI twice with different values is an invalid scan."""
    previous = fields.setdefault(ai, value)
    if previous != value:
        raise InvalidBarcode(ai_label(ai), f"appears twice, as {previous!r} and {value!r}", value)


def _fields_from_own_split(symbology: SymbologyIdentifier | None, body: str) -> dict[str, str]:
    """Split the scan by plain GS1 rules when biip rejected it (see the module docstring)."""
    if _is_uri(body):
        return _split_uri(body)
    if body.startswith("("):
        return _split_hri(body)
    linear = symbology is None or symbology.gs1_symbology in GS1Symbology.with_gtin()
    if linear and body.isascii() and body.isdigit() and len(body) in _LINEAR_GTIN_LENGTHS:
        return {"01": body.zfill(14)}
    return _split_element_string(body)


def _split_element_string(body: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    position = 0
    while position < len(body):
        if body[position] == GS:
            position += 1
            continue
        try:
            ai = GS1ApplicationIdentifier.extract(body[position:])
        except (BiipException, ValueError, IndexError):
            raise _Unsplittable from None
        start = position + len(ai.ai)
        length = _fixed_length(ai)
        if length is None:
            end = body.find(GS, start)
            end = len(body) if end == -1 else end
        else:
            end = min(start + length, len(body))
            separator = body.find(GS, start, end)
            end = end if separator == -1 else separator
        _add(fields, ai.ai, body[start:end])
        position = end
    return fields


def _fixed_length(ai: GS1ApplicationIdentifier) -> int | None:
    """Data length of a predefined-length AI (format like ``N2+N6``), else ``None``."""
    if ai.separator_required:
        return None
    total = 0
    for component in ai.format.split("+")[1:]:
        match = _FIXED_COMPONENT.fullmatch(component.strip("[]"))
        if match is None:
            return None
        total += int(match.group(1))
    return total


def _split_hri(body: str) -> dict[str, str]:
    compact = "".join(body.split())  # printed HRI may be spaced; GS counts as space too
    if not _HRI_WHOLE.fullmatch(compact):
        raise _Unsplittable
    fields: dict[str, str] = {}
    for ai, value in _HRI_PAIR.findall(compact):
        _add(fields, ai, value)
    return fields


def _split_uri(body: str) -> dict[str, str]:
    try:
        parts = urlsplit(body)
    except ValueError:
        raise _Unsplittable from None
    segments = parts.path.split("/")
    if "01" not in segments:
        raise _Unsplittable
    path = segments[segments.index("01") :]
    if len(path) % 2:
        raise _Unsplittable
    fields: dict[str, str] = {}
    for key, value in zip(path[::2], path[1::2], strict=True):
        _add(fields, key, unquote(value))
    for key, value in parse_qsl(parts.query):
        if key.isascii() and key.isdigit():
            _add(fields, key, value)
    if fields["01"].isdigit() and len(fields["01"]) in _LINEAR_GTIN_LENGTHS:
        fields["01"] = fields["01"].zfill(14)
    return fields
