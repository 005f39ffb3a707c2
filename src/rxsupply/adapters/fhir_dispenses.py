"""FHIR R4 ``MedicationDispense`` resources read as a dispense file (``rxsupply import
fhir-dispenses``): a ``Bundle`` (JSON), one resource (JSON), or a bulk-data export (NDJSON,
one resource a line).

Each ``MedicationDispense`` is validated against the FHIR R4 model (fhir.resources' R4B
package, whose ``MedicationDispense`` is R4's) and becomes a row of the dispense import
(:func:`rxsupply.services.imports.import_dispenses`: the same ledger path, the same rules):

- ``identifier[0].value`` (else the resource's ``id``): the transaction id (a resend is not
  posted twice);
- ``status``: only ``completed`` dispenses are posted; the others (in progress, cancelled,
  entered in error, ...) are left out;
- ``medicationCodeableConcept.coding``: the NDC (system ``http://hl7.org/fhir/sid/ndc``), else
  the item code (system ``urn:rxsupply:item``);
- ``quantity.value``: whole units above zero;
- ``whenHandedOver`` (else ``whenPrepared``): a date and time with its offset;
- ``location``: the pocket or cabinet, by ``identifier.value``, else ``Location/CODE``;
- ``performer[0].actor``: the user who dispensed, by ``identifier.value``, else ``display``
  (else the importer).

Other resources in a bundle (``Patient``, ``Encounter``, ...) are not read. A problem names the
file, the entry (its row: the first resource is row 1), the FHIR path and the reason, and
rejects the file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rxsupply.domain.fields import UNITS_LIMIT
from rxsupply.errors import ImportRejected, RowError
from rxsupply.services.ports.tables import Table

NDC_SYSTEM = "http://hl7.org/fhir/sid/ndc"
ITEM_SYSTEM = "urn:rxsupply:item"
MAX_BYTES = 200_000_000
_COLUMNS = ("transaction_id", "timestamp", "location", "quantity", "item", "ndc", "kind", "user")


def read_fhir_dispenses(path: Path, *, cap: int = 100) -> Table:
    """The completed ``MedicationDispense`` resources of a file as dispense rows."""
    from fhir.resources.R4B.medicationdispense import MedicationDispense

    name = path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ImportRejected([RowError(name, 0, "file", f"larger than {MAX_BYTES:,} bytes")])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRejected([RowError(name, 0, "file", f"cannot read it: {exc}")]) from exc
    resources = _resources(name, text)
    errors: list[RowError] = []
    columns: dict[str, list[str]] = {c: [] for c in _COLUMNS}
    rows = 0
    for number, resource in resources:
        if resource.get("resourceType") != "MedicationDispense":
            continue
        try:
            dispense = MedicationDispense.model_validate(
                {k: v for k, v in resource.items() if k != "resourceType"}
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = "MedicationDispense." + ".".join(str(p) for p in first["loc"])
            errors.append(RowError(name, number, where, str(first["msg"])[:200]))
            if len(errors) >= cap:
                break
            continue
        if dispense.status != "completed":
            continue
        try:
            row = _row(dispense)
        except _Problem as problem:
            errors.append(RowError(name, number, problem.where, problem.reason))
            if len(errors) >= cap:
                break
            continue
        rows += 1
        for column, value in zip(_COLUMNS, row, strict=True):
            columns[column].append(value)
    if errors:
        raise ImportRejected(errors)
    return Table(name=name, columns=columns, rows=rows)


class _Problem(Exception):
    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


def _resources(name: str, text: str) -> list[tuple[int, dict[str, Any]]]:
    """(entry number, resource) from a bundle, a resource, or NDJSON."""
    stripped = text.strip()
    try:
        whole = json.loads(stripped) if stripped.startswith("{") else None
    except json.JSONDecodeError:
        whole = None  # perhaps NDJSON: one resource a line
    if isinstance(whole, dict):
        if whole.get("resourceType") == "Bundle":
            entries = whole.get("entry") or []
            if not isinstance(entries, list):
                raise ImportRejected([RowError(name, 0, "Bundle.entry", "must be a list")])
            out = []
            for n, entry in enumerate(entries, 1):
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if not isinstance(resource, dict):
                    raise ImportRejected(
                        [RowError(name, n, f"Bundle.entry[{n - 1}].resource", "missing")]
                    )
                out.append((n, resource))
            return out
        if "resourceType" in whole:
            return [(1, whole)]
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            resource = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportRejected(
                [
                    RowError(
                        name,
                        n,
                        "json",
                        f"not a FHIR Bundle, resource or NDJSON line ({exc.msg} at column "
                        f"{exc.colno})",
                    )
                ]
            ) from exc
        if not isinstance(resource, dict) or "resourceType" not in resource:
            raise ImportRejected([RowError(name, n, "resourceType", "not a FHIR resource")])
        out.append((n, resource))
    return out


def _row(d: Any) -> tuple[str, ...]:
    ident = next((i.value for i in (d.identifier or []) if i.value), None) or d.id
    if not ident:
        raise _Problem("MedicationDispense.identifier", "needs an identifier (or an id)")
    concept = d.medicationCodeableConcept
    codings = list(concept.coding or []) if concept is not None else []
    ndc = next((c.code for c in codings if c.system == NDC_SYSTEM and c.code), "")
    item = next((c.code for c in codings if c.system == ITEM_SYSTEM and c.code), "")
    if not ndc and not item:
        raise _Problem(
            "MedicationDispense.medicationCodeableConcept",
            f"needs a coding with system {NDC_SYSTEM} or {ITEM_SYSTEM}",
        )
    quantity = d.quantity.value if d.quantity is not None else None
    if quantity is None or not math.isfinite(quantity) or not 0 < quantity <= UNITS_LIMIT:
        quantity = None  # checked before int(): 1e999999999 would be a billion digits
    if quantity is None or quantity != int(quantity):
        raise _Problem(
            "MedicationDispense.quantity.value",
            f"must be whole units above zero, at most {UNITS_LIMIT:,}",
        )
    when = d.whenHandedOver or d.whenPrepared
    if when is None:
        raise _Problem("MedicationDispense.whenHandedOver", "when the dose was handed over")
    stamp = when.isoformat() if hasattr(when, "isoformat") else str(when)
    if "T" not in stamp:
        raise _Problem("MedicationDispense.whenHandedOver", "needs a time, not only a date")
    location = _reference(d.location, "Location")
    if not location:
        raise _Problem("MedicationDispense.location", "the pocket or cabinet it left")
    actor = d.performer[0].actor if d.performer else None
    user = _reference(actor, "Practitioner", display=True)
    return (
        str(ident),
        stamp,
        location,
        str(int(quantity)),
        "" if ndc else item,
        ndc,
        "dispense",
        user,
    )


def _reference(ref: Any, kind: str, *, display: bool = False) -> str:
    """A reference's identifier value, else the id in ``Kind/ID`` (else its display)."""
    if ref is None:
        return ""
    if ref.identifier is not None and ref.identifier.value:
        return str(ref.identifier.value)
    if ref.reference and ref.reference.startswith(f"{kind}/"):
        return str(ref.reference.split("/", 1)[1])
    return str(ref.display or "") if display else ""
