"""Matching a shortage to the formulary: which items it touches, and how that is known.

Each item gets the strongest method that matches it (:class:`~.shortage.MatchMethod`):

1. ``ndc``: an NDC of the shortage is one of the item's products, compared in the 11-digit
   billing form or, for an NDC written without its segment pattern, by its 10 digits;
2. ``name_strength_form``: failing that, the same ingredients (:func:`ingredients`) and one
   presentation of the shortage with a strength of the item (:func:`strengths`) in the item's
   dosage form (:func:`forms`);
3. ``name``: failing that, the generic name: the same ingredients, in the dosage form the FDA's
   generic name states when it states one ("Lorazepam Injection" is not the lorazepam tablet;
   "Amino Acids" is any form).

Ingredients are compared as words, so "Bupivacaine Hydrochloride Injection" is bupivacaine
(the salt's word is allowed on one side only) and "Potassium Chloride" is not sodium chloride.
An item's ingredients, strength and form come from its products (their generic name, strength,
dosage form and route); an item without a product that names its generic falls back on the
words of its own name before the first digit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rxsupply.domain.shortage import Match, MatchMethod, Shortage, folded

Ingredients = tuple[tuple[str, ...], ...]

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SPLIT = re.compile(r";|/|,|\+|\band\b|\bwith\b|\bin\b|(?<=[a-z])-(?=[a-z]{3})")
_WORD = re.compile(r"[a-z][a-z0-9]*")
_NOT_INGREDIENT_WORDS = (
    "injection injectable injections tablet tablets tab tabs capsule capsules cap caps",
    "ointment cream gel lotion solution solutions suspension syrup elixir powder powders oral",
    "for concentrate spray nasal ophthalmic otic film granules granule usp nf extended release",
    "delayed er xr dr sr la cr odt chewable orally disintegrating patch transdermal inhalation",
    "aerosol inhaler metered vial vials ampul ampule bag bags premix premixed single dose",
    "multiple preservative free pf mg mcg ml meq unit units iu kit liquid drops drop emulsion",
    "intravenous intramuscular subcutaneous topical rectal suppository suppositories enema",
    "diluent bottle bottles tube system pen prefilled syringe syringes cartridge irrigant",
    "irrigation",
    "carpuject lyophilized lyophilised the of to use",
)
_NOT_INGREDIENT = frozenset(w for line in _NOT_INGREDIENT_WORDS for w in line.split())
_STRENGTH = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(mcg|µg|ug|mg|gm|grams?|g|meq|mmol|units?|iu|%|ml)(?![a-z])"
    r"(?:\s*(?:/|per)\s*(\d+(?:\.\d+)?)?"
    r"\s*(ml|l|g|actuation|spray|tablet|capsule|hr|h)?(?![a-z]))?",
    flags=re.IGNORECASE,
)
_MASS_MG = {
    "mcg": Decimal("0.001"),
    "µg": Decimal("0.001"),
    "ug": Decimal("0.001"),
    "mg": Decimal(1),
    "g": Decimal(1000),
}
_UNIT = {"gm": "g", "gram": "g", "grams": "g", "unit": "units", "iu": "units"}
_FORMS: list[tuple[str, tuple[str, ...]]] = [
    ("ophthalmic", ("ophthalmic", "eye drop")),
    ("otic", ("otic",)),
    ("irrigation", ("irrigat",)),
    ("nasal", ("nasal", "spray")),
    ("inhalation", ("inhal", "nebuli", "aerosol", "respiratory")),
    ("rectal", ("suppositor", "enema", "rectal")),
    ("transdermal", ("patch", "transdermal")),
    (
        "injection",
        (
            "inject",
            "vial",
            "ampul",
            "syringe",
            "carpuject",
            "infusion",
            "intravenous",
            "intramuscular",
            "subcutaneous",
            "intrathecal",
            "epidural",
        ),
    ),
    ("tablet", ("tablet", "caplet")),
    ("capsule", ("capsule",)),
    (
        "oral_liquid",
        (
            "oral solution",
            "oral suspension",
            "syrup",
            "elixir",
            "for suspension",
            "oral liquid",
            "oral concentrate",
            "oral powder",
        ),
    ),
    ("topical", ("ointment", "cream", "lotion", "topical", " gel")),
]


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def ingredients(name: str) -> Ingredients:
    """The ingredients a generic name names, each as its words (brand names in brackets,
    dosage forms, strengths and packaging left out). Combinations split on ``;``, ``/``,
    ``and``, ``with``, ``in`` and hyphens between words (``amoxicillin-clavulanate``)."""
    text = _BRACKETS.sub(" ", folded(name).replace("®", " ").replace("™", " ").replace("'", ""))
    out: list[tuple[str, ...]] = []
    for part in _SPLIT.split(text):
        words = tuple(
            dict.fromkeys(
                _stem(w) for w in _WORD.findall(part) if w not in _NOT_INGREDIENT and len(w) > 1
            )
        )
        if words and words not in out:
            out.append(words)
    return tuple(out)


def _same(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One ingredient: the same first word, and the words of one within the other's."""
    return a[0] == b[0] and (set(a) <= set(b) or set(b) <= set(a))


def same_ingredients(a: Ingredients, b: Ingredients) -> bool:
    """The same number of ingredients, paired one to one: each pair has the same first word
    and the words of one are within the other's (so a salt or an ester named on one side only
    still matches: morphine is morphine sulfate; ketorolac tromethamine is not tromethamine)."""
    if not a or len(a) != len(b):
        return False
    left = list(b)
    for words in a:
        pair = next((w for w in left if _same(words, w)), None)
        if pair is None:
            return False
        left.remove(pair)
    return True


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _amount(value: Decimal, unit: str) -> str:
    unit = _UNIT.get(unit, unit)
    if unit in _MASS_MG:
        value, unit = value * _MASS_MG[unit], "mg"
    return f"{value.normalize():f}{unit}"


