"""One canonical form for the instance identifiers EPCIS events name.

A document may name the same package as an EPC pure-identity URI (GS1 EPC Tag Data Standard,
TDS 2.x §6, e.g. ``urn:epc:id:sgtin:0614141.107346.2017``), as a GS1 Digital Link URI on any
domain (GS1 Digital Link standard 1.x §4, e.g. ``https://id.gs1.org/01/00614141073467/21/2017``)
or as a GS1 element string (``(01)00614141073467(21)2017`` or unbracketed). rxsupply keeps one
form, the unbracketed element string of the primary key (check digits are enforced on GTINs and
SSCCs, the keys DSCSA relies on; GS1's own examples carry GRAIs and GLNs whose check digits are
wrong, so those are kept as written):

- a serialised GTIN (SGTIN): ``01`` + the 14-digit GTIN + ``21`` + the serial;
- an SSCC: ``00`` + the 18 digits;
- a GLN with extension (SGLN): ``414`` + 13 digits (+ ``254`` + the extension unless it is 0);
- a GRAI: ``8003`` + ``0`` + 13 digits + the serial; a GIAI: ``8004`` + the asset reference.

The EPC URI splits the GS1 key after the company prefix and leaves out the check digit: for an
SGTIN the indicator digit leads the item reference (TDS §6.3.1: GTIN = indicator + company prefix
+ item reference without its first digit + check digit). Identifiers of other schemes (``urn:uuid``,
private URIs) are kept as written. Standard library only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, unquote

from rxsupply.domain.ndc import gs1_check_digit
from rxsupply.errors import InvalidValue

FIELD = "identifier"
_EPC_URI = re.compile(r"^urn:epc:id:([a-z0-9]+):(.+)$")
_DIGITAL_LINK = re.compile(r"^https?://[^/?#\s]+(/[^?#\s]*)(?:[?#]\S*)?$", re.IGNORECASE)
_BRACKETED = re.compile(r"\((\d{2,4})\)([^(]+)")
#: Digital Link primary keys and the qualifier that makes them an instance (GS1 DL §4.4).
_PRIMARY_KEYS = ("01", "00", "414", "8003", "8004")
_SERIAL = re.compile(r"^[!-~]{1,20}$")


@lru_cache(maxsize=1 << 16)
def canonical_identifier(text: str) -> str:
    """The canonical element string of an instance identifier, or ``text`` for other schemes.

    Cached (a bounded number of recent answers): a document names each unit in several events
    (commissioned, packed, shipped).

    Raises:
        InvalidValue: a GS1 identifier that is malformed: a wrong check digit (the message
            names the expected one), a company prefix and reference of the wrong length, an
            EPC URI with the wrong number of parts.
    """
    value = text.strip()
    if value.startswith("urn:epc:id:"):
        return _from_epc_uri(value)
    if value[:8].lower().startswith(("http://", "https://")):
        # the query string (data attributes such as ?17=...) and a fragment are not the key
        found = _DIGITAL_LINK.match(value)
        keyed = _from_digital_link(found.group(1)) if found else None
        return keyed if keyed is not None else value
    if value.startswith("("):
        pairs = _BRACKETED.findall(value)
        if not pairs or "".join(f"({ai}){v}" for ai, v in pairs) != value:
            raise InvalidValue(FIELD, "not a readable bracketed GS1 element string", value)
        return _from_pairs(dict(pairs), value)
    if value[:2] in ("01", "00") and value.isascii() and value[:18].isdigit():
        return _from_unbracketed(value)
    return value


URI_SAFE = "!'()*+,-.:;=_"
"""TDS 1.x Table A-1: the characters a serial or lot keeps as is in an EPC URI (the others are
%-escaped, as the reader unescapes them)."""


def epc_uri_with_prefix(canonical: str, prefix_length: int) -> str:
    """The EPC URI of a canonical SGTIN (``01...21...``) or SSCC (``00...``) with a company prefix
    of ``prefix_length`` digits (6 to 12, TDS §6.3)."""
    if not 6 <= prefix_length <= 12:
        raise InvalidValue("company prefix", "a GS1 company prefix has 6 to 12 digits")
    if canonical.startswith("01") and canonical[16:18] == "21":
        gtin, serial = canonical[2:16], canonical[18:]
        company, item = gtin[1 : 1 + prefix_length], gtin[0] + gtin[1 + prefix_length : 13]
        return f"urn:epc:id:sgtin:{company}.{item}.{quote(serial, safe=URI_SAFE)}"
    if canonical.startswith("00") and len(canonical) == 20:
        sscc = canonical[2:]
        company, rest = sscc[1 : 1 + prefix_length], sscc[0] + sscc[1 + prefix_length : 17]
        return f"urn:epc:id:sscc:{company}.{rest}"
    raise InvalidValue(FIELD, "only a serialised GTIN or an SSCC has an EPC URI here", canonical)


def _from_epc_uri(value: str) -> str:
    found = _EPC_URI.match(value)
    if found is None:
        raise InvalidValue(FIELD, "an EPC URI is urn:epc:id:SCHEME:PARTS", value)
    scheme, parts = found.group(1), found.group(2).split(".")
    if scheme == "sgtin":
        company, item, serial = _parts(value, parts, 3)
        _digits(value, company + item, 13, "company prefix + item reference")
        body = item[0] + company + item[1:]
        return f"01{body}{gs1_check_digit(body)}21{_serial(value, unquote(serial))}"
    if scheme == "sscc":
        company, serial_ref = _parts(value, parts, 2)
        _digits(value, company + serial_ref, 17, "company prefix + serial reference")
        body = serial_ref[0] + company + serial_ref[1:]
        return f"00{body}{gs1_check_digit(body)}"
    if scheme == "sgln":
        company, location, extension = _parts(value, parts, 3)
        _digits(value, company + location, 12, "company prefix + location reference")
        gln = company + location + gs1_check_digit(company + location)
        extension = unquote(extension)
        return f"414{gln}" + ("" if extension == "0" else f"254{extension}")
    if scheme == "grai":
        company, asset_type, serial = _parts(value, parts, 3)
        _digits(value, company + asset_type, 12, "company prefix + asset type")
        body = "0" + company + asset_type
        return f"8003{body}{gs1_check_digit(body)}{unquote(serial)}"
    if scheme == "giai":
        company, asset = _parts(value, parts, 2)
        _digits(value, company, len(company), "company prefix")
        return f"8004{company}{unquote(asset)}"
    if not all(parts):
        raise InvalidValue(FIELD, f"an empty part in the {scheme} EPC URI", value)
    return value


def _from_digital_link(path: str) -> str | None:
    """The canonical key of a Digital Link path, or None when it names no GS1 primary key."""
    segments = [unquote(s) for s in path.strip("/").split("/")]
    for start, segment in enumerate(segments):
        if segment in _PRIMARY_KEYS and start + 1 < len(segments):
            rest = segments[start:]
            if len(rest) % 2:
                raise InvalidValue(FIELD, "a Digital Link path has AI/value pairs", path)
            pairs = dict(zip(rest[::2], rest[1::2], strict=True))
            gtin = pairs.get("01", "")
            if len(gtin) in (8, 12, 13) and gtin.isascii() and gtin.isdigit():
                pairs["01"] = gtin.zfill(14)  # a GTIN-8, -12 or -13: GS1 DL pads it to 14
            return _from_pairs(pairs, path)
    return None


def _from_pairs(pairs: dict[str, str], shown: str) -> str:
    if "01" in pairs:
        gtin = _checked(shown, pairs["01"], 14, "GTIN")
        if "21" not in pairs:
            return f"01{gtin}"
        return f"01{gtin}21{_serial(shown, pairs['21'])}"
    if "00" in pairs:
        return "00" + _checked(shown, pairs["00"], 18, "SSCC")
    if "414" in pairs:
        gln = pairs["414"]
        _digits(shown, gln, 13, "GLN")
        extension = pairs.get("254", "0")
        return f"414{gln}" + ("" if extension == "0" else f"254{extension}")
    if "8003" in pairs:
        grai = pairs["8003"]
        _digits(shown, grai[:14], 14, "GRAI")
        return f"8003{grai}"
    if "8004" in pairs:
        return f"8004{pairs['8004']}"
    raise InvalidValue(FIELD, "no GS1 primary key (01, 00, 414, 8003, 8004)", shown)


def _from_unbracketed(value: str) -> str:
    if value.startswith("00"):
        if len(value) != 20:
            raise InvalidValue(FIELD, "an SSCC element string is 00 + 18 digits", value)
        return "00" + _checked(value, value[2:], 18, "SSCC")
    gtin = _checked(value, value[2:16], 14, "GTIN")
    if len(value) == 16:
        return f"01{gtin}"
    if value[16:18] != "21":
        raise InvalidValue(FIELD, "after the GTIN a serialised package has (21) serial", value)
    return f"01{gtin}21{_serial(value, value[18:])}"


def _parts(value: str, parts: list[str], count: int) -> list[str]:
    if len(parts) != count or not all(parts):
        raise InvalidValue(FIELD, f"expected {count} non-empty parts separated by dots", value)
    return parts


def _digits(value: str, digits: str, length: int, what: str) -> None:
    if len(digits) != length or not digits.isascii() or not digits.isdigit():
        raise InvalidValue(FIELD, f"{what} must be {length} digits in all", value)


def _checked(value: str, digits: str, length: int, what: str) -> str:
    _digits(value, digits, length, what)
    expected = gs1_check_digit(digits[:-1])
    if digits[-1] != expected:
        raise InvalidValue(
            FIELD, f"{what} check digit is {digits[-1]}, the GS1 check digit is {expected}", value
        )
    return digits


def _serial(value: str, serial: str) -> str:
    if not _SERIAL.match(serial):
        raise InvalidValue(FIELD, "a serial is 1 to 20 printable characters", value)
    return serial
