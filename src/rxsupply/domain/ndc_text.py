"""NDCs written inside free text: the FDA shortage list's presentations.

The FDA Drug Shortage Database writes each presentation as text with its package NDC in it:
``Tablet, 400 mg/1 (NDC 60505-5306-1)``, ``(NDCs 0093-7027-56 and 0093-7027-98)``,
``(NDC: 63323-192-02)``, ``(NDC 65862024508)``, ``(NDC 00409- 1761-02)``. What
:func:`ndcs_in_text` reads, and what each becomes (the digits through :mod:`rxsupply.domain.ndc`,
the one place NDCs are normalised):

- three hyphenated digit segments anywhere in the text (a stray space after a hyphen is
  allowed): 4-4-2, 5-3-2 and 5-4-1 are the 10-digit NDC (its digits and its 11-digit 5-4-2
  billing form); 5-4-2 is the billing form itself (its 10 digits known only when exactly one
  segment can carry the padding zero);
- 11 bare digits right after ``NDC``: the billing form, as above;
- 10 digits right after ``NDC``, bare or hyphenated in none of the three patterns
  (``0781-13-9101``): the NDC's digits, without the segment pattern that the billing form needs.

Anything else is not a package NDC and is left out: a product NDC of two segments
(``NDC: 0574-7040``), four segments (``250-21-608-50``), a phone number (3-3-4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rxsupply.domain.ndc import NDC, ndc11_candidates
from rxsupply.errors import InvalidNDC

_HYPHENATED = re.compile(r"(?<![\d-])(\d{4,5}) ?- ?(\d{2,4}) ?- ?(\d{1,4})(?![\d-])")
_AFTER_NDC = re.compile(r"NDC[s]?\s*[:#]?\s*\(?\s*((?:\d+ ?- ?)*\d+)(?![\d-])", flags=re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class WrittenNDC:
    """An NDC as a presentation writes it (``written``), with what can be known of it: the
    10-digit NDC with its pattern (``ndc``), its 11-digit billing form (``ndc11``) and its
    10 digits (``digits10``). At least one of ``ndc11`` and ``digits10`` is known."""

    written: str
    ndc: NDC | None
    ndc11: str | None
    digits10: str | None

    @property
    def key(self) -> str:
        """One text per package: the billing form when known, else the 10 digits."""
        return self.ndc11 or f"d{self.digits10}"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "written": self.written,
            "ndc": str(self.ndc) if self.ndc else None,
            "ndc11": self.ndc11,
            "digits10": self.digits10,
        }


def read_written_ndc(text: str) -> WrittenNDC | None:
    """One NDC as written (hyphenated or bare digits), or None when it is no package NDC."""
    written = text.replace(" ", "")
    digits = written.replace("-", "")
    if not digits.isascii() or not digits.isdigit():
        return None
    if "-" in written and written.count("-") != 2:
        return None
    if len(digits) == 10:
        try:
            ndc = NDC.parse(written)
        except InvalidNDC:  # bare, or hyphenated in no NDC pattern: the digits alone
            return WrittenNDC(written, None, None, digits)
        return WrittenNDC(written, ndc, ndc.ndc11, ndc.digits)
    if len(digits) == 11:
        if "-" in written and [len(p) for p in written.split("-")] != [5, 4, 2]:
            return None
        candidates = ndc11_candidates(digits)
        if not candidates and "-" not in written:
            return None  # 11 bare digits that no NDC pads to: not an NDC
        one = candidates[0] if len(candidates) == 1 else None
        return WrittenNDC(written, one, digits, one.digits if one else None)
    return None


def ndcs_in_text(text: str) -> list[WrittenNDC]:
    """Every package NDC in ``text``, in order, each package once (by :attr:`WrittenNDC.key`)."""
    found: list[tuple[int, WrittenNDC]] = []
    for match in _HYPHENATED.finditer(text):
        written = read_written_ndc(match.group(0))
        # hyphenated in an NDC pattern; other hyphenations count only right after "NDC"
        if written is not None and (written.ndc is not None or written.ndc11 is not None):
            found.append((match.start(), written))
    for match in _AFTER_NDC.finditer(text):
        written = read_written_ndc(match.group(1))
        if written is not None:
            found.append((match.start(1), written))
    found.sort(key=lambda pair: pair[0])
    seen: set[str] = set()
    out: list[WrittenNDC] = []
    for _, written in found:
        if written.key not in seen:
            seen.add(written.key)
            out.append(written)
    return out
