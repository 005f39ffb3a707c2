"""What a user types to trace a serialised package, read into a GTIN (or a product text) and
a serial.

Accepted forms:

- a GS1 element string of the product identifier, ``01`` + GTIN-14 + ``21`` + serial, bracketed
  or not, or its EPC URI or GS1 Digital Link (the canonical forms of
  :func:`rxsupply.domain.epc_identifier.canonical_identifier`); other AIs after the serial
  (``17`` expiry, ``10`` lot) are not part of the key and are cut off only when bracketed;
- ``GTIN:SERIAL`` (a GTIN-14, or an NDC in any form, then a colon and the serial);
- a serial alone (found when exactly one package carries it).

A serial is 1 to 20 printable ASCII characters without spaces (GS1 General Specifications
§3.2, AI (21), character set 82). Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rxsupply.domain.epc_identifier import canonical_identifier
from rxsupply.domain.ndc import validate_gtin14
from rxsupply.errors import InvalidValue

FIELD = "serial"
_SERIAL = re.compile(r"^[!-~]{1,20}$")


@dataclass(frozen=True, slots=True)
class SerialQuery:
    serial: str
    gtin: str | None = None  # a checked GTIN-14
    product: str | None = None  # an NDC (or other product text) to resolve to its GTIN

    @property
    def identifier(self) -> str | None:
        return None if self.gtin is None else f"01{self.gtin}21{self.serial}"


def parse_serial_query(text: str) -> SerialQuery:
    """Read a trace request for a serial.

    Raises:
        InvalidValue: empty, a GTIN with a wrong check digit, or a serial that is not 1 to 20
            printable characters.
    """
    value = text.strip()
    if not value:
        raise InvalidValue(FIELD, "give a serial, GTIN:SERIAL or the element string 01...21...")
    if value.startswith("(01)"):
        cut = value.find("(", value.find("(21)") + 4) if "(21)" in value else -1
        value = value if cut < 0 else value[:cut]
    unbracketed = value[:16].isdigit() and value[:2] == "01" and value[16:18] == "21"
    if unbracketed or value.startswith(("(01)", "urn:epc:id:sgtin:", "http://", "https://")):
        canonical = canonical_identifier(value)
        if canonical.startswith("01") and canonical[16:18] == "21":
            return SerialQuery(serial=_serial(canonical[18:]), gtin=canonical[2:16])
    if ":" in value and not value.startswith(("urn:", "http")):
        product, serial = (part.strip() for part in value.split(":", 1))
        if product.isdigit() and len(product) == 14:
            return SerialQuery(serial=_serial(serial), gtin=validate_gtin14(product))
        if not product:
            raise InvalidValue(FIELD, "nothing before the colon: give GTIN:SERIAL", text)
        return SerialQuery(serial=_serial(serial), product=product)
    return SerialQuery(serial=_serial(value))


def _serial(value: str) -> str:
    if not _SERIAL.match(value):
        raise InvalidValue(
            FIELD, "a serial is 1 to 20 printable characters without spaces (GS1 AI 21)", value
        )
    return value
