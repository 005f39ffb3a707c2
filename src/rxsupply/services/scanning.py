"""Identifying a scanned package: GS1 product identifier to a known product."""

from __future__ import annotations

from dataclasses import dataclass

from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.identifier import ProductIdentifier
from rxsupply.domain.product import Product
from rxsupply.errors import InvalidBarcode, UnknownProduct
from rxsupply.services.ledger.commands import Receive
from rxsupply.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Identified:
    """A scanned package's product; for a case GTIN (indicator 1-8) the packages the case
    holds when it is declared (``None`` when it is not: receiving it is refused)."""

    identifier: ProductIdentifier
    product: Product
    case_packages: int | None = None

    @property
    def indicator(self) -> int:
        return int(self.identifier.gtin[0])

    @property
    def units(self) -> int | None:
        """Dispense units in what was scanned (None for an undeclared case)."""
        if self.indicator == 0:
            return self.product.package_size
        if self.case_packages is None:
            return None
        return self.case_packages * self.product.package_size

    def as_dict(self) -> dict[str, object]:
        p, ident = self.product, self.identifier
        return {
            "gtin": ident.gtin,
            "indicator": self.indicator,
            "case_packages": self.case_packages,
            "units": self.units,
            "ndc": str(p.ndc),
            "lot": ident.lot,
            "expiry": ident.expiry.isoformat() if ident.expiry else None,
            "serial": ident.serial,
            "product": {
                "id": p.id,
                "name": p.name,
                "generic_name": p.generic_name,
                "labeler": p.labeler,
                "strength": p.strength,
                "dosage_form": p.dosage_form,
                "package_size": p.package_size,
                "dispense_unit": p.dispense_unit,
                "dea_schedule": p.dea_schedule.value if p.dea_schedule else None,
                "ndc11": p.ndc.ndc11,
            },
        }


def identify(uow: UnitOfWork, identifier: ProductIdentifier) -> Identified:
    """Find the product whose NDC digits the GTIN carries; unknown GTINs are an error."""
    product = uow.products.find("digits10", identifier.ndc_digits)
    if product is None:
        raise UnknownProduct(
            f"GTIN {identifier.gtin}",
            f"no product has NDC digits {identifier.ndc_digits}; import the NDC Directory "
            "or add the product to the item master",
        )
    case = None
    if identifier.gtin[0] != "0":
        case = uow.products.cases([identifier.gtin]).get(identifier.gtin)
        if case is not None and case.product_id != product.id:
            case = None
    return Identified(identifier, product, None if case is None else case.packages)


def receipt_of(
    identifier: ProductIdentifier,
    *,
    user: str,
    location: str | None = None,
    reference: str = "",
    external_id: ExternalId | None = None,
) -> Receive:
    """The receipt of one scanned package: its GTIN (a case GTIN receives the case's declared
    packages), lot, expiry and serial from the barcode. A package with a serial is recorded;
    the same serial scanned again is refused and flagged as suspect product."""
    if identifier.lot is None:
        raise InvalidBarcode("scan", "the barcode has no lot (10): receive it by NDC and lot")
    return Receive(
        user=user,
        location=location,
        product=identifier.gtin,
        lot=identifier.lot,
        expiry=identifier.expiry,
        packages=1,
        serial=identifier.serial,
        reference=reference,
        external_id=external_id,
    )
