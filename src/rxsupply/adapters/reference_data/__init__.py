"""Reference data shipped in the package: the starter list of RCRA listed drugs
(``rcra_listings.csv``: ingredient, 40 CFR 261.33 code, the condition or exemption in words,
and the exemption terms separated by ``;``).

The starter list holds only codes checked against the regulation: the P list (acute, 261.33(e))
P001 warfarin above 0.3 %, P012 arsenic trioxide, P042 epinephrine (its salts left out), P075
nicotine (over-the-counter replacement therapies left out), and common U-listed (261.33(f))
drugs: mitomycin C, chlorambucil, chloroform, cyclophosphamide, daunomycin,
diethylstilbestrol, formaldehyde, lindane, melphalan, phenol, streptozotocin, selenium
sulfide, paraldehyde, uracil mustard and U248 warfarin at or below 0.3 %. Nitroglycerin (P081)
and physostigmine (P188, P204) are left out: their status for medicinal forms needs checking
by the pharmacy before it adds them.
"""

from __future__ import annotations

import csv
import io
from importlib.resources import files

from rxsupply.domain.waste_stream import HazardousListing, parse_terms


def starter_listings() -> list[HazardousListing]:
    """The starter list's rows, as shipped."""
    text = (files("rxsupply.adapters") / "reference_data" / "rcra_listings.csv").read_text(
        encoding="utf-8"
    )
    return [
        HazardousListing(
            ingredient=row["ingredient"].strip(),
            code=row["code"].strip(),
            note=row["note"].strip(),
            exempt_terms=parse_terms(row["exempt_terms"] or ""),
        )
        for row in csv.DictReader(io.StringIO(text))
    ]
