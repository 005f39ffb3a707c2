"""National Drug Codes and their GTIN-14 form.

An NDC identifies one package. FDA prints it as 10 digits in three hyphenated segments,
labeler-product-package, in one of three patterns: 4-4-2, 5-3-2 or 5-4-1. Billing (HIPAA, X12)
uses an 11-digit 5-4-2 form made by left-padding the short segment with a zero; without the
hyphens that form cannot be turned back into the 10-digit one unless only one segment could have
been padded.

On the package barcode the NDC lives inside a GTIN-14 (GS1 US guideline for the US
pharmaceutical supply chain): indicator digit, GS1 prefix ``03``, the 10 NDC digits (no
hyphens, no padding), check digit. The GTIN keeps the digits but loses the segment pattern, so
rxsupply keeps NDC and GTIN as separate fields and looks a GTIN up by its 10 digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rxsupply.errors import InvalidGTIN, InvalidNDC

Pattern = Literal["4-4-2", "5-3-2", "5-4-1"]
PATTERNS: dict[Pattern, tuple[int, int, int]] = {
    "4-4-2": (4, 4, 2),
    "5-3-2": (5, 3, 2),
    "5-4-1": (5, 4, 1),
}
_HYPHENATED = re.compile(r"^([0-9]{4,5})-([0-9]{3,4})-([0-9]{1,2})$")
_NDC_GTIN_PREFIX = "03"


def _is_digits(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts Arabic-Indic and full-width digits)."""
    return text.isascii() and text.isdigit()


@dataclass(frozen=True, slots=True, order=True)
class NDC:
    """A 10-digit NDC with its segment pattern. ``str(ndc)`` is the hyphenated FDA form."""

    labeler: str
    product: str
    package: str

    def __post_init__(self) -> None:
        lengths = (len(self.labeler), len(self.product), len(self.package))
        if lengths not in PATTERNS.values():
            raise InvalidNDC(
                "ndc",
                f"segments of {lengths[0]}-{lengths[1]}-{lengths[2]} digits; an NDC is "
                "4-4-2, 5-3-2 or 5-4-1",
                str(self),
            )
        if not _is_digits(self.labeler + self.product + self.package):
            raise InvalidNDC("ndc", "an NDC has digits and hyphens only", str(self))

    @classmethod
    def parse(cls, text: str) -> NDC:
        """Read a hyphenated NDC: 10 digits in 4-4-2, 5-3-2 or 5-4-1, or an 11-digit 5-4-2.

        An 11-digit hyphenated code is unpadded when exactly one segment carries the padding
        zero; otherwise it is ambiguous and rejected with the candidates named.
        """
        raw = text.strip()
        match = _HYPHENATED.match(raw)
        if match is None:
            digits = raw.replace("-", "")
            if _is_digits(digits) and len(digits) in (10, 11) and "-" not in raw:
                kind = "10-digit" if len(digits) == 10 else "11-digit"
                raise InvalidNDC(
                    "ndc",
                    f"a {kind} NDC without hyphens has no segment pattern; write it "
                    "hyphenated (e.g. 0409-4888-02) or look it up by digits",
                    raw,
                )
            raise InvalidNDC(
                "ndc",
                "expected digits in three hyphenated segments: 4-4-2, 5-3-2, 5-4-1 or 5-4-2",
                raw,
            )
        lab, prod, pkg = match.groups()
        if (len(lab), len(prod), len(pkg)) == (5, 4, 2):
            return cls.from_ndc11(lab + prod + pkg)
        return cls(lab, prod, pkg)

    @classmethod
    def from_digits(cls, digits: str, pattern: Pattern) -> NDC:
        """Split 10 digits by a known pattern."""
        if len(digits) != 10 or not _is_digits(digits):
            raise InvalidNDC("ndc", "expected exactly 10 digits", digits)
        a, b, _ = PATTERNS[pattern]
        return cls(digits[:a], digits[a : a + b], digits[a + b :])

    @classmethod
    def from_ndc11(cls, digits11: str) -> NDC:
        """Undo the 5-4-2 billing padding when only one segment can have been padded."""
        candidates = ndc11_candidates(digits11)
        if not candidates:
            raise InvalidNDC(
                "ndc",
                "an 11-digit NDC needs a padding zero at the start of one segment",
                digits11,
            )
        if len(candidates) > 1:
            shown = ", ".join(str(c) for c in candidates)
            raise InvalidNDC("ndc", f"11-digit NDC is ambiguous; it could be {shown}", digits11)
        return candidates[0]

    @property
    def pattern(self) -> Pattern:
        lengths = (len(self.labeler), len(self.product), len(self.package))
        for name, shape in PATTERNS.items():
            if shape == lengths:
                return name
        raise AssertionError("unreachable: checked in __post_init__")  # pragma: no cover

    @property
    def digits(self) -> str:
        """The 10 digits without hyphens, as they appear inside the GTIN."""
        return self.labeler + self.product + self.package

    @property
    def ndc11(self) -> str:
        """The 11-digit 5-4-2 billing form, digits only."""
        return self.labeler.zfill(5) + self.product.zfill(4) + self.package.zfill(2)

    @property
    def ndc11_hyphenated(self) -> str:
        return f"{self.labeler.zfill(5)}-{self.product.zfill(4)}-{self.package.zfill(2)}"

    @property
    def product_ndc(self) -> str:
        """The labeler-product part, as in the FDA product file (PRODUCTNDC)."""
        return f"{self.labeler}-{self.product}"

    def gtin14(self, indicator: int = 0) -> str:
        """The GTIN-14 that carries this NDC on a package barcode."""
        return gtin14_from_ndc_digits(self.digits, indicator=indicator)

    def __str__(self) -> str:
        return f"{self.labeler}-{self.product}-{self.package}"