def strengths(text: str) -> frozenset[str]:
    """The strengths written in a text, normalised: masses in mg (``1 g`` is ``1000mg``), a
    concentration per one of its unit (``4 mg/2 mL`` is also ``2mg/ml``), a percentage also
    as mg/mL (``0.5%`` is also ``5mg/ml``), ``per 1`` dropped (``400 mg/1`` is ``400mg``)."""
    found: set[str] = set()
    for number, unit, per, per_unit in _STRENGTH.findall(folded(text)):
        value = _number(number)
        if value is None:
            continue
        amount = _amount(value, unit)
        if unit == "%":  # weight in volume: 1% is 10 mg/mL
            found.add(f"{(value * 10).normalize():f}mg/ml")
        if not per_unit:
            found.add(amount)
            continue
        divisor = _number(per) if per else Decimal(1)
        if not divisor:
            continue
        found.add(f"{amount}/{divisor.normalize():f}{per_unit}")
        found.add(f"{_amount(value / divisor, unit)}/{per_unit}")
    return frozenset(found)


def forms(text: str) -> frozenset[str]:
    """The dosage form families a text names (injection, tablet, capsule, oral liquid,
    topical, ophthalmic, inhalation, nasal, rectal, transdermal, otic)."""
    low = " " + folded(text)
    found = {family for family, words in _FORMS if any(w in low for w in words)}
    if "ophthalmic" in found:
        found.discard("topical")
    return frozenset(found)


@dataclass(frozen=True, slots=True, kw_only=True)
class FormularyProduct:
    """What matching reads of one product that stocks a formulary item."""

    ndc11: str
    digits10: str
    generic_name: str = ""
    strength: str = ""
    dosage_form: str = ""
    route: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FormularyItem:
    id: int
    code: str
    name: str
    products: tuple[FormularyProduct, ...] = ()


@dataclass(frozen=True, slots=True)
class _Profile:
    item: FormularyItem
    names: tuple[Ingredients, ...]
    strengths: frozenset[str]
    forms: frozenset[str]


class Formulary:
    """The formulary indexed for matching: items by NDC (both forms) and by ingredient word."""

    def __init__(self, items: Sequence[FormularyItem]) -> None:
        self.by_ndc11: dict[str, set[int]] = defaultdict(set)
        self.by_digits: dict[str, set[int]] = defaultdict(set)
        self.by_word: dict[str, set[int]] = defaultdict(set)
        self.profiles: dict[int, _Profile] = {}
        for item in items:
            generic = {p.generic_name for p in item.products if p.generic_name.strip()}
            if not generic:
                generic = {re.split(r"\d", item.name, maxsplit=1)[0]}
            names = tuple(n for n in (ingredients(g) for g in sorted(generic)) if n)
            text = " ".join(f"{p.route} {p.dosage_form}" for p in item.products)
            found = frozenset(s for p in item.products for s in strengths(p.strength))
            self.profiles[item.id] = _Profile(item, names, found, forms(text))
            for p in item.products:
                self.by_ndc11[p.ndc11].add(item.id)
                self.by_digits[p.digits10].add(item.id)
            for name in names:
                for words in name:
                    for word in words:
                        self.by_word[word].add(item.id)

    def match(self, shortage: Shortage) -> dict[int, Match]:
        """Every item the shortage touches, each by its strongest method."""
        found: dict[int, Match] = {}
        for p in shortage.presentations:
            for n in p.ndcs:
                hits = self.by_ndc11.get(n.ndc11 or "", set()) | self.by_digits.get(
                    n.digits10 or "", set()
                )
                for item_id in sorted(hits):
                    found.setdefault(item_id, self._match(item_id, MatchMethod.NDC, n.written))
        wanted = ingredients(shortage.generic_name)
        candidates = set().union(*(self.by_word.get(w, set()) for words in wanted for w in words))
        for item_id in sorted(candidates - found.keys()):
            profile = self.profiles[item_id]
            if not any(same_ingredients(name, wanted) for name in profile.names):
                continue
            match = self._by_name(profile, shortage)
            if match is not None:
                found[item_id] = match
        return found

    def _match(self, item_id: int, method: MatchMethod, detail: str) -> Match:
        item = self.profiles[item_id].item
        return Match(
            item_id=item_id, method=method, detail=detail, item_code=item.code, item_name=item.name
        )

    def _by_name(self, profile: _Profile, shortage: Shortage) -> Match | None:
        name_forms = forms(shortage.generic_name)
        for p in shortage.presentations:
            common = strengths(p.text) & profile.strengths
            shape = (forms(p.text) | name_forms) & profile.forms
            if common and shape:
                detail = f"{', '.join(sorted(common))} {', '.join(sorted(shape))}"
                return self._match(profile.item.id, MatchMethod.NAME_STRENGTH_FORM, detail)
        if name_forms and profile.forms and not name_forms & profile.forms:
            return None  # "Lorazepam Injection" is not the lorazepam tablet
        return self._match(profile.item.id, MatchMethod.NAME, shortage.generic_name)


def best_methods(matches: Iterable[Match]) -> dict[int, MatchMethod]:
    """Each item's strongest method among many matches (the order of :class:`MatchMethod`)."""
    order = list(MatchMethod)
    best: dict[int, MatchMethod] = {}
    for m in matches:
        now = best.get(m.item_id)
        if now is None or order.index(m.method) < order.index(now):
            best[m.item_id] = m.method
    return best
