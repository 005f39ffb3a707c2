"""Identifying a scanned package: GS1 product identifier to a known product."""

from __future__ import annotations

from dataclasses import dataclass

from rxsupply.domain.identifier import ProductIdentifier
from rxsupply.domain.product import Product
from rxsupply.errors import UnknownProduct
from rxsupply.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Identified:
    identifier: ProductIdentifier
    product: Product

    def as_dict(self) -> dict[str, object]:
        p, ident = self.product, self.identifier
        return {
            "gtin": ident.gtin,
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
    return Identified(identifier, product)
