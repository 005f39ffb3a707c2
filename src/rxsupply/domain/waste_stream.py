"""Waste streams: where every unit that leaves as waste or return goes.

Four streams and no other (:class:`WasteStream`):

- ``creditable``: potentially creditable, to the reverse distributor for manufacturer credit
  (a lot returnable now or later under its labeler's policy);
- ``hazardous``: a non-creditable hazardous waste pharmaceutical, RCRA listed in 40 CFR
  261.33: the P list (acute, paragraph (e)) or the U list (paragraph (f)), matched by the
  pharmacy's editable list of :class:`HazardousListing` rows;
- ``non_hazardous``: non-creditable and not listed;
- ``controlled``: a DEA controlled substance, whatever else it is (a Schedule II return needs
  a DEA Form 222 number, a destruction two witnesses on a Form 41 record).

Nothing is ever sewered: 40 CFR 266.505 bans sewering hazardous waste pharmaceuticals, and
this system has no stream for it; :func:`parse_stream` refuses one by name.

A listing matches a product when its ``ingredient`` appears as whole words in the product's
generic name (or its name when the generic name is blank), unless one of its
``exempt_terms`` appears in the generic name, name or dosage form (the 2019 Subpart P rule's
over-the-counter nicotine replacement therapies: patches, gum, lozenges; epinephrine salts,
which EPA reads as outside P042). When both a P and a U row match (warfarin: P001 above 0.3 %,
U248 at or below), the P row is chosen: acute is the stricter management, and the reason names
the other code so the pharmacist can check the concentration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from rxsupply.domain.fields import check_text
from rxsupply.domain.return_policy import Returnability
from rxsupply.errors import InvalidValue

_CODE = re.compile(r"^[PU]\d{3}$")
PARAGRAPHS = {"P": "(e)", "U": "(f)"}
"""The paragraph of 40 CFR 261.33 that lists each code letter."""


class WasteStream(StrEnum):
    CREDITABLE = "creditable"
    HAZARDOUS = "hazardous"
    NON_HAZARDOUS = "non_hazardous"
    CONTROLLED = "controlled"


def parse_stream(text: str) -> WasteStream:
    """A stream by its name; sewering is refused (there is no such stream)."""
    raw = text.strip().lower().replace("-", "_").replace(" ", "_")
    if raw.startswith("sewer") or raw in ("drain", "flush"):
        raise InvalidValue(
            "stream",
            "nothing is sewered: 40 CFR 266.505 bans sewering hazardous waste "
            "pharmaceuticals, and no stream here sends anything down the drain",
            text,
        )
    try:
        return WasteStream(raw)
    except ValueError:
        names = ", ".join(s.value for s in WasteStream)
        raise InvalidValue("stream", f"one of {names}", text) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class HazardousListing:
    """One row of the pharmacy's RCRA list: an active ingredient, its 40 CFR 261.33 code
    (``P001``...), the paragraph that lists it, and the condition or exemption in words."""

    ingredient: str
    code: str
    note: str = ""
    exempt_terms: tuple[str, ...] = ()
    id: int | None = None

    def __post_init__(self) -> None:
        check_text("ingredient", self.ingredient, limit=120)
        check_text("note", self.note, limit=1000)
        if not self.ingredient.strip():
            raise InvalidValue("ingredient", "name the active ingredient")
        if not _CODE.match(self.code):
            raise InvalidValue(
                "code", "a 40 CFR 261.33 code: P or U and three digits (P001, U248)", self.code
            )
        for term in self.exempt_terms:
            check_text("exempt_terms", term, limit=60)

    @property
    def paragraph(self) -> str:
        """``40 CFR 261.33(e)`` for a P code, ``(f)`` for a U code."""
        return f"40 CFR 261.33{PARAGRAPHS[self.code[0]]}"

    @property
    def acute(self) -> bool:
        return self.code.startswith("P")

    def matches(self, *, generic_name: str, name: str, dosage_form: str) -> bool:
        named = (generic_name or name).casefold()
        if not _words(self.ingredient).search(named):
            return False
        text = f"{generic_name} {name} {dosage_form}".casefold()
        return not any(_words(term).search(text) for term in self.exempt_terms if term.strip())

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ingredient": self.ingredient,
            "code": self.code,
            "paragraph": self.paragraph,
            "note": self.note,
            "exempt_terms": list(self.exempt_terms),
        }


def _words(text: str) -> re.Pattern[str]:
    return re.compile(r"\b" + r"\s+".join(map(re.escape, text.casefold().split())) + r"\b")


def parse_terms(text: str) -> tuple[str, ...]:
    """Exemption terms as typed: separated by ``;`` or ``|``."""
    return tuple(t.strip() for t in re.split(r"[;|]", text) if t.strip())


def listing_for(
    listings: list[HazardousListing], *, generic_name: str, name: str, dosage_form: str
) -> tuple[HazardousListing | None, list[str]]:
    """The listing that applies to a product (P before U, then by code) and the other codes
    that matched it."""
    found = sorted(
        (
            row
            for row in listings
            if row.matches(generic_name=generic_name, name=name, dosage_form=dosage_form)
        ),
        key=lambda r: (not r.acute, r.code),
    )
    if not found:
        return None, []
    return found[0], [r.code for r in found[1:]]


def stream_of(
    *,
    returnability: Returnability,
    controlled: str | None,
    listing: HazardousListing | None,
    also: list[str] | None = None,
) -> tuple[WasteStream, str]:
    """The stream of a lot and why: controlled wins, then creditable (returnable now or
    later), then hazardous (RCRA listed), else non-hazardous."""
    if controlled:
        return WasteStream.CONTROLLED, f"DEA schedule {controlled}"
    if returnability is not Returnability.NEVER:
        return WasteStream.CREDITABLE, "returnable for credit under the labeler's policy"
    if listing is not None:
        why = f"RCRA {listing.code} ({listing.paragraph}): {listing.ingredient}"
        if also:
            why += f"; also matches {', '.join(also)}: check the concentration"
        return WasteStream.HAZARDOUS, why
    return WasteStream.NON_HAZARDOUS, "not creditable and not RCRA listed"