def ndc11_candidates(digits11: str) -> list[NDC]:
    """Every 10-digit NDC whose 5-4-2 billing form is ``digits11``, in pattern order."""
    raw = digits11.replace("-", "").strip()
    if len(raw) != 11 or not _is_digits(raw):
        raise InvalidNDC("ndc", "an 11-digit NDC has exactly 11 digits", digits11)
    lab, prod, pkg = raw[:5], raw[5:9], raw[9:]
    found: list[NDC] = []
    if lab[0] == "0":
        found.append(NDC(lab[1:], prod, pkg))
    if prod[0] == "0":
        found.append(NDC(lab, prod[1:], pkg))
    if pkg[0] == "0":
        found.append(NDC(lab, prod, pkg[1:]))
    return found


def gs1_check_digit(body: str) -> str:
    """GS1 mod-10 check digit for the digits before it (weights 3,1,3,... from the right)."""
    backwards = body[::-1]
    total = 3 * sum(map(int, backwards[0::2])) + sum(map(int, backwards[1::2]))
    return str((10 - total % 10) % 10)


def gtin14_from_ndc_digits(digits: str, *, indicator: int = 0) -> str:
    """Build the GTIN-14 for the 10 NDC digits: indicator + ``03`` + NDC + check digit."""
    if len(digits) != 10 or not _is_digits(digits):
        raise InvalidNDC("ndc", "expected the 10 NDC digits", digits)
    if not 0 <= indicator <= 8:
        raise InvalidGTIN("indicator", "the packaging indicator is a digit from 0 to 8", indicator)
    body = f"{indicator}{_NDC_GTIN_PREFIX}{digits}"
    return body + gs1_check_digit(body)


def validate_gtin14(gtin: str) -> str:
    """Return ``gtin`` if it is 14 digits with a correct check digit, else raise."""
    raw = gtin.strip()
    if len(raw) != 14 or not _is_digits(raw):
        raise InvalidGTIN("gtin", "a GTIN-14 has exactly 14 digits", raw)
    expected = gs1_check_digit(raw[:13])
    if raw[13] != expected:
        raise InvalidGTIN(
            "gtin", f"check digit is {raw[13]}, the GS1 check digit should be {expected}", raw
        )
    return raw


def ndc_digits_from_gtin14(gtin: str) -> str:
    """The 10 NDC digits inside an NDC-based GTIN-14 (prefix ``03`` after the indicator)."""
    raw = validate_gtin14(gtin)
    if raw[1:3] != _NDC_GTIN_PREFIX:
        raise InvalidGTIN(
            "gtin",
            f"not an NDC-based GTIN: digits 2-3 are {raw[1:3]}, a US drug GTIN has 03",
            raw,
        )
    return raw[3:13]


def ndc_lookup_key(text: str) -> tuple[Literal["ndc", "digits10", "ndc11"], str]:
    """How to find a product from an NDC as written in a file.

    Hyphenated 10-digit text is exact (``ndc``); 10 bare digits match the NDC digits
    (``digits10``, unique in the FDA directory); 11 bare digits or 5-4-2 with hyphens match the
    billing form (``ndc11``).
    """
    raw = text.strip()
    if "-" in raw:
        ndc = NDC.parse(raw) if len(raw.replace("-", "")) == 10 else None
        if ndc is not None:
            return "ndc", str(ndc)
        digits = raw.replace("-", "")
        if len(digits) == 11 and _HYPHENATED.match(raw):
            return "ndc11", digits
        NDC.parse(raw)  # raises with the precise reason
        raise InvalidNDC("ndc", "unreadable NDC", raw)  # pragma: no cover
    if _is_digits(raw) and len(raw) == 10:
        return "digits10", raw
    if _is_digits(raw) and len(raw) == 11:
        return "ndc11", raw
    raise InvalidNDC(
        "ndc",
        "expected a hyphenated NDC (4-4-2, 5-3-2, 5-4-1), 10 digits or the 11-digit 5-4-2 form",
        raw,
    )
