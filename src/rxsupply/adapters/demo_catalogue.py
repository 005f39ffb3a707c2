"""The drug catalogue of the demo hospital: a 300-bed US acute care hospital.

About 1,500 formulary items (what a nurse pulls: "ondansetron 4 mg/2 mL inj vial") stocked from
about 2,500 products (NDC packages). Generic names, strengths, dosage forms, routes, DEA
schedules and package sizes are the real ones US hospitals stock; unit costs are realistic
acquisition prices in USD per dispense unit, rounded. The demo generator turns the demand hint
of each item into a daily usage pattern per area.

Everything that identifies a company is fictional: the labelers are "Demo ..." names and their
NDC labeler codes (:data:`DEMO_LABELER_CODES`) occur nowhere in the FDA NDC Directory, so no demo
NDC, in its hyphenated, 10-digit or 11-digit form, can equal a real one and a real directory
imports beside the demo without a collision (``tests/unit/adapters/test_demo_catalogue.py``
checks the codes against the FDA files of 2019-04-29).

The data are compact tables parsed once on first use. A molecule line starts with ``@``::

    @generic name|class code|DEA schedule|criticality V/E/N|areas|injection routes|flags

and the items of that molecule follow, one line each::

    strength|form key [volume]|package sizes|unit cost USD|demand h/m/s/v|overrides

``areas`` is ``A`` (all) or letters of E (ED), I (ICU), O (OR), L (L&D), M (MEDSURG).
``injection routes`` is a ``/`` list of route codes (IV, IM, SC...) for injectable forms.
``flags`` and overrides: ``S`` seasonal, ``U``/``D`` trending up/down, ``V``/``E``/``N``
criticality, ``B`` made by a biologics labeler, ``a=`` areas, ``r=`` routes, ``x=`` DEA
schedule, ``c=`` class code. Each package size gives one product; the same size twice means two
manufacturers. Labelers, NDCs, package descriptions and per-manufacturer prices are derived
deterministically (a SHA-256 of the item name, never the process's random state), so every run
builds the same catalogue.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from rxsupply.domain.ndc import NDC


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """One NDC package of a demo item; ``package_size`` is in the item's dispense units."""

    ndc: str
    name: str
    labeler: str
    package_size: int
    package_description: str
    package_cost: Decimal


@dataclass(frozen=True, slots=True)
class DemoItem:
    """One formulary item of the demo hospital and the products it is stocked from.

    ``demand`` is a hint for the generator: ``high``, ``medium``, ``slow`` or ``very-slow``.
    ``trend`` is ``""``, ``"up"`` or ``"down"``; ``areas`` is ``("ALL",)`` or a subset of ED,
    ICU, OR, L&D and MEDSURG.
    """

    code: str
    name: str
    generic_name: str
    strength: str
    dosage_form: str
    route: str
    dispense_unit: str
    dea_schedule: str | None
    therapeutic_class: str
    unit_cost: Decimal
    demand: str
    seasonal: bool
    trend: str
    criticality: str
    areas: tuple[str, ...]
    products: tuple[DemoProduct, ...]


# --- fictional labelers --------------------------------------------------------------------
# (name, labeler code, product-segment digits, kinds of product made). Codes were chosen from
# ranges the FDA NDC Directory does not use: 4-digit codes 93xx and 5-digit codes 94xxx-96xxx
# (no real labeler code of 2019 starts with 93, 94, 95 or 96), so not even the 10 digits of a
# demo NDC can equal a real NDC's digits.
_LABELERS: tuple[tuple[str, str, int, str], ...] = (
    ("Demo Northfield Pharma", "9307", 4, "oral"),
    ("Demo Bayside Generics", "94127", 3, "oral topical"),
    ("Demo Cedar Ridge Laboratories", "94582", 4, "oral topical resp"),
    ("Demo Harborview Injectables", "9321", 4, "sterile fluid"),
    ("Demo Silverline Sterile", "95013", 3, "sterile fluid bio"),
    ("Demo Lakemont Pharmaceuticals", "95246", 4, "sterile oral bio"),
    ("Demo Kestrel Biologics", "95731", 3, "bio"),
    ("Demo Pinecrest Unit Dose", "9356", 4, "oral"),
    ("Demo Tamarack Specialty", "96104", 4, "resp topical"),
    ("Demo Willowbrook Infusion", "94350", 3, "fluid sterile"),
)

DEMO_LABELER_CODES: tuple[str, ...] = tuple(code for _, code, _, _ in _LABELERS)
"""Labeler codes of the demo NDCs; none occurs in the FDA NDC Directory."""

_AREAS = {"E": "ED", "I": "ICU", "O": "OR", "L": "L&D", "M": "MEDSURG"}
_DEMAND = {"h": "high", "m": "medium", "s": "slow", "v": "very-slow"}
_CRITICALITY = {"V": "vital", "E": "essential", "N": "non-essential"}
_TREND = {"U": "up", "D": "down"}
_ROUTES = {
    "IV": "INTRAVENOUS",
    "IM": "INTRAMUSCULAR",
    "SC": "SUBCUTANEOUS",
    "ID": "INTRADERMAL",
    "EPI": "EPIDURAL",
    "IT": "INTRATHECAL",
    "INF": "INFILTRATION",
    "PN": "PERINEURAL",
    "IA": "INTRA-ARTICULAR",
    "IL": "INTRALESIONAL",
    "IVES": "INTRAVESICAL",
    "IC": "INTRACAVERNOUS",
    "IO": "INTRAOCULAR",
    "RESP": "RESPIRATORY (INHALATION)",
    "TD": "TRANSDERMAL",
    "RECT": "RECTAL",
    "OR": "ORAL",
    "TOP": "TOPICAL",
}
_FDA_QUANTITY_UNITS = {
    "act": "AEROSOL, METERED",
    "inh": "POWDER",
    "tab": "TABLET",
    "cloth": "CLOTH",
    "units": "[iU]",
    "unit": "[iU]",
}

# form key: (FDA dosage form, route ("*" = the molecule's injection routes), dispense unit,
# word in the item name, package kind, FDA word of the unit's own container)
_FORMS: dict[str, tuple[str, str, str, str, str, str]] = {
    "tab": ("TABLET", "ORAL", "TABLET", "tablet", "solid", ""),
    "tabfc": ("TABLET, FILM COATED", "ORAL", "TABLET", "tablet", "solid", ""),
    "taber": ("TABLET, EXTENDED RELEASE", "ORAL", "TABLET", "ER tablet", "solid", ""),
    "tabfcer": (
        "TABLET, FILM COATED, EXTENDED RELEASE",
        "ORAL",
        "TABLET",
        "ER tablet",
        "solid",
        "",
    ),
    "tabdr": ("TABLET, DELAYED RELEASE", "ORAL", "TABLET", "DR tablet", "solid", ""),
    "chew": ("TABLET, CHEWABLE", "ORAL", "TABLET", "chewable tablet", "solid", ""),
    "odt": ("TABLET, ORALLY DISINTEGRATING", "ORAL", "TABLET", "ODT", "solid", ""),
    "sl": ("TABLET", "SUBLINGUAL", "TABLET", "SL tablet", "solid", ""),
    "cap": ("CAPSULE", "ORAL", "CAPSULE", "capsule", "solid", ""),
    "caper": ("CAPSULE, EXTENDED RELEASE", "ORAL", "CAPSULE", "ER capsule", "solid", ""),
    "capdr": ("CAPSULE, DELAYED RELEASE", "ORAL", "CAPSULE", "DR capsule", "solid", ""),
    "capl": ("CAPSULE, LIQUID FILLED", "ORAL", "CAPSULE", "capsule", "solid", ""),
    "troche": ("TROCHE", "ORAL", "TROCHE", "troche", "solid", ""),
    "loz": ("LOZENGE", "ORAL", "LOZENGE", "lozenge", "solid", ""),
    "film": ("FILM", "SUBLINGUAL", "FILM", "SL film", "each", "POUCH"),
    "solcup": ("SOLUTION", "ORAL", "CUP", "oral soln UD cup", "unit", "CUP, UNIT-DOSE"),
    "suspcup": ("SUSPENSION", "ORAL", "CUP", "oral susp UD cup", "unit", "CUP, UNIT-DOSE"),
    "syrcup": ("SYRUP", "ORAL", "CUP", "syrup UD cup", "unit", "CUP, UNIT-DOSE"),
    "elixcup": ("ELIXIR", "ORAL", "CUP", "elixir UD cup", "unit", "CUP, UNIT-DOSE"),
    "liqcup": ("LIQUID", "ORAL", "CUP", "oral liquid UD cup", "unit", "CUP, UNIT-DOSE"),
    "rinse": ("RINSE", "ORAL", "CUP", "oral rinse UD cup", "unit", "CUP, UNIT-DOSE"),
    "solsyr": ("SOLUTION", "ORAL", "SYRINGE", "oral soln UD syringe", "unit", "SYRINGE"),
    "solml": ("SOLUTION", "ORAL", "ML", "oral soln", "bulk", "BOTTLE"),
    "suspml": ("SUSPENSION", "ORAL", "ML", "oral susp", "bulk", "BOTTLE"),
    "psuspml": ("POWDER, FOR SUSPENSION", "ORAL", "ML", "oral susp", "bulk", "BOTTLE"),
    "syrml": ("SYRUP", "ORAL", "ML", "syrup", "bulk", "BOTTLE"),
    "elixml": ("ELIXIR", "ORAL", "ML", "elixir", "bulk", "BOTTLE"),
    "concml": ("SOLUTION, CONCENTRATE", "ORAL", "ML", "oral concentrate", "bulk", "BOTTLE"),
    "pkt": ("POWDER, FOR SOLUTION", "ORAL", "PACKET", "oral powder packet", "each", "PACKET"),
    "granpkt": ("GRANULE", "ORAL", "PACKET", "granules packet", "each", "PACKET"),
    "jug": ("POWDER, FOR SOLUTION", "ORAL", "JUG", "jug", "unit", "JUG"),
    "dosepack": ("KIT", "ORAL", "PACKAGE", "dose pack", "each", "DOSE PACK"),
    "vial": ("INJECTION, SOLUTION", "*", "VIAL", "inj vial", "unit", "VIAL"),
    "mdv": ("INJECTION, SOLUTION", "*", "VIAL", "inj multi-dose vial", "unit", "VIAL, MULTI-DOSE"),
    "cvial": ("INJECTION, SOLUTION, CONCENTRATE", "*", "VIAL", "inj conc vial", "unit", "VIAL"),
    "pvial": ("INJECTION, POWDER, FOR SOLUTION", "*", "VIAL", "inj vial", "unit", "VIAL"),
    "lvial": (
        "INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION",
        "*",
        "VIAL",
        "inj vial",
        "unit",
        "VIAL",
    ),
    "svial": ("INJECTION, SUSPENSION", "*", "VIAL", "inj susp vial", "unit", "VIAL"),
    "evial": ("INJECTION, EMULSION", "*", "VIAL", "inj emulsion vial", "unit", "VIAL"),
    "pbp": (
        "INJECTION, POWDER, FOR SOLUTION",
        "*",
        "VIAL",
        "pharmacy bulk vial",
        "unit",
        "VIAL, PHARMACY BULK PACKAGE",
    ),
    "amp": ("INJECTION, SOLUTION", "*", "AMPULE", "inj ampule", "unit", "AMPULE"),
    "pfs": ("INJECTION, SOLUTION", "*", "SYRINGE", "syringe", "unit", "SYRINGE"),
    "spfs": ("INJECTION, SUSPENSION", "*", "SYRINGE", "syringe", "unit", "SYRINGE"),
    "carp": ("INJECTION, SOLUTION", "*", "CARTRIDGE", "carpuject", "unit", "CARTRIDGE"),
    "pen": ("INJECTION, SOLUTION", "*", "PEN", "pen", "unit", "SYRINGE"),
    "spen": ("INJECTION, SUSPENSION", "*", "PEN", "pen", "unit", "SYRINGE"),
    "autoinj": ("INJECTION, SOLUTION", "*", "SYRINGE", "auto-injector", "unit", "SYRINGE"),
    "bag": ("INJECTION, SOLUTION", "*", "BAG", "premix bag", "unit", "BAG"),
    "fluid": ("INJECTION, SOLUTION", "INTRAVENOUS", "BAG", "bag", "unit", "BAG"),
    "ebag": ("INJECTION, EMULSION", "INTRAVENOUS", "BAG", "bag", "unit", "BAG"),
    "btl": ("INJECTION, SOLUTION", "*", "BOTTLE", "inj bottle", "unit", "BOTTLE, GLASS"),
    "kit": ("KIT", "*", "KIT", "kit", "each", "KIT"),
    "neb": ("SOLUTION", "RESPIRATORY (INHALATION)", "VIAL", "neb soln", "unit", "VIAL"),
    "nebsusp": ("SUSPENSION", "RESPIRATORY (INHALATION)", "VIAL", "neb susp", "unit", "VIAL"),
    "mdi": (
        "AEROSOL, METERED",
        "RESPIRATORY (INHALATION)",
        "INHALER",
        "inhaler",
        "device",
        "INHALER",
    ),
    "dpi": ("POWDER", "RESPIRATORY (INHALATION)", "INHALER", "inhaler", "device", "INHALER"),
    "smi": (
        "SPRAY, METERED",
        "RESPIRATORY (INHALATION)",
        "INHALER",
        "inhaler",
        "device",
        "INHALER",
    ),
    "nasal": ("SPRAY, METERED", "NASAL", "BOTTLE", "nasal spray", "device", "BOTTLE, SPRAY"),
    "nasalsol": ("SOLUTION", "NASAL", "BOTTLE", "nasal soln", "device", "BOTTLE, SPRAY"),
    "nasaldev": ("SPRAY", "NASAL", "DEVICE", "nasal spray", "device", "BLISTER PACK"),
    "oralspray": (
        "AEROSOL, METERED",
        "SUBLINGUAL",
        "BOTTLE",
        "SL spray",
        "device",
        "BOTTLE, SPRAY",
    ),
    "ophsol": (
        "SOLUTION/ DROPS",
        "OPHTHALMIC",
        "BOTTLE",
        "ophth soln",
        "device",
        "BOTTLE, DROPPER",
    ),
    "ophsusp": (
        "SUSPENSION/ DROPS",
        "OPHTHALMIC",
        "BOTTLE",
        "ophth susp",
        "device",
        "BOTTLE, DROPPER",
    ),
    "ophoint": ("OINTMENT", "OPHTHALMIC", "TUBE", "ophth oint", "device", "TUBE"),
    "ophgel": ("GEL", "OPHTHALMIC", "TUBE", "ophth gel", "device", "TUBE"),
    "otic": (
        "SOLUTION/ DROPS",
        "AURICULAR (OTIC)",
        "BOTTLE",
        "otic soln",
        "device",
        "BOTTLE, DROPPER",
    ),
    "oticsusp": (
        "SUSPENSION/ DROPS",
        "AURICULAR (OTIC)",
        "BOTTLE",
        "otic susp",
        "device",
        "BOTTLE, DROPPER",
    ),
    "cream": ("CREAM", "TOPICAL", "TUBE", "cream", "device", "TUBE"),
    "oint": ("OINTMENT", "TOPICAL", "TUBE", "ointment", "device", "TUBE"),
    "gel": ("GEL", "TOPICAL", "TUBE", "gel", "device", "TUBE"),
    "jelly": ("JELLY", "TOPICAL", "TUBE", "jelly", "device", "TUBE"),
    "lotion": ("LOTION", "TOPICAL", "BOTTLE", "lotion", "device", "BOTTLE"),
    "topsol": ("SOLUTION", "TOPICAL", "BOTTLE", "topical soln", "device", "BOTTLE"),
    "topspray": ("SPRAY", "TOPICAL", "BOTTLE", "topical spray", "device", "BOTTLE, SPRAY"),
    "powder": ("POWDER", "TOPICAL", "BOTTLE", "topical powder", "device", "BOTTLE"),
    "shampoo": ("SHAMPOO", "TOPICAL", "BOTTLE", "shampoo", "device", "BOTTLE"),
    "applic": ("SOLUTION", "TOPICAL", "APPLICATOR", "applicator", "unit", "APPLICATOR"),
    "swab": ("SWAB", "TOPICAL", "SWAB", "prep pad", "each", "BOX"),
    "patch": ("PATCH", "TRANSDERMAL", "PATCH", "patch", "each", "POUCH"),
    "pather": ("PATCH, EXTENDED RELEASE", "TRANSDERMAL", "PATCH", "patch", "each", "POUCH"),
    "tpatch": ("PATCH", "TOPICAL", "PATCH", "topical patch", "each", "POUCH"),
    "supp": ("SUPPOSITORY", "RECTAL", "SUPPOSITORY", "suppository", "solid", ""),
    "enema": ("ENEMA", "RECTAL", "BOTTLE", "enema", "unit", "BOTTLE"),
    "rgel": ("GEL", "RECTAL", "KIT", "rectal gel", "unit", "SYRINGE"),
    "vcream": ("CREAM", "VAGINAL", "TUBE", "vaginal cream", "device", "TUBE"),
    "vsupp": ("SUPPOSITORY", "VAGINAL", "SUPPOSITORY", "vaginal suppository", "solid", ""),
    "vinsert": ("INSERT", "VAGINAL", "INSERT", "vaginal insert", "each", "POUCH"),
    "vgel": ("GEL", "ENDOCERVICAL", "SYRINGE", "endocervical gel", "unit", "SYRINGE"),
    "irrig": ("IRRIGANT", "IRRIGATION", "BOTTLE", "irrigation", "unit", "BOTTLE, PLASTIC"),
    "gum": ("GUM, CHEWING", "ORAL", "PIECE", "gum", "solid", ""),
    "tabeff": ("TABLET, EFFERVESCENT", "ORAL", "TABLET", "effervescent tablet", "solid", ""),
    "psolml": ("POWDER, FOR SOLUTION", "ORAL", "ML", "oral soln", "bulk", "BOTTLE"),
    "solbtl": ("SOLUTION", "ORAL", "BOTTLE", "oral soln bottle", "device", "BOTTLE"),
    "suspbtl": ("SUSPENSION", "ORAL", "BOTTLE", "oral susp bottle", "device", "BOTTLE"),
    "oralpwd": ("POWDER, FOR SOLUTION", "ORAL", "BOTTLE", "oral powder", "device", "BOTTLE"),
    "ogel": ("GEL", "ORAL", "TUBE", "oral gel", "device", "TUBE"),
    "paste": ("PASTE", "DENTAL", "TUBE", "dental paste", "device", "TUBE"),
    "dbag": ("INJECTION, POWDER, FOR SOLUTION", "*", "BAG", "duplex bag", "unit", "BAG"),
    "inhliq": (
        "LIQUID",
        "RESPIRATORY (INHALATION)",
        "BOTTLE",
        "inhalation liquid",
        "device",
        "BOTTLE",
    ),
    "lipvial": (
        "INJECTION, SUSPENSION, LIPOSOMAL",
        "*",
        "VIAL",
        "inj susp vial",
        "unit",
        "VIAL",
    ),
    "lsvial": (
        "INJECTION, POWDER, LYOPHILIZED, FOR SUSPENSION",
        "*",
        "VIAL",
        "inj vial",
        "unit",
        "VIAL",
    ),
    "spkt": ("POWDER, FOR SUSPENSION", "ORAL", "PACKET", "oral powder packet", "each", "PACKET"),
    "etsusp": ("SUSPENSION", "ENDOTRACHEAL", "VIAL", "intratracheal susp vial", "unit", "VIAL"),
    "ophemul": ("EMULSION", "OPHTHALMIC", "VIAL", "ophth emulsion UD vial", "unit", "VIAL"),
    "strip": ("STRIP", "OPHTHALMIC", "STRIP", "ophth strip", "each", "BOX"),
    "nasoint": ("OINTMENT", "NASAL", "TUBE", "nasal oint", "device", "TUBE"),
    "rectfoam": ("AEROSOL, FOAM", "RECTAL", "CONTAINER", "rectal foam", "device", "CONTAINER"),
    "cloth": ("CLOTH", "TOPICAL", "PACKAGE", "pack", "each", "PACKAGE"),
    "stick": ("STICK", "TOPICAL", "APPLICATOR", "applicator stick", "each", "BOX"),
    "swabstick": ("SWAB", "TOPICAL", "SWAB", "swabstick", "each", "BOX"),
    "pad": ("CLOTH", "TOPICAL", "PAD", "pad", "each", "BOX"),
}

_CLASSES: dict[str, str] = {
    "ABX": "Antibacterials, other",
    "ACEI": "ACE inhibitors",
    "ACHOL": "Anticholinergics",
    "ACID": "Antiulcer agents and acid suppressants",
    "ACOAG": "Anticoagulants",
    "ADEP": "Antidepressants",
    "ADIARR": "Antidiarrheals",
    "ADM": "Antidiabetic agents",
    "AED": "Anticonvulsants",
    "AF": "Antifungals",
    "AH": "Antihistamines and nasal agents",
    "AHTN": "Antihypertensives, other",
    "AMG": "Antibacterials, aminoglycosides",
    "ANL": "Analgesics, non-opioid",
    "ANTIDOTE": "Antidotes",
    "ANTISEPTIC": "Antiseptics and disinfectants",
    "ANX": "Anxiolytics",
    "APAR": "Antiparasitics and antimalarials",
    "APLT": "Antiplatelet agents",
    "APSY": "Antipsychotics and mood stabilizers",
    "ARB": "Angiotensin II receptor blockers",
    "ARRH": "Antiarrhythmics and cardiac glycosides",
    "AV": "Antivirals",
    "BB": "Beta-adrenergic blockers",
    "BIO": "Immunomodulators, biologic",
    "BONE": "Bone and mineral metabolism agents",
    "BRONCH": "Bronchodilators",
    "BZD": "Benzodiazepines",
    "CARB": "Antibacterials, carbapenems",
    "CCB": "Calcium channel blockers",
    "CEPH": "Antibacterials, cephalosporins",
    "CONTRAST": "Contrast media",
    "CS": "Corticosteroids",
    "DEM": "Dementia agents",
    "DERM": "Dermatologic agents",
    "DIAG": "Diagnostic agents",
    "DILUENT": "Diluents and flushes",
    "DIUR": "Diuretics",
    "ELEC": "Electrolytes and minerals",
    "EMET": "Antiemetics",
    "ENDO": "Endocrine and pituitary agents",
    "ENZ": "Enzymes",
    "FLUID": "IV and irrigation fluids",
    "FQ": "Antibacterials, fluoroquinolones",
    "GA": "General anesthetics",
    "GI": "Gastrointestinal agents, other",
    "GLUC": "Glucose elevating agents",
    "GLYC": "Antibacterials, glycopeptides and lipopeptides",
    "GOUT": "Antigout agents",
    "HEMAT": "Hematopoietic agents",
    "HEMO": "Hemostatics and anticoagulant reversal",
    "HF": "Heart failure agents",
    "HIV": "Antiretrovirals",
    "HORM": "Sex hormones and contraceptives",
    "ICS": "Inhaled corticosteroids and combinations",
    "IG": "Immune globulins and monoclonal antibodies for prophylaxis",
    "IMSUP": "Immunosuppressants",
    "INS": "Insulins",
    "IRON": "Iron preparations",
    "LA": "Local anesthetics",
    "LAX": "Laxatives and bowel preparations",
    "LIPID": "Antilipemic agents",
    "MAC": "Antibacterials, macrolides",
    "MIGR": "Antimigraine agents",
    "MR": "Skeletal muscle relaxants",
    "NEURO": "Neurologic agents, other",
    "NMB": "Neuromuscular blocking agents",
    "NSAID": "Nonsteroidal anti-inflammatory drugs",
    "ONC": "Antineoplastics",
    "ONCS": "Oncology supportive care",
    "OPH": "Ophthalmic agents",
    "OPI": "Analgesics, opioid",
    "OTIC": "Otic agents",
    "PAH": "Pulmonary arterial hypertension agents",
    "PARK": "Antiparkinson agents",
    "PCN": "Antibacterials, penicillins",
    "PLASMA": "Plasma proteins and expanders",
    "PN": "Parenteral nutrition",
    "PRESS": "Vasopressors and inotropes",
    "RESP": "Respiratory agents, other",
    "REV": "Neuromuscular blockade reversal agents",
    "RHEUM": "Antirheumatics",
    "SED": "Sedatives and hypnotics",
    "SMOKE": "Smoking cessation agents",
    "STIM": "CNS stimulants",
    "SUD": "Substance use disorder agents",
    "TB": "Antimycobacterials",
    "TET": "Antibacterials, tetracyclines",
    "THROMB": "Thrombolytics",
    "THY": "Thyroid and antithyroid agents",
    "TOCO": "Tocolytics",
    "URO": "Genitourinary agents",
    "UTER": "Uterotonics",
    "VAC": "Vaccines",
    "VASO": "Vasodilators and nitrates",
    "VIT": "Vitamins",
}


_FLAGS = frozenset({"S", "U", "D", "B"})
_ORAL_FORMS = frozenset(
    k for k, v in _FORMS.items() if v[1] in ("ORAL", "SUBLINGUAL") and k != "oralspray"
)
_RESPIRATORY_FORMS = frozenset({"neb", "nebsusp", "mdi", "dpi", "smi", "nasal", "nasalsol"})
_BIOLOGIC_CLASSES = frozenset({"VAC", "IG", "INS", "HEMAT"})
_INFUSION_FORMS = frozenset({"bag", "btl", "dbag"})


class _Parser:
    """Reads the tables into items; products get labelers and NDCs in a fixed order."""

    def __init__(self) -> None:
        self.items: list[DemoItem] = []
        self.next_product_code = [0] * len(_LABELERS)

    def parse(self, text: str) -> None:
        molecule: list[str] | None = None
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            fields = [f.strip() for f in line.split("|")]
            if line.startswith("@"):
                fields[0] = fields[0][1:]
                if len(fields) != 7 or fields[1] not in _CLASSES:
                    raise ValueError(f"bad molecule line: {line!r}")
                molecule = fields
            else:
                if molecule is None or len(fields) not in (5, 6):
                    raise ValueError(f"bad item line: {line!r}")
                self.items.append(self._item(molecule, fields))

    def _item(self, molecule: list[str], fields: list[str]) -> DemoItem:
        generic, class_code, dea, crit, areas, routes, flags = molecule
        strength, form_field, sizes_text, cost_text, demand = fields[:5]
        overrides = (fields[5] if len(fields) == 6 else "").split()
        form_key, _, volume = form_field.partition(" ")
        dosage_form, route, unit, word, kind, container = _FORMS[form_key]
        tokens = flags.split() + overrides
        line_routes = ""
        for token in tokens:
            key, eq, value = token.partition("=")
            if eq and key == "a":
                areas = value
            elif eq and key == "r":
                line_routes = value
            elif eq and key == "x":
                dea = "" if value == "-" else value
            elif eq and key == "c" and value in _CLASSES:
                class_code = value
            elif token in _CRITICALITY:
                crit = token
            elif eq or token not in _FLAGS:
                raise ValueError(f"unknown flag {token!r} in {fields!r}")
        if route == "*" and form_key in _INFUSION_FORMS and not line_routes and "IV" in routes:
            route = "INTRAVENOUS"
        elif route == "*":
            route = _route_text(line_routes or routes or "IV")
        elif line_routes:
            route = _route_text(line_routes)
        trend = ""
        for token in tokens:
            trend = _TREND.get(token, trend)
        repeated = not volume or volume == strength or f"/{volume}" in strength
        volume_shown = "" if repeated else f" {volume}"
        code = f"ITM-{len(self.items) + 1:05d}"
        unit_cost = Decimal(cost_text)
        name = " ".join(f"{generic} {strength}{volume_shown} {word}".split())
        sizes = [int(s) for s in sizes_text.split(",")]
        products = self._products(
            key=name,
            category=_category(form_key, class_code, "B" in tokens),
            name=" ".join(
                f"{generic[:1].upper()}{generic[1:]} {strength}{volume_shown} "
                f"{dosage_form.lower()}".split()
            ),
            sizes=sizes,
            unit_cost=unit_cost,
            shape=(kind, container, dosage_form, unit, _content(volume, strength)),
        )
        return DemoItem(
            code=code,
            name=name,
            generic_name=generic,
            strength=strength,
            dosage_form=dosage_form,
            route=route,
            dispense_unit=unit,
            dea_schedule=dea or None,
            therapeutic_class=_CLASSES[class_code],
            unit_cost=unit_cost,
            demand=_DEMAND[demand],
            seasonal="S" in tokens,
            trend=trend,
            criticality=_CRITICALITY[crit],
            areas=("ALL",) if areas == "A" else tuple(_AREAS[a] for a in areas),
            products=products,
        )

    def _products(
        self,
        *,
        key: str,
        category: str,
        name: str,
        sizes: list[int],
        unit_cost: Decimal,
        shape: tuple[str, str, str, str, str],
    ) -> tuple[DemoProduct, ...]:
        makers = [i for i, labeler in enumerate(_LABELERS) if category in labeler[3].split()]
        first = _hash(key, "maker") % len(makers)
        order = makers[first:] + makers[:first]
        # labeler index -> (product code, package codes used) for this item
        made: dict[int, tuple[str, list[str]]] = {}
        sizes_made: dict[int, set[int]] = {}
        products: list[DemoProduct] = []
        previous = -1
        for index, size in enumerate(sizes):
            # a second package size of the same product, from the same labeler, now and then
            same_maker = (
                index > 0
                and size not in sizes_made[previous]
                and _hash(key, index, "same") % 3 == 0
            )
            if same_maker:
                maker = previous
            else:
                fresh = [m for m in order if m not in made]
                free = [m for m in order if size not in sizes_made.get(m, set())]
                maker = (fresh or free or order)[0]
            sizes_made.setdefault(maker, set()).add(size)
            labeler_name, labeler_code, product_digits, _ = _LABELERS[maker]
            if maker not in made:
                made[maker] = (self._product_code(maker, product_digits), [])
            product_code, packages = made[maker]
            package_digits = 10 - len(labeler_code) - product_digits
            package_code = _package_code(size, package_digits, packages, _hash(key, maker))
            packages.append(package_code)
            ndc = NDC(labeler_code, product_code, package_code)
            style = _hash(key, labeler_code, "style") % 2
            factor = Decimal(9400 + _hash(key, labeler_code, "price") % 1300) / Decimal(10000)
            cost = (unit_cost * size * factor).quantize(Decimal("0.01"), ROUND_HALF_UP)
            products.append(
                DemoProduct(
                    ndc=str(ndc),
                    name=name,
                    labeler=labeler_name,
                    package_size=size,
                    package_description=_package_description(*shape, size=size, style=style),
                    package_cost=max(cost, Decimal("0.01")),
                )
            )
            previous = maker
        return tuple(products)

    def _product_code(self, maker: int, digits: int) -> str:
        """Product codes of a labeler: a fixed stride through its code space, never repeated."""
        count = self.next_product_code[maker]
        self.next_product_code[maker] = count + 1
        space = 10**digits
        if count >= space - 1:
            raise ValueError(f"labeler {_LABELERS[maker][0]} has run out of product codes")
        stride = 7919 if digits == 4 else 389
        return f"{(101 + maker * 37 + count * stride) % space:0{digits}d}"


def _hash(*parts: object) -> int:
    """A stable hash (not Python's salted ``hash``) for deterministic choices."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _route_text(codes: str) -> str:
    return "; ".join(_ROUTES[code] for code in codes.split("/"))


def _category(form_key: str, class_code: str, biologic: bool) -> str:
    """Which kind of labeler makes the product."""
    if biologic or class_code in _BIOLOGIC_CLASSES:
        return "bio"
    if form_key in _ORAL_FORMS:
        return "oral"
    if form_key in _RESPIRATORY_FORMS or form_key == "nasaldev":
        return "resp"
    if form_key in ("fluid", "ebag", "irrig"):
        return "fluid"
    if _FORMS[form_key][1] == "*" or form_key == "bag":
        return "sterile"
    return "topical"


def _content(volume: str, strength: str) -> str:
    """What one dispense unit holds, as the FDA package description writes it."""
    text = volume
    if not text:
        last = strength.rsplit("/", 1)[-1]
        if "/" in strength and last[:1].isdigit():
            text = last
        elif "/" in strength and last == "mL":
            text = "1 mL"
        else:
            text = strength
    if not text:
        return ""
    amount, _, unit = text.replace(",", "").partition(" ")
    if amount.startswith("0."):
        amount = amount[1:]
    if unit.startswith("million "):
        amount, unit = str(round(float(amount) * 1_000_000)), unit.removeprefix("million ")
    return f"{amount} {_FDA_QUANTITY_UNITS.get(unit, unit)}"


def _package_code(size: int, digits: int, used: list[str], seed: int) -> str:
    if digits == 1:
        preferred = [str((seed + i) % 10) for i in range(10)]
        preferred = [p for p in preferred if p != "0"] + ["0"]
    else:
        preferred = [f"{size % 100:02d}"] if size % 100 else []
        preferred += ["01", "10", "25", "02", "05", "11", "20", "30", "50", "61", "90", "99"]
    for code in preferred:
        if code not in used:
            return code
    raise ValueError("no package code left")  # pragma: no cover


def _package_description(
    kind: str,
    container: str,
    dosage_form: str,
    unit: str,
    content: str,
    *,
    size: int,
    style: int,
) -> str:
    """An FDA-style package description: outer package > inner package > content."""
    if kind == "solid":
        word = dosage_form
        if unit == "SUPPOSITORY":
            return f"{size} {word} in 1 BOX"
        if size % 10 == 0 and 10 <= size <= 100:
            if style == 0:
                return f"{size // 10} BLISTER PACK in 1 CARTON > 10 {word} in 1 BLISTER PACK"
            return f"{size} {word} in 1 BOX, UNIT-DOSE"
        if size <= 30 and style == 0:
            return f"1 BLISTER PACK in 1 CARTON > {size} {word} in 1 BLISTER PACK"
        return f"{size} {word} in 1 BOTTLE"
    if kind == "bulk":
        amount = int(content.split()[0])
        if size % amount:
            raise ValueError(f"bulk size {size} is not a whole number of {content} bottles")
        bottles = size // amount
        if bottles == 1:
            return f"{content} in 1 {container}"
        return f"{bottles} {container} in 1 CARTON > {content} in 1 {container}"
    if kind == "each":
        if container == "KIT":
            return f"{size} KIT in 1 CARTON"
        if container == "BOX":
            return f"{size} {dosage_form} in 1 BOX"
        if container == "POUCH":
            return f"{size} POUCH in 1 CARTON > 1 {dosage_form} in 1 POUCH"
        return f"{size} {container} in 1 CARTON > {content} in 1 {container}"
    inner = container
    if container == "VIAL" and style == 1:
        inner = "VIAL, SINGLE-DOSE"
    elif container == "SYRINGE" and style == 1 and unit != "PEN":
        inner = "SYRINGE, PLASTIC"
    if kind == "device":
        if size == 1 and style == 1 and container == "TUBE":
            return f"{content} in 1 TUBE"
        return f"{size} {inner} in 1 CARTON > {content} in 1 {inner}"
    if not content:
        return f"{size} {inner} in 1 CARTON"
    if container == "CUP, UNIT-DOSE" and size == 100:
        return f"10 TRAY in 1 CASE > 10 {inner} in 1 TRAY > {content} in 1 {inner}"
    outer = "CARTON"
    if size == 25 and container.startswith("VIAL"):
        outer = "TRAY"
    elif unit in ("BAG", "CUP") and size >= 12:
        outer = "CASE"
    return f"{size} {inner} in 1 {outer} > {content} in 1 {inner}"


@cache
def demo_items() -> tuple[DemoItem, ...]:
    """Every item of the demo formulary with its products, in a fixed order (cached)."""
    parser = _Parser()
    for table in _TABLES:
        parser.parse(table)
    return tuple(parser.items)


# --- data tables ---------------------------------------------------------------------------

_ANALGESIA_ANESTHESIA = """
# opioid analgesics
@morphine|OPI|CII|E|A|IV/IM|
2 mg/mL|carp 1 mL|10,10,10|1.85|h
4 mg/mL|carp 1 mL|10,10,10|1.95|h
10 mg/mL|carp 1 mL|10,10|2.40|m
2 mg/mL|pfs 1 mL|10,10|2.60|m
4 mg/mL|pfs 1 mL|10,10|2.75|m
10 mg/mL|vial 1 mL|25,10|1.70|s|a=IM
1 mg/mL|pfs 30 mL|10|9.80|s|a=IOM
0.5 mg/mL|amp 10 mL|10|6.90|v|r=IV/EPI/IT a=OL
1 mg/mL|amp 10 mL|10|7.40|v|r=IV/EPI/IT a=OL
15 mg|tab|100,100|0.32|m
30 mg|tab|100,30|0.55|s
15 mg|taber|100,100|0.62|m
30 mg|taber|100,100|1.05|s
10 mg/5 mL|solcup 5 mL|40,40|1.10|s
100 mg/5 mL|concml 30 mL|30|0.48|v
@hydromorphone|OPI|CII|E|A|IV/IM/SC|
0.5 mg/0.5 mL|pfs 0.5 mL|10,10,10|2.90|h
1 mg/mL|carp 1 mL|10,10,10|2.05|h
2 mg/mL|carp 1 mL|10,10|2.20|h
4 mg/mL|carp 1 mL|10,10|2.65|s
1 mg/mL|pfs 1 mL|10,10|2.95|m
2 mg/mL|vial 1 mL|25,25|1.95|m
10 mg/mL|vial 50 mL|1|92.00|v|a=IO
0.2 mg/mL|pfs 30 mL|10,10|11.20|s|a=IOM
2 mg|tab|100,100,100|0.12|h
4 mg|tab|100,100|0.19|m
8 mg|tab|100|0.42|s
@fentanyl|OPI|CII|E|A|IV/IM|
50 mcg/mL|amp 2 mL|10,25|0.95|h
50 mcg/mL|vial 2 mL|25,10,25|0.85|h
50 mcg/mL|vial 5 mL|25,25|1.25|m
50 mcg/mL|vial 20 mL|25|3.10|s|a=IO
50 mcg/mL|vial 50 mL|25|6.60|s|a=IO
100 mcg/2 mL|pfs 2 mL|10,10,10|3.80|h
1,000 mcg/100 mL|bag 100 mL|10,10|34.00|m|a=I
12 mcg/hr|pather|5|5.10|v|a=M
25 mcg/hr|pather|5,5|5.60|s|a=M
50 mcg/hr|pather|5|8.20|s|a=M
75 mcg/hr|pather|5|11.60|v|a=M
100 mcg/hr|pather|5|14.30|v|a=M
@fentanyl-bupivacaine|LA|CII|E|L|EPI|
2 mcg/mL-0.125%|bag 100 mL|10,10|29.00|m
@sufentanil|OPI|CII|E|OL|IV/EPI|
50 mcg/mL|amp 1 mL|10,25|3.20|m
50 mcg/mL|amp 2 mL|10|4.10|s
@remifentanil|OPI|CII|E|OI|IV|
1 mg|lvial|10,25|19.00|m|a=O
2 mg|lvial|10,25|31.00|s
@alfentanil|OPI|CII|E|O|IV|
500 mcg/mL|amp 2 mL|10|6.80|v
@meperidine|OPI|CII|E|EOM|IV/IM/SC|
25 mg/mL|carp 1 mL|10,10|3.40|s|D
50 mg/mL|carp 1 mL|10,10|3.60|s
@methadone|OPI|CII|E|EM|IV/IM/SC|
5 mg|tab|100,100,100|0.11|m
10 mg|tab|100|0.14|s
10 mg/mL|concml 30 mL|30|0.55|v
@oxycodone|OPI|CII|E|A||
5 mg|tab|100,100,500|0.09|h
10 mg|tab|100,500|0.16|m
15 mg|tab|100,100|0.23|s
5 mg/5 mL|solcup 5 mL|40,50|0.82|m
10 mg|tabfcer|100|2.10|s
20 mg|tabfcer|100|3.60|v
@oxycodone-acetaminophen|OPI|CII|E|A||
5 mg-325 mg|tab|100,100,500|0.11|h
7.5 mg-325 mg|tab|100,100|0.21|s
10 mg-325 mg|tab|100,500|0.24|m
@hydrocodone-acetaminophen|OPI|CII|E|A||
5 mg-325 mg|tab|100,100,500|0.07|h
7.5 mg-325 mg|tab|100,500|0.09|m
10 mg-325 mg|tab|100,500,500|0.11|m
7.5 mg-325 mg/15 mL|solcup 15 mL|40,40|1.30|s
@tapentadol|OPI|CII|E|M||
50 mg|tabfc|100|6.20|v
@acetaminophen-codeine|OPI|CIII|E|A||
300 mg-30 mg|tab|100,100,500|0.09|m
300 mg-60 mg|tab|100|0.15|s
120 mg-12 mg/5 mL|solcup 12.5 mL|40|0.95|v|x=CV
@tramadol|OPI|CIV|E|A||
50 mg|tab|100,100,1000|0.05|h
@levorphanol|OPI|CII|E|M||
2 mg|tab|100|3.90|v
@buprenorphine|OPI|CIII|E|A|IV/IM|
0.3 mg/mL|carp 1 mL|10,10|4.80|s
2 mg|sl|30,100,30|1.10|m|a=EM
8 mg|sl|30,100|1.85|m|a=EM
5 mcg/hr|patch|4|42.00|v|a=M
10 mcg/hr|patch|4|68.00|v|a=M
@buprenorphine-naloxone|SUD|CIII|E|EM||
2 mg-0.5 mg|film|30,30|2.60|s
8 mg-2 mg|film|30,30|4.60|m|U
8 mg-2 mg|sl|30|3.10|s
@nalbuphine|OPI||E|LOM|IV/IM/SC|
10 mg/mL|amp 1 mL|10,10|2.90|s
@butorphanol|OPI|CIV|E|LE|IV/IM|
1 mg/mL|vial 1 mL|10|3.30|s
2 mg/mL|vial 1 mL|10,10|3.90|s
# non-opioid analgesics and NSAIDs
@acetaminophen|ANL||E|A|IV|
325 mg|tab|100,100,1000|0.02|h
500 mg|tab|100,100,1000|0.03|h
650 mg|taber|100,500|0.07|s
160 mg/5 mL|suspcup 5 mL|100|0.38|s
650 mg/20.3 mL|suspcup 20.3 mL|100,100,100|0.62|h
325 mg|supp|12,12|0.58|s
650 mg|supp|12,50|0.65|m
1,000 mg/100 mL|btl 100 mL|24,24,24|2.90|h
1,000 mg/100 mL|bag 100 mL|24,24,24|2.70|h
500 mg/50 mL|btl 50 mL|24|3.40|v|a=LM
@ibuprofen|NSAID||E|A|IV|
400 mg|tab|100,500,1000|0.04|h
600 mg|tab|100,500,100|0.05|h
800 mg|tab|100,500,100|0.06|h
100 mg/5 mL|suspcup 5 mL|100|0.45|s
800 mg/8 mL|vial 8 mL|25,25|38.00|s|a=OI
@ketorolac|NSAID||E|A|IV/IM|
15 mg/mL|vial 1 mL|25,25,25|0.85|h
30 mg/mL|vial 1 mL|25,25,25|0.92|h
60 mg/2 mL|vial 2 mL|25,10|1.25|m|r=IM
30 mg/mL|pfs 1 mL|10,10|3.10|m
10 mg|tab|100,500|0.16|s
@naproxen|NSAID||E|A||
250 mg|tab|100|0.06|s
500 mg|tab|100,500,100|0.08|m
@naproxen sodium|NSAID||N|A||
220 mg|tab|100,100|0.04|s
@meloxicam|NSAID||E|A||
7.5 mg|tab|100,1000|0.03|m
15 mg|tab|100,1000|0.04|m
@celecoxib|NSAID||E|OM||
100 mg|cap|100,100|0.18|s
200 mg|cap|100,500,500|0.21|h
@diclofenac sodium|NSAID||E|M||
50 mg|tabdr|100,100|0.12|s
75 mg|tabdr|100,500|0.14|s
1%|gel 100 g|1,1|4.80|m
@indomethacin|NSAID||E|LM||
25 mg|cap|100,100|0.22|s
50 mg|cap|100|0.35|v
@nabumetone|NSAID||N|M||
500 mg|tab|100|0.13|v
@lidocaine|LA||E|A|INF|
5%|tpatch|30,30,30|3.20|h
4%|tpatch|30,30|0.95|m|N
1%|vial 2 mL|25,10|0.95|m|r=INF/IV
1%|amp 5 mL|25,10|1.10|m|r=INF/IV
1%|vial 30 mL|25,10|1.60|m
1%|mdv 20 mL|25,25,25|1.20|h
1%|mdv 50 mL|25,10|2.10|s
2%|vial 5 mL|25,10|1.15|m|r=INF/IV
2%|mdv 20 mL|25,25|1.55|m
100 mg/5 mL|pfs 5 mL|10|6.80|s|V r=IV a=EIM
1%-epinephrine 1:100,000|mdv 20 mL|25,25,25|2.40|h
1%-epinephrine 1:100,000|vial 30 mL|25,25|2.70|m|a=O
2%-epinephrine 1:100,000|mdv 20 mL|25,10|2.60|m
2%|jelly 30 mL|1,1|7.90|m
2%|jelly 5 mL|25,25|4.20|m|a=EIM
4%|topsol 50 mL|1|8.40|s
2%|solml 100 mL|100,100|0.09|m|r=OR
5%|oint 35.44 g|1,1|9.50|s
@lidocaine-prilocaine|LA||E|A||
2.5%-2.5%|cream 30 g|1|8.80|s
2.5%-2.5%|cream 5 g|5,5|3.10|m
@bupivacaine|LA||E|OLE|INF/EPI/PN|
0.25%|vial 10 mL|25,10|1.40|m
0.25%|vial 30 mL|25,10,25|1.95|h
0.5%|vial 10 mL|25,10|1.60|m
0.5%|vial 30 mL|25,25,25|2.35|h
0.75%|vial 30 mL|25,25|2.90|s|a=O
0.75% in dextrose 8.25%|amp 2 mL|10,10,10|4.20|h|r=IT a=OL
0.25%-epinephrine 1:200,000|vial 30 mL|25,25|2.80|m
0.5%-epinephrine 1:200,000|vial 30 mL|25,10|3.00|m
0.125%|bag 100 mL|10|16.00|s|r=EPI a=OL
@bupivacaine liposome|LA||E|O|INF|
266 mg/20 mL|lipvial 20 mL|10,10|335.00|m|U
133 mg/10 mL|lipvial 10 mL|10|195.00|s
@ropivacaine|LA||E|OL|EPI/PN/INF|
0.2%|vial 20 mL|25,25|4.40|m
0.5%|vial 30 mL|25,10,10|7.60|h
0.5%|vial 20 mL|25,25|6.10|m
0.2%|btl 100 mL|24|14.50|s
0.2%|btl 200 mL|24|22.00|s
@chloroprocaine|LA||E|LO|EPI/INF/PN|
3%|vial 20 mL|25,25|6.80|s|a=L
1%|amp 5 mL|10|28.00|v|r=IT a=O
@mepivacaine|LA||E|O|INF/PN|
1.5%|vial 30 mL|25,10|4.40|s
@cocaine|LA|CII|E|EO||
4%|topsol 4 mL|1|165.00|v
# general anesthesia, sedation, neuromuscular blockade
@propofol|GA||V|OIE|IV|
10 mg/mL|evial 20 mL|25,25|2.60|h
10 mg/mL|evial 50 mL|20,20|5.90|m
10 mg/mL|evial 100 mL|10,10|10.80|h|a=IO
@etomidate|GA||V|EOI|IV|
2 mg/mL|vial 10 mL|10,10|3.10|m
2 mg/mL|vial 20 mL|10|4.60|s
@ketamine|GA|CIII|V|EOI|IV/IM|
10 mg/mL|mdv 20 mL|10,10|4.50|m
50 mg/mL|mdv 10 mL|10,10|6.40|m
100 mg/mL|mdv 5 mL|10|7.20|s
50 mg/5 mL|pfs 5 mL|10,10|7.90|m|U
@methohexital|GA|CIV|E|OE|IV/IM|
500 mg|lvial|1|42.00|v
@dexmedetomidine|SED||E|IO|IV|
200 mcg/2 mL|vial 2 mL|25,25|4.80|m
400 mcg/100 mL|btl 100 mL|20,20|24.00|m|a=I U
200 mcg/50 mL|btl 50 mL|20,20|16.00|m
1,000 mcg/250 mL|btl 250 mL|10|54.00|s|a=I
@midazolam|BZD|CIV|V|A|IV/IM|
1 mg/mL|vial 2 mL|25,25,10|0.72|h
1 mg/mL|vial 5 mL|25,25|1.10|m
5 mg/mL|vial 1 mL|25,25,25|0.78|h
5 mg/mL|vial 2 mL|25,10|1.05|m
5 mg/mL|mdv 10 mL|10,25|3.60|s|a=IO
2 mg/2 mL|pfs 2 mL|10,10|3.40|m
100 mg/100 mL|bag 100 mL|10,10|28.00|m|a=I
2 mg/mL|syrml 118 mL|118|0.36|v
5 mg/spray|nasaldev 0.1 mL|2|165.00|v|a=E
@sevoflurane|GA||V|O||
100%|inhliq 250 mL|1,1,1|135.00|m
@desflurane|GA||E|O||
100%|inhliq 240 mL|1|118.00|s|D
@rocuronium|NMB||V|OEI|IV|
10 mg/mL|vial 5 mL|10,10,10|2.90|h
10 mg/mL|vial 10 mL|10,10|4.80|m
@vecuronium|NMB||V|OEI|IV|
10 mg|lvial|10,10|3.20|m
20 mg|lvial|10,25|5.30|s
@succinylcholine|NMB||V|OEI|IV/IM|
20 mg/mL|mdv 10 mL|25,10,25|7.90|h
100 mg/5 mL|pfs 5 mL|10,10|16.00|m
@cisatracurium|NMB||V|OI|IV|
2 mg/mL|vial 5 mL|10|4.10|s
2 mg/mL|mdv 10 mL|10,25|6.30|m
10 mg/mL|vial 20 mL|1|28.00|s|a=I
@sugammadex|REV||V|OEI|IV|
200 mg/2 mL|vial 2 mL|10,10|106.00|h|U
500 mg/5 mL|vial 5 mL|10,25|262.00|m|U
@neostigmine|REV||E|OI|IV|
1 mg/mL|mdv 10 mL|10,25|11.50|m|D
0.5 mg/mL|mdv 10 mL|10,10|9.80|s
3 mg/3 mL|pfs 3 mL|10,10|14.20|s
@glycopyrrolate|ACHOL||E|OIM|IV/IM|
0.2 mg/mL|vial 1 mL|25,25,25|1.35|h
0.2 mg/mL|vial 2 mL|25,25|1.90|m
0.2 mg/mL|mdv 5 mL|25,25|3.10|m
0.2 mg/mL|pfs 1 mL|10,10|4.60|m
1 mg|tab|100,100|0.30|s|a=M
@dantrolene|MR||V|OI|IV|
250 mg|lvial|1|2350.00|v
20 mg|lvial|6|96.00|v
@amisulpride|EMET||E|O|IV|
5 mg/2 mL|vial 2 mL|10|21.00|v
@scopolamine|EMET||E|OM||
1 mg/3 days|pather|4,4,4|24.00|m
@hyaluronidase|ENZ||E|OE|SC|
150 units/mL|vial 1 mL|4|148.00|v
"""

_NEURO_PSYCH = """
# sedatives, hypnotics, benzodiazepines
@zolpidem|SED|CIV|N|M||
5 mg|tab|100,100|0.05|m
10 mg|tab|100,500|0.06|s
@trazodone|ADEP||N|M||
50 mg|tab|100,100,1000|0.04|h
100 mg|tab|100,500|0.06|m
@lorazepam|BZD|CIV|V|A|IV/IM|
2 mg/mL|vial 1 mL|25,25,25|1.45|h
2 mg/mL|carp 1 mL|10,10|2.60|m
4 mg/mL|vial 1 mL|25|2.10|s
2 mg/mL|mdv 10 mL|10,10|9.90|s|a=I
0.5 mg|tab|100,100,500|0.04|h
1 mg|tab|100,100,500|0.05|h
2 mg|tab|100,100|0.07|m
2 mg/mL|concml 30 mL|30|0.95|v
@alprazolam|BZD|CIV|E|M||
0.25 mg|tab|100,100|0.03|m
0.5 mg|tab|100,500|0.04|m
1 mg|tab|100,100|0.05|s
@clonazepam|BZD|CIV|E|M||
0.5 mg|tab|100,500|0.04|m
1 mg|tab|100,1000|0.05|m
@diazepam|BZD|CIV|V|A|IV/IM|
5 mg/mL|carp 2 mL|10,10|3.40|m
5 mg/mL|mdv 10 mL|10|6.10|s
2 mg|tab|100,100|0.04|m
5 mg|tab|100,500,100|0.04|m
10 mg|tab|100|0.05|s
5 mg/5 mL|solcup 5 mL|50|0.85|v
10 mg|rgel 2 mL|2|210.00|v|a=EL
@chlordiazepoxide|BZD|CIV|E|M||
5 mg|cap|100,500|0.09|s
10 mg|cap|100|0.10|s
25 mg|cap|100,500,100|0.12|m
@temazepam|BZD|CIV|N|M||
15 mg|cap|100,100|0.06|s
@phenobarbital|AED|CIV|V|A|IV/IM|
65 mg/mL|vial 1 mL|25,25|19.00|s
130 mg/mL|vial 1 mL|25,10|21.00|s|U
32.4 mg|tab|100|0.14|s
64.8 mg|tab|100,100|0.19|s
20 mg/5 mL|elixcup 5 mL|40|0.90|v
@pentobarbital|AED|CII|E|I|IV/IM|
50 mg/mL|vial 20 mL|1|152.00|v
# anticonvulsants
@levetiracetam|AED||V|A|IV|
500 mg/5 mL|vial 5 mL|25,25,25|1.60|h
500 mg/100 mL|bag 100 mL|10,10|6.50|m
1,000 mg/100 mL|bag 100 mL|10,10|7.80|m
1,500 mg/100 mL|bag 100 mL|10,10|9.90|s
250 mg|tabfc|100,100|0.09|s
500 mg|tabfc|100,100,500|0.10|h
750 mg|tabfc|100,100|0.14|m
1,000 mg|tabfc|100,500|0.22|s
500 mg/5 mL|solcup 5 mL|40,40|0.75|s
@phenytoin|AED||V|A|IV/IM|
50 mg/mL|vial 2 mL|25,25|1.55|s
50 mg/mL|vial 5 mL|25|2.40|s
100 mg|caper|100,100,1000|0.20|m
125 mg/5 mL|suspcup 4 mL|50|1.40|v
@fosphenytoin|AED||V|EI|IV/IM|
100 mg PE/2 mL|vial 2 mL|25,25|5.20|m
500 mg PE/10 mL|vial 10 mL|10|19.00|s
@valproate sodium|AED||E|IE|IV|
500 mg/5 mL|vial 5 mL|10|7.90|s
@divalproex sodium|AED||E|A||
125 mg|tabdr|100,500|0.12|m
250 mg|tabdr|100,100|0.15|m
500 mg|tabdr|100,100|0.22|s
500 mg|tabfcer|100|0.30|s
@valproic acid|AED||E|M||
250 mg|capl|100|0.25|v
@lacosamide|AED|CV|E|A|IV|
200 mg/20 mL|vial 20 mL|10,10|14.00|m
50 mg|tabfc|100|0.58|s
100 mg|tabfc|100,60|0.62|m
200 mg|tabfc|60,60|0.86|s
@brivaracetam|AED|CV|E|IM|IV|
50 mg/5 mL|vial 5 mL|10|34.00|v
@carbamazepine|AED||E|M||
200 mg|tab|100|0.24|s
100 mg/5 mL|suspml 450 mL|450|0.11|v
@oxcarbazepine|AED||E|M||
150 mg|tabfc|100,100|0.21|s
300 mg|tabfc|100,500|0.30|s
@lamotrigine|AED||E|M||
25 mg|tab|100,1000|0.05|s
100 mg|tab|100,500|0.07|s
200 mg|tab|100|0.10|v
@topiramate|AED||E|M||
25 mg|tab|100,1000|0.05|s
50 mg|tab|100,500|0.06|s
@gabapentin|AED||E|A||
100 mg|cap|100,100,500|0.04|h
300 mg|cap|100,100,500|0.05|h
400 mg|cap|100,500|0.07|m
600 mg|tabfc|100,500|0.13|m
800 mg|tabfc|100|0.16|s
250 mg/5 mL|solcup 6 mL|50,50|0.80|s
@pregabalin|AED|CV|E|M||
50 mg|cap|100,100|0.10|m
75 mg|cap|100,100|0.12|m
100 mg|cap|100|0.14|s
150 mg|cap|100|0.16|s
@primidone|AED||E|M||
50 mg|tab|100|0.10|v
# antipsychotics
@haloperidol|APSY||E|A|IM|
5 mg/mL|vial 1 mL|10,25|1.30|h|r=IM/IV
0.5 mg|tab|100,100|0.07|m
1 mg|tab|100,500|0.08|m
2 mg|tab|100,100|0.10|s
5 mg|tab|100,100|0.14|s
@haloperidol decanoate|APSY||E|M|IM|
50 mg/mL|vial 1 mL|10|12.00|v
@olanzapine|APSY||E|A|IM|
10 mg|lvial|1,1|8.40|m|a=EM
2.5 mg|tab|100,100|0.07|s
5 mg|tab|100,30,100|0.08|m
10 mg|tab|100,100|0.10|m
15 mg|tab|30,30|0.14|s
5 mg|odt|30,30|0.24|m
10 mg|odt|30,30|0.30|s
@quetiapine|APSY||E|A||
25 mg|tabfc|100,100,1000|0.04|h
50 mg|tabfc|100,500|0.06|m
100 mg|tabfc|100,100|0.07|m
200 mg|tabfc|100,100|0.10|s
300 mg|tabfc|100|0.13|s
@risperidone|APSY||E|M||
0.25 mg|tab|100,100|0.06|s
0.5 mg|tab|100,100|0.06|m
1 mg|tab|100,100|0.07|m
2 mg|tab|100|0.08|s
1 mg/mL|solml 30 mL|30|0.55|v
@aripiprazole|APSY||E|M||
2 mg|tab|30,30|0.21|s
5 mg|tab|30,30|0.22|s
10 mg|tab|30,30|0.23|s
@ziprasidone|APSY||E|EM|IM|
20 mg|lvial|1,1|24.00|s
20 mg|cap|60|0.65|v
@chlorpromazine|APSY||E|M|IM/IV|
25 mg/mL|amp 1 mL|10,25|11.50|s
@droperidol|EMET||E|EO|IV/IM|
2.5 mg/mL|vial 2 mL|10,10|5.90|m
@clozapine|APSY||E|M||
25 mg|tab|100,100|0.38|v
@lithium carbonate|APSY||E|M||
300 mg|cap|100,100|0.09|s
300 mg|taber|100|0.27|v
# antidepressants, anxiolytics
@sertraline|ADEP||N|M||
25 mg|tab|100,1000|0.04|s
50 mg|tab|100,100,500|0.05|m
100 mg|tab|100|0.06|s
@escitalopram|ADEP||N|M||
5 mg|tab|100|0.05|s
10 mg|tab|100,100|0.05|m
20 mg|tab|100,100|0.06|s
@citalopram|ADEP||N|M||
20 mg|tab|100|0.04|s
@fluoxetine|ADEP||N|M||
10 mg|cap|100,100|0.05|s
20 mg|cap|100,100|0.05|s
@paroxetine|ADEP||N|M||
20 mg|tabfc|100|0.07|s
@venlafaxine|ADEP||N|M||
37.5 mg|caper|100,500|0.16|s
75 mg|caper|100,500|0.18|s
@duloxetine|ADEP||N|M||
20 mg|capdr|100,500|0.14|s
30 mg|capdr|100,100|0.15|m
60 mg|capdr|100|0.17|s
@bupropion|ADEP||N|M||
150 mg|tabfcer|100|0.20|s
300 mg|tabfcer|100|0.34|s
@mirtazapine|ADEP||N|M||
7.5 mg|tabfc|100|0.10|s
15 mg|tabfc|100,100|0.06|m
30 mg|tabfc|100,100|0.08|s
@amitriptyline|ADEP||N|M||
10 mg|tabfc|100,1000|0.05|s
25 mg|tabfc|100|0.05|s
@nortriptyline|ADEP||N|M||
10 mg|cap|100,500|0.06|s
@buspirone|ANX||N|M||
5 mg|tab|100,100|0.04|s
10 mg|tab|100,500|0.05|s
@hydroxyzine hydrochloride|ANX||N|A|IM|
10 mg|tab|100,100|0.04|m
25 mg|tab|100,100,500|0.04|h
50 mg|tab|100,500|0.06|s
25 mg/mL|vial 1 mL|25,25|3.80|s
@hydroxyzine pamoate|ANX||N|M||
25 mg|cap|100,500|0.09|s
# parkinson, dementia, other neurologic
@carbidopa-levodopa|PARK||E|M||
25 mg-100 mg|tab|100,100|0.09|m
25 mg-250 mg|tab|100|0.14|s
25 mg-100 mg|taber|100,100|0.24|s
@pramipexole|PARK||E|M||
0.125 mg|tab|100,100|0.07|s
0.25 mg|tab|100,100|0.08|s
@ropinirole|PARK||E|M||
0.25 mg|tabfc|100,100|0.06|s
0.5 mg|tabfc|100,100|0.06|s
@benztropine|PARK||E|M|IM/IV|
0.5 mg|tab|100,100|0.07|s
1 mg|tab|100,100|0.08|s
1 mg/mL|amp 2 mL|5|24.00|s
@amantadine|PARK||E|M||
100 mg|cap|100|0.28|s
@rasagiline|PARK||E|M||
1 mg|tab|30|0.85|v
@donepezil|DEM||N|M||
5 mg|tabfc|100|0.05|s
10 mg|tabfc|100,100|0.05|m
@memantine|DEM||N|M||
5 mg|tab|100,100|0.09|s
10 mg|tab|100,100|0.10|m
@rivastigmine|DEM||N|M||
4.6 mg/24 hr|patch|30|3.90|v
9.5 mg/24 hr|patch|30|4.10|v
@nimodipine|NEURO||V|I||
30 mg|capl|100|6.10|s
60 mg/20 mL|solcup 20 mL|12|74.00|v
@pyridostigmine|NEURO||E|IM||
60 mg|tab|100,100|0.55|s
@baclofen|MR||E|M|IT|
5 mg|tab|100|0.08|s
10 mg|tab|100,100,500|0.06|m
20 mg|tab|100,500|0.10|s
50 mcg/mL|amp 1 mL|1|38.00|v
@tizanidine|MR||N|M||
2 mg|tab|100,100|0.04|s
4 mg|tab|100,100|0.05|m
@cyclobenzaprine|MR||N|A||
5 mg|tabfc|100,100|0.03|m
10 mg|tabfc|100,1000,1000|0.03|m
@methocarbamol|MR||N|A|IV/IM|
500 mg|tab|100,100|0.06|m
750 mg|tab|100,100|0.09|s
1,000 mg/10 mL|vial 10 mL|25|34.00|v
@carisoprodol|MR|CIV|N|M||
350 mg|tab|100|0.09|v
@sumatriptan|MIGR||N|EM|SC|
6 mg/0.5 mL|autoinj 0.5 mL|2,2|21.00|s
50 mg|tabfc|9,9|0.60|s
@rizatriptan|MIGR||N|EM||
10 mg|odt|18,18|0.55|v
@dihydroergotamine|MIGR||N|EM|IV/IM/SC|
1 mg/mL|amp 1 mL|10|62.00|v
@butalbital-acetaminophen-caffeine|MIGR||N|EM||
50 mg-325 mg-40 mg|tab|100,100|0.22|s
@onabotulinumtoxinA|NEURO||N|M|IM/ID|B
100 units|lvial|1|705.00|v
# stimulants, smoking cessation, substance use disorder
@methylphenidate|STIM|CII|N|M||
10 mg|tab|100|0.21|v
@amphetamine-dextroamphetamine|STIM|CII|N|M||
10 mg|tab|100|0.30|v
@modafinil|STIM|CIV|N|M||
100 mg|tab|30|0.55|v
@caffeine citrate|STIM||E|L|IV|
20 mg/mL|vial 3 mL|10|9.60|v
@nicotine|SMOKE||N|M||
7 mg/24 hr|patch|14|1.10|s
14 mg/24 hr|patch|14,14|1.15|m
21 mg/24 hr|patch|14,14|1.20|m
2 mg|gum|100,100|0.22|m
4 mg|gum|100|0.26|s
2 mg|loz|72,72|0.30|s
@varenicline|SMOKE||N|M||
1 mg|tabfc|56|1.40|v
@naltrexone|SUD||E|EM|IM|
50 mg|tabfc|30|1.10|s
380 mg|kit|1|1595.00|v
"""

_ANTI_INFECTIVES = """
# cephalosporins
@cefazolin|CEPH||E|A|IV/IM|
1 g|pvial|25,25,25|1.20|h
2 g|pvial|25,10|2.40|h
3 g|pvial|10|4.80|s|a=O
10 g|pbp|10,10|11.50|m
1 g/50 mL|bag 50 mL|24,24|6.20|m
2 g/100 mL|bag 100 mL|24,24,24|8.40|h|a=OIM
2 g|dbag 50 mL|24,24|7.60|m
@cefoxitin|CEPH||E|OM|IV|
1 g|pvial|25,25|6.40|s
2 g|pvial|25,25|10.80|m
2 g/50 mL|bag 50 mL|24,24|16.50|s
@cefuroxime|CEPH||E|OM|IV/IM|
1.5 g|pvial|25,25|6.80|s
250 mg|tabfc|100,100|0.52|s
@ceftriaxone|CEPH||E|A|IV/IM|S
250 mg|pvial|10,10|0.95|m|a=E
500 mg|pvial|10,10|1.05|m
1 g|pvial|25,10,25|1.20|h
2 g|pvial|10,10|2.15|h
10 g|pbp|10,10|12.50|m
1 g/50 mL|bag 50 mL|24,24|7.40|m
2 g/50 mL|bag 50 mL|24,24|9.20|m
@ceftazidime|CEPH||E|IM|IV/IM|
1 g|pvial|25,25|6.20|s
2 g|pvial|10,25|10.90|s
@cefepime|CEPH||E|A|IV/IM|
1 g|pvial|10,10|4.20|m
2 g|pvial|10,10,10|6.90|h
2 g/100 mL|bag 100 mL|24,24|15.80|m
@ceftaroline fosamil|CEPH||E|IM|IV|
600 mg|pvial|10|165.00|s
@ceftazidime-avibactam|CEPH||E|I|IV|
2.5 g|pvial|10|1295.00|v
@ceftolozane-tazobactam|CEPH||E|I|IV|
1.5 g|pvial|10|295.00|v
@cefiderocol|CEPH||E|I|IV|
1 g|pvial|10|1140.00|v
@cephalexin|CEPH||E|A||
250 mg|cap|100|0.09|s
500 mg|cap|100,100,500|0.11|h
250 mg/5 mL|psuspml 100 mL|100|0.06|s
@cefdinir|CEPH||E|EM||
300 mg|cap|60,60|0.45|m
250 mg/5 mL|psuspml 100 mL|100|0.30|v
@cefpodoxime|CEPH||E|EM||
200 mg|tabfc|20|1.80|s
@cefixime|CEPH||E|E||
400 mg|cap|10|28.00|v
# penicillins
@penicillin G potassium|PCN||E|A|IV/IM|
5 million units|pvial|10,10|16.50|s
20 million units|pvial|10|52.00|v
3 million units/50 mL|bag 50 mL|24,24|22.00|s|a=LM
@penicillin G benzathine|PCN||E|EL|IM|
1.2 million units/2 mL|spfs 2 mL|10|210.00|s
@penicillin V potassium|PCN||E|M||
250 mg|tab|100|0.09|s
500 mg|tab|100,500|0.12|s
@ampicillin|PCN||E|A|IV/IM|
500 mg|pvial|10,25|2.10|s
1 g|pvial|10,25|2.50|m
2 g|pvial|10,10|4.10|m
10 g|pbp|10|16.00|v
@ampicillin-sulbactam|PCN||E|A|IV/IM|
1.5 g|pvial|10,25|3.10|s
3 g|pvial|10,10,10|4.20|h
15 g|pbp|10|19.50|s
@nafcillin|PCN||E|IM|IV/IM|
1 g|pvial|10,25|9.80|s
2 g|pvial|10,25|16.40|s
2 g/100 mL|bag 100 mL|24,24|24.00|s
@oxacillin|PCN||E|IM|IV/IM|
2 g|pvial|10,10|18.00|s
@piperacillin-tazobactam|PCN||E|A|IV|
3.375 g|pvial|10,10|4.10|h
4.5 g|pvial|10,10,25|5.20|h
40.5 g|pbp|10,10|38.00|m
3.375 g/50 mL|bag 50 mL|24,24|14.80|m
4.5 g/100 mL|bag 100 mL|24,24|17.20|m
@amoxicillin|PCN||E|A||
250 mg|cap|100|0.07|s
500 mg|cap|100,100,500|0.08|m
875 mg|tabfc|100|0.13|s
400 mg/5 mL|psuspml 100 mL|100,100|0.05|s
@amoxicillin-clavulanate|PCN||E|A||
500 mg-125 mg|tabfc|20,100|0.65|s
875 mg-125 mg|tabfc|20,100,20|0.44|m
400 mg-57 mg/5 mL|psuspml 100 mL|100,100|0.16|s
@dicloxacillin|PCN||E|M||
500 mg|cap|100|0.58|v
# carbapenems and monobactams
@meropenem|CARB||E|A|IV|
500 mg|pvial|10,10|5.20|m
1 g|pvial|10,10,25|6.80|h
2 g|pvial|10,25|19.00|s
@ertapenem|CARB||E|A|IV/IM|
1 g|lvial|10,1,25|17.50|m
@imipenem-cilastatin|CARB||E|I|IV|
500 mg|pvial|25,25|14.50|s
@imipenem-cilastatin-relebactam|CARB||E|I|IV|
1.25 g|pvial|25|295.00|v
@meropenem-vaborbactam|CARB||E|I|IV|
2 g|pvial|6|275.00|v
@aztreonam|ABX||E|IM|IV/IM|
1 g|pvial|10,25|26.00|s
2 g|pvial|10|44.00|s
# aminoglycosides
@gentamicin|AMG||E|A|IV/IM|
40 mg/mL|vial 2 mL|25,25|1.05|h
40 mg/mL|mdv 20 mL|25,25|5.90|s
10 mg/mL|vial 2 mL|25|1.90|v|a=L
80 mg/100 mL|bag 100 mL|24,24|4.90|s
@tobramycin|AMG||E|IM|IV/IM|
40 mg/mL|vial 2 mL|25,25|3.20|s
300 mg/5 mL|neb 5 mL|56|16.00|v
@amikacin|AMG||E|IM|IV/IM|
250 mg/mL|vial 2 mL|10|7.40|s
250 mg/mL|vial 4 mL|10,25|12.90|s
# fluoroquinolones
@levofloxacin|FQ||E|A|IV|
250 mg|tabfc|100|0.28|s
500 mg|tabfc|100,50|0.30|m
750 mg|tabfc|100,20|0.46|m
500 mg/100 mL|bag 100 mL|24,24|4.20|m
750 mg/150 mL|bag 150 mL|24,24|5.60|m
@ciprofloxacin|FQ||E|A|IV|
250 mg|tabfc|100,100|0.09|s
500 mg|tabfc|100,100,100|0.11|h
750 mg|tabfc|100,100|0.19|s
400 mg/200 mL|bag 200 mL|24,24|4.60|m
@moxifloxacin|FQ||E|IM|IV|
400 mg|tabfc|30|1.60|s
400 mg/250 mL|bag 250 mL|12|22.00|s
# glycopeptides, lipopeptides, oxazolidinones
@vancomycin|GLYC||E|A|IV|
500 mg|pvial|10,25,25|2.10|m
750 mg|pvial|10,10|3.10|m
1 g|pvial|10,10,25|3.40|h
1.25 g|pvial|10,10|4.90|m
1.5 g|pvial|10,10|5.60|m
5 g|pbp|1,1|14.50|m
10 g|pbp|1,1|25.50|m
500 mg/100 mL|bag 100 mL|24,24|16.00|s
750 mg/150 mL|bag 150 mL|24,24|18.00|m
1 g/200 mL|bag 200 mL|24,24,24|19.50|h
1.25 g/250 mL|bag 250 mL|12,12|23.00|m
125 mg|cap|20,20|9.80|s
25 mg/mL|psolml 150 mL|150|0.65|v
@daptomycin|GLYC||E|IM|IV|
350 mg|lvial|1,1|58.00|s
500 mg|lvial|1,1|66.00|m
@dalbavancin|GLYC||E|EM|IV|
500 mg|pvial|1|2350.00|v
@oritavancin|GLYC||E|E|IV|
1,200 mg|lvial|1|4100.00|v
@linezolid|ABX||E|IM|IV|
600 mg|tabfc|20,30|3.90|s
600 mg/300 mL|bag 300 mL|10,10|36.00|m
@tedizolid|ABX||E|M|IV|
200 mg|tabfc|6|355.00|v
# macrolides, tetracyclines
@azithromycin|MAC||E|A|IV|S
250 mg|tabfc|30,18|0.36|m
500 mg|tabfc|30,30|0.72|m
500 mg|lvial|10,10,25|4.60|h
200 mg/5 mL|psuspml 15 mL|15|0.92|s
@erythromycin|MAC||E|IM|IV|
500 mg|lvial|10|38.00|v
250 mg|tabfc|100|2.80|v
@clarithromycin|MAC||E|M||
500 mg|tabfc|60|0.55|v
@doxycycline hyclate|TET||E|A|IV|S
100 mg|tabfc|50,500|0.22|m
100 mg|cap|50,500|0.24|s
100 mg|lvial|10|38.00|s
@minocycline|TET||E|M|IV|
100 mg|cap|50|0.58|v
@tigecycline|TET||E|I|IV|
50 mg|lvial|10,25|42.00|s
# other antibacterials
@clindamycin|ABX||E|A|IV/IM|
150 mg|cap|100,500|0.14|s
300 mg|cap|100,100|0.19|m
300 mg/2 mL|vial 2 mL|25,10|2.20|m
600 mg/4 mL|vial 4 mL|25,25,10|3.10|h
900 mg/6 mL|vial 6 mL|25,25|4.20|m
300 mg/50 mL|bag 50 mL|24,24|7.50|s
600 mg/50 mL|bag 50 mL|24,24|8.20|m
900 mg/50 mL|bag 50 mL|24,24|8.90|m|a=OLM
2%|vcream 40 g|1|42.00|v
@metronidazole|ABX||E|A|IV|
250 mg|tabfc|100,500|0.12|s
500 mg|tabfc|100,100,500|0.15|m
500 mg/100 mL|bag 100 mL|24,24|1.55|h
0.75%|gel 45 g|1|24.00|v
0.75%|vcream 70 g|1|36.00|v
@sulfamethoxazole-trimethoprim|ABX||E|A|IV|
400 mg-80 mg|tab|100,500|0.14|s
800 mg-160 mg|tab|100,100,500|0.10|m
200 mg-40 mg/5 mL|suspml 473 mL|473|0.06|v
80 mg-16 mg/mL|cvial 5 mL|10,10|14.00|s
@nitrofurantoin monohydrate-macrocrystals|ABX||E|A||
100 mg|cap|100,100|0.55|m
@nitrofurantoin macrocrystals|ABX||E|M||
50 mg|cap|100,100|0.95|v
@fosfomycin|ABX||E|EM||
3 g|pkt 3 g|1|48.00|s
@methenamine hippurate|ABX||N|M||
1 g|tab|100|0.72|v
@colistimethate|ABX||E|I|IV/IM|
150 mg|lvial|1|42.00|v
@polymyxin B|ABX||E|IO|IV/IM/IT|
500,000 units|pvial|10|11.50|s
@fidaxomicin|ABX||E|M||
200 mg|tabfc|20|198.00|s
@rifaximin|ABX||E|M||
550 mg|tab|60,60|46.00|m
200 mg|tab|30|16.00|v
@rifampin|TB||E|M|IV|
300 mg|cap|100,30|0.52|s
600 mg|lvial|1|78.00|v
@isoniazid|TB||E|M||
100 mg|tab|100|0.08|v
300 mg|tab|100,500|0.12|s
@pyrazinamide|TB||E|M||
500 mg|tab|100|1.50|v
@ethambutol|TB||E|M||
400 mg|tab|100|0.95|v
# antifungals
@fluconazole|AF||E|A|IV|
100 mg|tab|30|0.22|s
150 mg|tab|12,1|0.45|s
200 mg|tab|30,100|0.36|m
200 mg/100 mL|bag 100 mL|24,24|4.40|m
400 mg/200 mL|bag 200 mL|24,24|6.80|s
@micafungin|AF||E|I|IV|
50 mg|lvial|10,10|32.00|s
100 mg|lvial|10,25|44.00|m
@caspofungin|AF||E|I|IV|
50 mg|lvial|1|74.00|s
70 mg|lvial|1|96.00|s
@anidulafungin|AF||E|I|IV|
100 mg|lvial|1|128.00|v
@voriconazole|AF||E|I|IV|
200 mg|lvial|1|64.00|s
200 mg|tabfc|30|6.20|s
@posaconazole|AF||E|I|IV|
100 mg|tabdr|60|34.00|v
300 mg/16.7 mL|vial 16.7 mL|1|365.00|v
@isavuconazonium|AF||E|I|IV|
372 mg|lvial|1|420.00|v
@amphotericin B liposome|AF||E|I|IV|
50 mg|lvial|10|212.00|s
@nystatin|AF||E|A||
100,000 units/mL|suspcup 5 mL|50,50|0.90|m
100,000 units/mL|suspml 60 mL|60,60|0.12|s
100,000 units/g|cream 30 g|1,1|3.20|s
100,000 units/g|powder 15 g|1,1|6.80|m
@clotrimazole|AF||N|M||
10 mg|troche|70|0.95|s
1%|cream 30 g|1|2.10|s
@miconazole|AF||N|A||
2%|cream 28 g|1,1|2.40|m
2%|powder 71 g|1|3.80|s
200 mg|vsupp|3|4.10|v
@terbinafine|AF||N|M||
250 mg|tab|30|0.14|v
@ketoconazole|AF||N|M||
2%|cream 30 g|1,1|6.90|s
# antivirals
@acyclovir|AV||E|A|IV|
500 mg/10 mL|vial 10 mL|10|7.90|s
400 mg|tab|100|0.18|s
800 mg|tab|100,500|0.26|s
200 mg/5 mL|suspml 473 mL|473|0.16|v
@valacyclovir|AV||E|M||
500 mg|tabfc|30|0.28|s
1,000 mg|tabfc|30,30|0.40|s
@ganciclovir|AV||E|I|IV|
500 mg|lvial|25|42.00|v
@foscarnet|AV||E|I|IV|
24 mg/mL|btl 250 mL|1|158.00|v
@oseltamivir|AV||E|A||S
30 mg|cap|10,10|2.60|s
45 mg|cap|10,10|2.70|s
75 mg|cap|10,10,10|2.10|h
6 mg/mL|psuspml 60 mL|60,60|0.95|m
@baloxavir marboxil|AV||E|EM||S
40 mg|tabfc|2|79.00|v
80 mg|tabfc|1|158.00|v
@peramivir|AV||E|EI|IV|S
200 mg/20 mL|vial 20 mL|3|318.00|v
@remdesivir|AV||E|IM|IV|S
100 mg|lvial|1|520.00|s
@nirmatrelvir-ritonavir|AV||E|EM||S
300 mg-100 mg|dosepack 30 tab|1|1390.00|v
150 mg-100 mg|dosepack 20 tab|1|1390.00|v
@bictegravir-emtricitabine-tenofovir alafenamide|HIV||E|EM||
50 mg-200 mg-25 mg|tabfc|30|128.00|v
@dolutegravir|HIV||E|EM||
50 mg|tabfc|30|76.00|v
@emtricitabine-tenofovir disoproxil fumarate|HIV||E|EM||
200 mg-300 mg|tabfc|30,30|12.00|s
@ritonavir|HIV||E|M||
100 mg|tabfc|30|9.00|v
@zidovudine|HIV||E|L|IV|
10 mg/mL|vial 20 mL|10|24.00|v
# antiparasitics and antimalarials
@ivermectin|APAR||E|M||
3 mg|tab|20|3.40|s
@atovaquone|APAR||E|M||
750 mg/5 mL|suspcup 10 mL|42|18.00|v
@artesunate|APAR||V|IE|IV|
110 mg|pvial|1|6500.00|v
@pentamidine|APAR||E|IM|IV/IM|
300 mg|lvial|1|110.00|v
@permethrin|APAR||N|EM||
5%|cream 60 g|1|9.50|v
"""

_BLOOD = """
# anticoagulants
@heparin|ACOAG||E|A|IV/SC|
5,000 units/mL|vial 1 mL|25,25,25|1.20|h
5,000 units/0.5 mL|pfs 0.5 mL|24,10|2.40|h
1,000 units/mL|mdv 10 mL|25|4.10|s
1,000 units/mL|mdv 30 mL|25,25|9.80|s|a=OI V
20,000 units/mL|vial 1 mL|25|7.20|v|a=O
25,000 units/250 mL|bag 250 mL|24,24,24|9.90|h|r=IV
25,000 units/500 mL|bag 500 mL|24,24|10.40|m|r=IV
2,000 units/1,000 mL|bag 1,000 mL|12|11.50|s|r=IV a=O
1,000 units/500 mL|bag 500 mL|24|9.20|s|r=IV a=IO
@heparin lock flush|ACOAG||E|A|IV|
10 units/mL|pfs 3 mL|30,30|0.62|m
100 units/mL|pfs 5 mL|30,30|0.70|m
@enoxaparin|ACOAG||E|A|SC/IV|
30 mg/0.3 mL|pfs 0.3 mL|10,10|3.20|m
40 mg/0.4 mL|pfs 0.4 mL|10,10,10|3.60|h
60 mg/0.6 mL|pfs 0.6 mL|10,10|5.40|m
80 mg/0.8 mL|pfs 0.8 mL|10,10|6.90|m
100 mg/mL|pfs 1 mL|10|8.60|s
120 mg/0.8 mL|pfs 0.8 mL|10,10|10.90|s
150 mg/mL|pfs 1 mL|10|12.80|v
@fondaparinux|ACOAG||E|M|SC|
2.5 mg/0.5 mL|pfs 0.5 mL|10|16.50|s
5 mg/0.4 mL|pfs 0.4 mL|10|29.00|v
@argatroban|ACOAG||E|I|IV|
250 mg/2.5 mL|vial 2.5 mL|1|145.00|v
50 mg/50 mL|vial 50 mL|1|98.00|s
@bivalirudin|ACOAG||E|IO|IV|
250 mg|lvial|10|42.00|s
@warfarin|ACOAG||E|M||
1 mg|tab|100,100|0.08|s
2 mg|tab|100|0.08|s
2.5 mg|tab|100,100|0.08|m
3 mg|tab|100,100|0.09|s
4 mg|tab|100|0.09|s
5 mg|tab|100,100,1000|0.07|m|D
10 mg|tab|100|0.12|v
@apixaban|ACOAG||E|A||
2.5 mg|tabfc|100,60,100|9.40|h|U
5 mg|tabfc|100,60,100|9.40|h|U
@rivaroxaban|ACOAG||E|A||
10 mg|tabfc|30|18.20|s
15 mg|tabfc|30|18.20|s
20 mg|tabfc|30,100|18.20|m
@dabigatran etexilate|ACOAG||E|M||
150 mg|cap|60|4.20|v
# antiplatelets
@aspirin|APLT||E|A||
81 mg|chew|100,100,1000|0.02|h
81 mg|tabdr|100,100,1000|0.02|h
325 mg|tab|100,1000|0.02|m
325 mg|tabdr|100|0.03|s
300 mg|supp|12,12|0.85|s
@clopidogrel|APLT||E|A||
75 mg|tabfc|100,90,500|0.06|h
300 mg|tabfc|30|0.95|s|a=EI
@ticagrelor|APLT||E|EIM||
90 mg|tab|60,100,60|7.20|m
@prasugrel|APLT||E|EIM||
10 mg|tabfc|30|1.40|s
@cangrelor|APLT||E|I|IV|
50 mg|lvial|10|760.00|v
@eptifibatide|APLT||E|I|IV|
20 mg/10 mL|vial 10 mL|1|28.00|s
75 mg/100 mL|vial 100 mL|1|62.00|s
@tirofiban|APLT||E|I|IV|
12.5 mg/250 mL|bag 250 mL|1|485.00|v
# thrombolytics
@alteplase|THROMB||V|EI|IV|B
100 mg|lvial|1|9450.00|v|D
50 mg|lvial|1|4730.00|v
2 mg|lvial|1,1|162.00|m|a=A
@tenecteplase|THROMB||V|EI|IV|B
50 mg|kit|1|9800.00|s|U
25 mg|kit|1|4900.00|v
# hemostatics and anticoagulant reversal
@protamine|HEMO||V|OI|IV|
10 mg/mL|vial 5 mL|25,25|3.90|s
10 mg/mL|vial 25 mL|25|11.80|s
@phytonadione|HEMO||V|A|IV/IM/SC|
10 mg/mL|amp 1 mL|25,10|4.40|m
1 mg/0.5 mL|amp 0.5 mL|25,10,25|3.90|h|a=L r=IM
5 mg|tab|100,100|8.90|s
@prothrombin complex concentrate (human)|HEMO||V|EIO|IV|B
500 units|kit|1|1420.00|v
1,000 units|kit|1|2840.00|s|U
@andexanet alfa|HEMO||V|EI|IV|B
200 mg|lvial|4|3300.00|v|D
@idarucizumab|HEMO||V|EI|IV|B
2.5 g/50 mL|vial 50 mL|2|2100.00|v
@fibrinogen concentrate (human)|HEMO||V|IO|IV|B
1 g|lvial|1|1540.00|v
@thrombin (recombinant)|HEMO||E|O||B
5,000 units|kit|1|145.00|s|r=TOP
@tranexamic acid|HEMO||V|A|IV|
1,000 mg/10 mL|vial 10 mL|10,10,10|1.90|h
1 g/100 mL|bag 100 mL|24,24|9.50|m
650 mg|tab|30|1.40|v
@aminocaproic acid|HEMO||E|IO|IV|
5 g/20 mL|vial 20 mL|25|8.40|v
@desmopressin|ENDO||E|A|IV/SC|
4 mcg/mL|amp 1 mL|10,10|14.50|s
0.1 mg|tab|100,100|0.85|s
0.2 mg|tab|100|1.40|v
10 mcg/spray|nasal 5 mL|1|58.00|v
# hematopoietic agents, iron
@epoetin alfa|HEMAT||E|A|IV/SC|
2,000 units/mL|vial 1 mL|10|26.00|s
3,000 units/mL|vial 1 mL|10|38.00|s
4,000 units/mL|vial 1 mL|10|52.00|s
10,000 units/mL|vial 1 mL|10,10|128.00|m
40,000 units/mL|vial 1 mL|4|515.00|s
@darbepoetin alfa|HEMAT||E|M|IV/SC|
40 mcg/0.4 mL|pfs 0.4 mL|4|232.00|v
100 mcg/0.5 mL|pfs 0.5 mL|4|580.00|v
@filgrastim|HEMAT||E|M|IV/SC|
300 mcg/0.5 mL|pfs 0.5 mL|10,10|205.00|s
480 mcg/0.8 mL|pfs 0.8 mL|10|325.00|s
@pegfilgrastim|HEMAT||E|M|SC|
6 mg/0.6 mL|pfs 0.6 mL|1,1|4150.00|v
@iron sucrose|IRON||E|M|IV|
100 mg/5 mL|vial 5 mL|10,25|48.00|m
200 mg/10 mL|vial 10 mL|10|95.00|s
@ferric carboxymaltose|IRON||E|M|IV|
750 mg/15 mL|vial 15 mL|1|1120.00|v
@ferumoxytol|IRON||E|M|IV|
510 mg/17 mL|vial 17 mL|10|420.00|s
@sodium ferric gluconate complex|IRON||E|M|IV|
62.5 mg/5 mL|vial 5 mL|10|38.00|v
@iron dextran|IRON||E|M|IV/IM|
100 mg/2 mL|vial 2 mL|10|92.00|v
@ferrous sulfate|IRON||N|A||
325 mg|tab|100,100,1000|0.02|h
"""

_CARDIOVASCULAR = """
# antiarrhythmics
@amiodarone|ARRH||V|A|IV|
150 mg/3 mL|vial 3 mL|25,10,10|2.10|h
450 mg/9 mL|vial 9 mL|25,10|4.90|s
150 mg/100 mL|bag 100 mL|10,10|72.00|m
360 mg/200 mL|bag 200 mL|10,10|148.00|m|a=I
100 mg|tab|30|0.40|v
200 mg|tab|100,100|0.16|m
@adenosine|ARRH||V|EIM|IV|
6 mg/2 mL|vial 2 mL|10,10|4.90|m
12 mg/4 mL|vial 4 mL|10,10|8.20|s
6 mg/2 mL|pfs 2 mL|10,10|9.80|m
12 mg/4 mL|pfs 4 mL|10|13.50|s
3 mg/mL|vial 20 mL|10,10|18.00|s|a=M
@lidocaine in dextrose 5%|ARRH||E|I|IV|
2 g/500 mL|bag 500 mL|18,18|12.50|s
@procainamide|ARRH||E|EI|IV/IM|
100 mg/mL|vial 10 mL|25|14.00|v
@ibutilide|ARRH||E|EI|IV|
1 mg/10 mL|vial 10 mL|1|98.00|v
@flecainide|ARRH||E|M||
50 mg|tab|100|0.35|v
@sotalol|ARRH||E|M||
80 mg|tab|100|0.22|v
@dofetilide|ARRH||E|IM||
250 mcg|cap|60|2.30|v
500 mcg|cap|60|2.30|v
@dronedarone|ARRH||E|M||
400 mg|tabfc|60|10.60|v
@digoxin|ARRH||E|A|IV/IM|
0.125 mg|tab|100,100|0.25|m
0.25 mg|tab|100,100|0.27|s
0.25 mg/mL|amp 2 mL|10,10|6.40|s
0.1 mg/mL|amp 1 mL|10|22.00|v|a=L
# vasopressors and inotropes
@norepinephrine|PRESS||V|EIO|IV|
1 mg/mL|vial 4 mL|10,10,10|7.80|h
4 mg/250 mL|bag 250 mL|10,10|28.00|m
8 mg/250 mL|bag 250 mL|10,10|34.00|m|a=I
@phenylephrine|PRESS||V|EIO|IV/IM/SC|
10 mg/mL|vial 1 mL|25,10,10|2.60|h
10 mg/mL|vial 5 mL|25,25|8.90|s
100 mcg/mL|pfs 10 mL|10,10,10|6.40|h|a=OE
100 mcg/mL|amp 10 mL|10,25|5.20|m|a=O
20 mg/250 mL|bag 250 mL|10|29.00|s|a=I
2.5%|ophsol 15 mL|1,1|13.00|s|a=OM c=OPH
@ephedrine|PRESS||E|OL|IV|
50 mg/mL|vial 1 mL|25,25|6.80|h
5 mg/mL|pfs 10 mL|10,10,10|14.50|h
47 mg/5 mL|vial 5 mL|10|12.00|s
@vasopressin|PRESS||V|EIO|IV|
20 units/mL|vial 1 mL|25,10|42.00|m
20 units/100 mL|bag 100 mL|10|138.00|s|a=I
40 units/100 mL|bag 100 mL|10|165.00|s|a=I
@dopamine|PRESS||E|IE|IV|
400 mg/250 mL|bag 250 mL|18|9.80|s
@dobutamine|PRESS||E|I|IV|
250 mg/20 mL|vial 20 mL|10|6.90|s
250 mg/250 mL|bag 250 mL|12,12|10.50|s
500 mg/250 mL|bag 250 mL|12|12.80|s
@milrinone|PRESS||E|I|IV|
10 mg/10 mL|vial 10 mL|10,10|7.90|s
20 mg/100 mL|bag 100 mL|12|18.00|s
@isoproterenol|PRESS||E|I|IV/IM|
0.2 mg/mL|amp 1 mL|10|34.00|v
@angiotensin II|PRESS||E|I|IV|
2.5 mg/mL|vial 1 mL|1|1520.00|v
# beta blockers
@metoprolol tartrate|BB||E|A|IV|
25 mg|tab|100,100,1000|0.02|h
50 mg|tab|100,100,1000|0.02|h
100 mg|tab|100|0.03|s
5 mg/5 mL|vial 5 mL|10,25|0.85|h
5 mg/5 mL|carp 5 mL|10,10|2.20|m
@metoprolol succinate|BB||E|A||
25 mg|tabfcer|100,100|0.09|m
50 mg|tabfcer|100,500|0.11|m
100 mg|tabfcer|100|0.17|s
@carvedilol|BB||E|A||
3.125 mg|tabfc|100,100|0.03|m
6.25 mg|tabfc|100,100|0.03|m
12.5 mg|tabfc|100|0.03|s
25 mg|tabfc|100,100|0.04|s
@atenolol|BB||E|M||
25 mg|tab|100,100|0.03|s
50 mg|tab|100|0.03|s
@propranolol|BB||E|A|IV|
10 mg|tab|100,100|0.04|s
20 mg|tab|100|0.05|s
60 mg|caper|100,100|0.45|v
1 mg/mL|vial 1 mL|10|9.80|v
@labetalol|BB||E|A|IV|
5 mg/mL|vial 4 mL|25,25|2.40|m|a=L
20 mg/4 mL|pfs 4 mL|10,10|6.80|m|a=EIL
100 mg/20 mL|vial 20 mL|10,10,25|3.20|h
200 mg/40 mL|mdv 40 mL|10|6.10|s
100 mg|tabfc|100|0.09|s
200 mg|tabfc|100,100|0.12|m
300 mg|tabfc|100,100|0.19|s
@esmolol|BB||E|EIO|IV|
100 mg/10 mL|vial 10 mL|10,25,10|6.40|m
2,500 mg/250 mL|bag 250 mL|1|68.00|s
@nadolol|BB||E|M||
20 mg|tab|100|0.32|v
@bisoprolol|BB||E|M||
5 mg|tabfc|100|0.10|v
@nebivolol|BB||E|M||
5 mg|tab|30|0.35|v
# ACE inhibitors, ARBs, ARNI
@lisinopril|ACEI||E|A||
2.5 mg|tab|100,100|0.02|s
5 mg|tab|100,100|0.02|m
10 mg|tab|100,100,1000|0.02|h
20 mg|tab|100,1000|0.02|m
40 mg|tab|100,100|0.03|s
@enalapril|ACEI||E|M||
5 mg|tab|100|0.07|v
@enalaprilat|ACEI||E|IE|IV|
1.25 mg/mL|vial 1 mL|10|5.90|s
1.25 mg/mL|vial 2 mL|10|8.40|v
@captopril|ACEI||E|M||
25 mg|tab|100|0.22|v
@benazepril|ACEI||E|M||
10 mg|tab|100|0.05|v
@ramipril|ACEI||E|M||
2.5 mg|cap|100|0.07|v
@losartan|ARB||E|A||
25 mg|tabfc|100,90,1000|0.04|m
50 mg|tabfc|100,90|0.05|m
100 mg|tabfc|100|0.07|s
@valsartan|ARB||E|M||
80 mg|tab|90|0.30|s
160 mg|tab|90|0.34|s
@irbesartan|ARB||E|M||
150 mg|tab|30|0.08|v
@sacubitril-valsartan|HF||E|M||
24 mg-26 mg|tabfc|60,60|9.40|s
49 mg-51 mg|tabfc|60|9.40|v
# calcium channel blockers
@amlodipine|CCB||E|A||
2.5 mg|tab|100,100|0.02|m
5 mg|tab|100,100,1000|0.02|h
10 mg|tab|100,1000|0.02|m
@nifedipine|CCB||E|A||
10 mg|capl|100|0.48|s|a=L
30 mg|tabfcer|100,100|0.21|m
60 mg|tabfcer|100|0.35|s
@diltiazem|CCB||E|A|IV|
5 mg/mL|vial 5 mL|10,10|2.90|h
5 mg/mL|vial 25 mL|10,10|9.80|m
125 mg/125 mL|bag 125 mL|10,10|32.00|s|a=I
30 mg|tab|100,100|0.07|m
60 mg|tab|100|0.11|s
120 mg|caper|100,100|0.26|s
180 mg|caper|100|0.28|s
@verapamil|CCB||E|EI|IV|
2.5 mg/mL|vial 2 mL|25,10|1.95|s
80 mg|tabfc|100|0.10|v
120 mg|tabfcer|100|0.28|v
@nicardipine|CCB||E|EIO|IV|
25 mg/10 mL|vial 10 mL|10,10|11.50|m
20 mg/200 mL|bag 200 mL|10,10|118.00|m|a=I
40 mg/200 mL|bag 200 mL|10|156.00|s|a=I
@clevidipine|CCB||E|IO|IV|
25 mg/50 mL|evial 50 mL|10|168.00|s
# diuretics
@furosemide|DIUR||E|A|IV/IM|
10 mg/mL|vial 2 mL|25,25|0.72|h
10 mg/mL|vial 4 mL|25,25,10|0.95|h
10 mg/mL|vial 10 mL|25,25|2.10|m
100 mg/100 mL|bag 100 mL|10,10|24.00|s|a=I
20 mg|tab|100,100,1000|0.02|m
40 mg|tab|100,100,1000|0.02|h
80 mg|tab|100,100|0.04|m
40 mg/5 mL|solcup 5 mL|40,40|0.62|s
@bumetanide|DIUR||E|A|IV/IM|
0.25 mg/mL|vial 4 mL|10,25,25|1.90|m
0.25 mg/mL|vial 10 mL|10,10|3.80|s
0.5 mg|tab|100|0.22|s
1 mg|tab|100,100|0.24|m
2 mg|tab|100|0.34|s
@torsemide|DIUR||E|M||
10 mg|tab|100,100|0.09|s
20 mg|tab|100,100|0.11|s
@hydrochlorothiazide|DIUR||E|M||
12.5 mg|cap|100|0.03|s
25 mg|tab|100,1000|0.02|m
@chlorthalidone|DIUR||E|M||
25 mg|tab|100,100|0.16|s
@metolazone|DIUR||E|M||
2.5 mg|tab|100|0.42|s
@spironolactone|DIUR||E|A||
25 mg|tabfc|100,100,1000|0.04|m
50 mg|tabfc|100|0.07|s
@eplerenone|DIUR||E|M||
25 mg|tabfc|30|0.62|v
@acetazolamide|DIUR||E|M|IV|
500 mg|lvial|1,1|44.00|s
250 mg|tab|100|0.36|s
@mannitol|DIUR||E|IEO|IV|
20%|fluid 500 mL|24,24|24.00|s
25%|vial 50 mL|25,10|6.80|s
@chlorothiazide|DIUR||E|I|IV|
500 mg|lvial|1|78.00|v
# nitrates, vasodilators, other antihypertensives
@nitroglycerin|VASO||E|A|IV|
0.4 mg|sl|25,25|0.30|m|V
0.4 mg/spray|oralspray 4.9 g|1|72.00|s
25 mg/250 mL|btl 250 mL|12,12|18.00|s
50 mg/250 mL|btl 250 mL|12,12|21.00|m
5 mg/mL|vial 10 mL|25,25|12.50|s
2%|oint 30 g|1,1|7.90|s|r=TD
0.2 mg/hr|patch|30,30|1.05|s
0.4 mg/hr|patch|30,30|1.15|s
@isosorbide mononitrate|VASO||E|M||
30 mg|taber|100,100,100|0.07|m
60 mg|taber|100|0.09|s
@isosorbide dinitrate|VASO||E|M||
10 mg|tab|100,100|0.18|s
@hydralazine|VASO||E|A|IV/IM|
20 mg/mL|vial 1 mL|25,25,25|9.80|h|a=ELIM
10 mg|tab|100,100|0.04|s
25 mg|tab|100,100,100|0.05|m
50 mg|tab|100|0.07|s
@nitroprusside|VASO||E|I|IV|
50 mg/2 mL|vial 2 mL|10,10|48.00|s
50 mg/100 mL|bag 100 mL|24|142.00|v
@clonidine|AHTN||E|A||
0.1 mg|tab|100,100,1000|0.03|m
0.2 mg|tab|100|0.04|s
0.1 mg/24 hr|patch|4|4.80|v
0.2 mg/24 hr|patch|4|6.90|v
@doxazosin|AHTN||E|M||
1 mg|tab|100|0.07|v
@alprostadil|VASO||V|L|IV|
500 mcg/mL|amp 1 mL|5|195.00|v
@sildenafil|PAH||E|IM|IV|
20 mg|tabfc|90|0.24|s
10 mg/12.5 mL|vial 12.5 mL|1|158.00|v
@epoprostenol|PAH||E|I|IV|
1.5 mg|lvial|1|98.00|v
@ambrisentan|PAH||E|I||
5 mg|tabfc|30|210.00|v
# antilipemics, heart failure
@atorvastatin|LIPID||N|A||
10 mg|tabfc|90,1000|0.03|m
20 mg|tabfc|90,1000|0.04|m
40 mg|tabfc|90,100,1000|0.05|h
80 mg|tabfc|90,100|0.07|m
@rosuvastatin|LIPID||N|A||
5 mg|tabfc|90,90|0.05|s
10 mg|tabfc|90,100|0.05|m
20 mg|tabfc|90,90|0.06|m
40 mg|tabfc|90|0.08|s
@simvastatin|LIPID||N|M||
40 mg|tabfc|90|0.03|s
@pravastatin|LIPID||N|M||
40 mg|tab|90,90|0.06|s
@ezetimibe|LIPID||N|M||
10 mg|tab|90,90|0.07|s
@evolocumab|LIPID||N|M|SC|B
140 mg/mL|autoinj 1 mL|2|295.00|v
@dapagliflozin|ADM||E|M||
10 mg|tabfc|30,90|18.90|s
@empagliflozin|ADM||E|M||
10 mg|tabfc|30,90|19.40|s
"""

_GASTROINTESTINAL = """
# antiemetics
@ondansetron|EMET||E|A|IV/IM|
4 mg/2 mL|vial 2 mL|25,25,25|0.32|h
4 mg/2 mL|pfs 2 mL|10,10|2.10|m
40 mg/20 mL|mdv 20 mL|1,10|2.20|s
4 mg|odt|30,100|0.09|h
8 mg|odt|30,30|0.14|m
4 mg|tabfc|30,100|0.07|m
8 mg|tabfc|30,30|0.10|s
@prochlorperazine|EMET||E|A|IV/IM|
10 mg/2 mL|vial 2 mL|25,10|6.40|m
10 mg|tab|100,500|0.28|m
25 mg|supp|12,12|4.90|s
@promethazine|EMET||E|A|IM|
25 mg/mL|vial 1 mL|25|1.90|s|D
12.5 mg|tab|100,100|0.04|s
25 mg|tab|100,100|0.05|m
@metoclopramide|EMET||E|A|IV/IM|
10 mg/2 mL|vial 2 mL|25,25,25|0.80|h
5 mg|tab|100|0.05|s
10 mg|tab|100,100|0.05|m
@granisetron|EMET||E|M|IV|
1 mg/mL|vial 1 mL|10,10|2.90|s
@palonosetron|EMET||E|M|IV|
0.25 mg/5 mL|vial 5 mL|1,1|8.40|s
@fosaprepitant|EMET||E|M|IV|
150 mg|lvial|10,25|38.00|s
@aprepitant|EMET||E|OM||
125 mg|cap|1|45.00|v
@trimethobenzamide|EMET||N|M|IM|
100 mg/mL|vial 2 mL|10|12.50|v
@dronabinol|EMET|CIII|N|M||
2.5 mg|cap|60|3.20|v
@meclizine|EMET||N|A||
12.5 mg|tab|100,100|0.04|m
25 mg|tab|100,100,100|0.05|m
# acid suppression, antacids
@pantoprazole|ACID||E|A|IV|
40 mg|pvial|10,25|2.10|h
40 mg|tabdr|90,100,1000|0.05|h
20 mg|tabdr|90,90|0.06|s
@esomeprazole|ACID||E|IM|IV|
40 mg|lvial|10,10|6.20|s
40 mg|capdr|30|0.26|s
@omeprazole|ACID||E|A||
20 mg|capdr|100,1000,100|0.04|h
40 mg|capdr|100,100|0.07|m
@lansoprazole|ACID||E|M||
30 mg|capdr|100,100|0.20|s
30 mg|odt|30|2.20|s
@famotidine|ACID||E|A|IV|
10 mg/mL|vial 2 mL|25,25,25|0.95|h
10 mg/mL|mdv 20 mL|25|5.20|s
20 mg/50 mL|bag 50 mL|24,24|5.80|s
20 mg|tabfc|100,100,1000|0.04|h
40 mg|tabfc|100|0.06|s
@sucralfate|ACID||E|A||
1 g|tab|100,500|0.14|m
1 g/10 mL|suspcup 10 mL|100,100|0.95|m
@aluminum hydroxide-magnesium hydroxide-simethicone|ACID||N|A||
200 mg-200 mg-20 mg/5 mL|suspcup 30 mL|100,100|0.42|m
@calcium carbonate|ACID||N|A||
500 mg|chew|150,1000|0.02|h
1,250 mg|tab|100,1000|0.03|m|c=VIT
@simethicone|GI||N|A||
80 mg|chew|100,1000|0.02|m
40 mg/0.6 mL|suspbtl 30 mL|1|3.10|v
# laxatives, bowel preparation
@docusate sodium|LAX||N|A||
100 mg|capl|100,1000,100|0.02|h
50 mg/5 mL|liqcup 10 mL|100|0.35|s
@sennosides|LAX||N|A||
8.6 mg|tab|100,1000|0.02|h
@sennosides-docusate sodium|LAX||N|A||
8.6 mg-50 mg|tab|100,100,1000|0.02|h
@bisacodyl|LAX||N|A||
5 mg|tabdr|100,1000,1000|0.02|h
10 mg|supp|12,100,12|0.22|m
@polyethylene glycol 3350|LAX||N|A||
17 g|pkt 17 g|30,100,30|0.38|h
238 g|oralpwd 238 g|1,1|6.90|s
@polyethylene glycol 3350-electrolytes|LAX||N|M||
236 g|jug 4,000 mL|1,1|14.50|m
@lactulose|LAX||E|A||
10 g/15 mL|solcup 15 mL|100,100|0.48|h
20 g/30 mL|solcup 30 mL|100,100|0.62|m
10 g/15 mL|solml 473 mL|473|0.02|s
@magnesium hydroxide|LAX||N|A||
400 mg/5 mL|suspcup 30 mL|100,100|0.38|m
400 mg/5 mL|suspml 473 mL|473|0.01|v
@magnesium citrate|LAX||N|M||
1.745 g/30 mL|solbtl 296 mL|1,1|1.60|s
@sodium phosphates|LAX||N|A||
19 g-7 g/118 mL|enema 133 mL|1,1|1.40|m
@mineral oil|LAX||N|M||
100%|enema 133 mL|1|1.90|v
@glycerin|LAX||N|A||
2 g|supp|12,50|0.12|s
@methylnaltrexone|LAX||E|M|SC|
12 mg/0.6 mL|vial 0.6 mL|7|198.00|s
@naloxegol|LAX||E|M||
25 mg|tabfc|30|11.20|v
# antidiarrheals, other GI
@loperamide|ADIARR||N|A||
2 mg|cap|100,100|0.04|m
@diphenoxylate-atropine|ADIARR|CV|N|M||
2.5 mg-0.025 mg|tab|100|0.28|s
@octreotide|ENDO||E|IM|IV/SC|
100 mcg/mL|vial 1 mL|10,10|3.10|m
50 mcg/mL|vial 1 mL|10,10|2.60|s
1,000 mcg/5 mL|mdv 5 mL|1,1|28.00|s
@pancrelipase|GI||E|M||
24,000 units lipase|capdr|100|9.20|s
@ursodiol|GI||E|M||
300 mg|cap|100|0.75|v
@mesalamine|GI||E|M||
1.2 g|tabdr|120|1.70|v
@budesonide|GI||E|M||
3 mg|capdr|100|2.20|v
@dicyclomine|GI||N|M|IM|
10 mg|cap|100,100|0.07|s
20 mg|tab|100,500|0.10|s
@hyoscyamine|GI||N|M||
0.125 mg|odt|100,100|0.45|s
@sodium polystyrene sulfonate|ELEC||E|A||
15 g/60 mL|suspbtl 60 mL|1,1|4.90|m
@patiromer|ELEC||E|M||
8.4 g|spkt 8.4 g|30|26.00|s
@sodium zirconium cyclosilicate|ELEC||E|EIM||
10 g|spkt 10 g|30,30|31.00|m|U
5 g|spkt 5 g|30|31.00|s
"""

_ENDOCRINE = """
# insulins
@insulin regular human|INS||V|A|SC/IV|
100 units/mL|mdv 10 mL|1,1,1|24.50|m
100 units/mL|mdv 3 mL|1,1,1|9.80|h
100 units/100 mL|bag 100 mL|10,10|22.00|m|r=IV a=IE
500 units/mL|pen 3 mL|2|172.00|v|r=SC a=M
@insulin lispro|INS||E|A|SC/IV|
100 units/mL|mdv 10 mL|1,1|66.00|m
100 units/mL|mdv 3 mL|1,1,1|21.50|h
100 units/mL|pen 3 mL|5,5|25.50|m|r=SC
@insulin aspart|INS||E|A|SC/IV|
100 units/mL|mdv 10 mL|1|72.00|s
100 units/mL|pen 3 mL|5,5|27.90|s|r=SC
@insulin glargine|INS||E|A|SC|
100 units/mL|mdv 10 mL|1,1|98.00|m
100 units/mL|pen 3 mL|5,5,5|24.00|m
300 units/mL|pen 1.5 mL|3|107.00|v
@insulin degludec|INS||E|M|SC|
100 units/mL|pen 3 mL|5|86.00|v
@insulin isophane human|INS||E|M|SC|
100 units/mL|svial 10 mL|1,1|24.50|s
# oral antidiabetics, glucose elevating agents
@metformin|ADM||N|M||
500 mg|tabfc|100,1000|0.02|m
1,000 mg|tabfc|100|0.03|s
500 mg|tabfcer|100,100|0.05|s
@glipizide|ADM||E|M||
5 mg|tab|100,100|0.04|s
10 mg|tab|100,500|0.06|s
@glimepiride|ADM||E|M||
1 mg|tab|100,100|0.05|s
2 mg|tab|100,1000|0.05|s
@glyburide|ADM||E|LM||
2.5 mg|tab|100|0.09|v
@pioglitazone|ADM||N|M||
30 mg|tab|30|0.08|v
@sitagliptin|ADM||N|M||
50 mg|tabfc|30,30|17.10|s
100 mg|tabfc|30,90|17.10|m
@linagliptin|ADM||N|M||
5 mg|tabfc|30,30|18.30|s
@glucagon|GLUC||V|A|IM/IV/SC|
1 mg|kit|1|180.00|s
1 mg|lvial|10|105.00|s|a=EM
3 mg|nasaldev|1|162.00|v
@dextrose|GLUC||V|A|IV|
50%|pfs 50 mL|10,10|7.40|m
25%|pfs 10 mL|10|9.20|v|a=EL
40%|ogel 37.5 g|3,3|4.90|m|r=OR
4 g|chew|50,50|0.30|s|N
# corticosteroids
@dexamethasone sodium phosphate|CS||E|A|IV/IM|
4 mg/mL|vial 1 mL|25,25,25|0.78|h
4 mg/mL|mdv 5 mL|25,10|1.40|s
4 mg/mL|mdv 30 mL|25,25|4.80|s
10 mg/mL|vial 1 mL|25,25,25|0.95|h
10 mg/mL|mdv 10 mL|10|4.30|s
@dexamethasone|CS||E|A||
1 mg|tab|100|0.21|v
2 mg|tab|100,100|0.24|s
4 mg|tab|100,30|0.28|m
6 mg|tab|100,500|0.39|s
@methylprednisolone sodium succinate|CS||E|A|IV/IM|S
40 mg|pvial|25,25|3.90|m
125 mg|pvial|25,25,25|5.60|h
500 mg|pvial|1|18.00|s
1 g|pvial|1,1|28.00|s
@methylprednisolone acetate|CS||E|EOM|IM/IA|
40 mg/mL|svial 1 mL|25,25|6.20|m
80 mg/mL|svial 1 mL|25,25|9.40|s
@methylprednisolone|CS||E|M||
4 mg|tab|21,100|0.42|s
@hydrocortisone sodium succinate|CS||V|A|IV/IM|
100 mg|pvial|25,25|8.90|m
500 mg|pvial|1|30.00|v
@hydrocortisone|CS||E|A||
10 mg|tab|100,100|0.40|s
20 mg|tab|100|0.62|s
1%|cream 28 g|1,1|1.30|m|N c=DERM
2.5%|cream 28 g|1,1|3.40|s|c=DERM
100 mg/60 mL|enema 60 mL|7|13.00|v
@hydrocortisone acetate|CS||N|M||
25 mg|supp|12|2.40|v
@prednisone|CS||E|A||
5 mg|tab|100,1000,1000|0.03|h
10 mg|tab|100,100|0.04|m
20 mg|tab|100,100,500|0.05|h|S
50 mg|tab|100,500|0.10|s|S
@prednisolone|CS||E|EM||S
15 mg/5 mL|solcup 5 mL|40,40|1.30|m
@triamcinolone acetonide|CS||E|OM|IM/IA|
40 mg/mL|svial 1 mL|25,10|5.20|m
10 mg/mL|svial 5 mL|1|14.50|v|r=IA/IL
0.1%|cream 15 g|1,1|2.10|s|c=DERM
0.1%|paste 5 g|1,1|14.00|v
@betamethasone sodium phosphate-betamethasone acetate|CS||E|LO|IM/IA|
3 mg-3 mg/mL|svial 5 mL|1,1|38.00|m
@fludrocortisone|CS||E|IM||
0.1 mg|tab|100|0.62|s
# thyroid, other endocrine, bone
@levothyroxine|THY||E|A|IV|
25 mcg|tab|90,100|0.11|s
50 mcg|tab|90,100|0.11|m
75 mcg|tab|90,90|0.12|s
88 mcg|tab|90,90|0.12|s
100 mcg|tab|90,100|0.12|m
112 mcg|tab|90,90|0.13|s
125 mcg|tab|90|0.13|s
150 mcg|tab|90,90|0.14|s
175 mcg|tab|90|0.15|v
100 mcg|lvial|1,1|38.00|s
200 mcg|lvial|1|52.00|v
@liothyronine|THY||E|IM|IV|
5 mcg|tab|100|1.20|v
10 mcg/mL|vial 1 mL|1|495.00|v
@methimazole|THY||E|M||
5 mg|tab|100|0.12|v
@propylthiouracil|THY||E|LM||
50 mg|tab|100|0.40|v
@calcitonin salmon|BONE||E|M|IM/SC|
200 units/mL|vial 2 mL|1|1720.00|v
@calcitriol|BONE||E|M|IV|
0.25 mcg|capl|100,100|0.35|s
1 mcg/mL|amp 1 mL|50|9.90|v
@sevelamer carbonate|ELEC||E|M||
800 mg|tabfc|180,180|0.65|s
@calcium acetate|ELEC||E|M||
667 mg|cap|200,200|0.09|s
@alendronate|BONE||N|M||
70 mg|tab|4|0.42|v
@zoledronic acid|BONE||E|M|IV|
5 mg/100 mL|bag 100 mL|1|28.00|v
4 mg/5 mL|vial 5 mL|1|12.00|v|c=ONCS
@pamidronate|BONE||E|M|IV|
90 mg/10 mL|vial 10 mL|1|26.00|v
@denosumab|BONE||E|M|SC|B
60 mg/mL|pfs 1 mL|1|1680.00|v
120 mg/1.7 mL|vial 1.7 mL|1|2720.00|v|c=ONCS
@cosyntropin|ENDO||E|IM|IV/IM|
0.25 mg|lvial|10|78.00|s
# sex hormones and contraceptives
@medroxyprogesterone acetate|HORM||N|LM|IM|
150 mg/mL|svial 1 mL|25|9.80|s
150 mg/mL|spfs 1 mL|1,1|14.50|s
@estradiol|HORM||N|M||
0.01%|vcream 42.5 g|1|320.00|v
@conjugated estrogens|HORM||E|M|IV/IM|
25 mg|lvial|1|312.00|v
@norethindrone|HORM||N|LM||
0.35 mg|tab|28|0.24|v
@progesterone|HORM||E|LM|IM|
50 mg/mL|mdv 10 mL|1|28.00|v
@testosterone cypionate|HORM|CIII|N|M|IM|
200 mg/mL|vial 1 mL|1|9.90|v
@levonorgestrel|HORM||N|EL||
1.5 mg|tab|1,1|9.80|s
@leuprolide|HORM||N|M|IM|
22.5 mg|kit|1|1525.00|v
"""

_RESPIRATORY = """
# bronchodilators, inhaled corticosteroids
@albuterol|BRONCH||E|A||S
2.5 mg/3 mL|neb 3 mL|25,25,60|0.14|h|V
1.25 mg/3 mL|neb 3 mL|25,25|0.32|v|a=EM
5 mg/mL|neb 20 mL|1|7.80|s|a=EI
90 mcg/act|mdi 200 act|1,1|24.50|m
@levalbuterol|BRONCH||E|A||S
0.63 mg/3 mL|neb 3 mL|24,24|0.62|s
45 mcg/act|mdi 200 act|1|52.00|v
@ipratropium|BRONCH||E|A||S
0.5 mg/2.5 mL|neb 2.5 mL|25,60|0.22|m
17 mcg/act|mdi 200 act|1|385.00|v
@ipratropium-albuterol|BRONCH||E|A||S
0.5 mg-3 mg/3 mL|neb 3 mL|30,60|0.19|h
20 mcg-100 mcg/act|smi 120 act|1|478.00|s
@racepinephrine|BRONCH||E|E||S
2.25%|neb 0.5 mL|30|2.40|s
@budesonide|ICS||E|A||S
0.25 mg/2 mL|nebsusp 2 mL|30,30|1.60|m
0.5 mg/2 mL|nebsusp 2 mL|30,30|1.90|m
1 mg/2 mL|nebsusp 2 mL|30|4.80|v
@fluticasone propionate|ICS||E|M||
110 mcg/act|mdi 120 act|1|226.00|s
50 mcg/spray|nasal 16 g|1,1|2.90|m|c=AH
@fluticasone propionate-salmeterol|ICS||E|M||
250 mcg-50 mcg/inh|dpi 60 inh|1|104.00|s
@budesonide-formoterol|ICS||E|M||
160 mcg-4.5 mcg/act|mdi 120 act|1|312.00|s
@fluticasone furoate-vilanterol|ICS||E|M||
100 mcg-25 mcg/inh|dpi 30 inh|1|328.00|s
@fluticasone furoate-umeclidinium-vilanterol|ICS||E|M||
100 mcg-62.5 mcg-25 mcg/inh|dpi 30 inh|1|612.00|s
@tiotropium|BRONCH||E|M||
2.5 mcg/act|smi 60 act|1|498.00|s
@umeclidinium|BRONCH||E|M||
62.5 mcg/inh|dpi 30 inh|1|405.00|v
@umeclidinium-vilanterol|BRONCH||E|M||
62.5 mcg-25 mcg/inh|dpi 30 inh|1|452.00|v
@beclomethasone dipropionate|ICS||E|M||
40 mcg/act|mdi 120 act|1|205.00|v
@montelukast|RESP||E|M||
10 mg|tabfc|30,90|0.06|m
4 mg|chew|30|0.14|v
5 mg|chew|30|0.14|v
@aminophylline|BRONCH||E|I|IV|
25 mg/mL|vial 10 mL|25|4.60|v
@acetylcysteine|RESP||E|A|IV|
20%|neb 4 mL|12,12|4.80|s
20%|neb 30 mL|3,3|14.00|s|c=ANTIDOTE
6 g/30 mL|vial 30 mL|4,4|58.00|s|V c=ANTIDOTE a=EI
@dornase alfa|RESP||E|M||B
2.5 mg/2.5 mL|neb 2.5 mL|30|148.00|v
@sodium chloride|RESP||E|A||S
3%|neb 4 mL|60|0.48|s
0.9%|neb 3 mL|100,100|0.16|m
@poractant alfa|RESP||V|L||B
80 mg/mL|etsusp 1.5 mL|1|520.00|v
# cough, cold, allergy
@guaifenesin|RESP||N|A||S
100 mg/5 mL|syrcup 10 mL|100,100|0.22|m
600 mg|taber|100,500|0.09|m
100 mg/5 mL|syrml 473 mL|473|0.01|v
@guaifenesin-dextromethorphan|RESP||N|A||S
100 mg-10 mg/5 mL|syrcup 10 mL|100,100|0.26|s
@codeine-guaifenesin|RESP|CV|N|M||S
10 mg-100 mg/5 mL|syrcup 10 mL|40|0.68|v
@benzonatate|RESP||N|A||S
100 mg|capl|100,500|0.09|m
200 mg|capl|100|0.15|s
@benzocaine-menthol|RESP||N|A||S
15 mg-3.6 mg|loz|108|0.10|s
@diphenhydramine|AH||E|A|IV/IM|
50 mg/mL|vial 1 mL|25,25|1.10|h
50 mg/mL|carp 1 mL|10,10|2.40|m
25 mg|cap|100,100,1000|0.02|h
50 mg|cap|100|0.03|s
12.5 mg/5 mL|liqcup 10 mL|100|0.30|v
@cetirizine|AH||N|M||
10 mg|tab|100,100|0.03|m
@loratadine|AH||N|M||
10 mg|tab|100,100|0.02|m
@fexofenadine|AH||N|M||
180 mg|tabfc|100,500|0.12|s
@oxymetazoline|AH||N|EOM||
0.05%|nasalsol 15 mL|1,1|1.40|m
@sodium chloride|AH||N|A||S
0.65%|nasalsol 44 mL|1,1|0.95|m
"""

_FLUIDS_ELECTROLYTES_NUTRITION = """
# IV fluids, diluents, irrigation
@sodium chloride|FLUID||V|A|IV|
0.9%|fluid 1,000 mL|12,12,14|1.85|h
0.9%|fluid 500 mL|24,24|1.70|h
0.9%|fluid 250 mL|24,36,24|1.60|h
0.9%|fluid 100 mL|64,96|1.45|h
0.9%|fluid 50 mL|80,96,80|1.40|h
0.9%|fluid 25 mL|96,96|1.60|m
0.45%|fluid 1,000 mL|12,12|2.10|s
3%|fluid 500 mL|24|11.50|s|a=IE
23.4%|cvial 30 mL|25,25|4.60|s|a=I
0.9%|vial 10 mL|25,25|0.38|h|c=DILUENT r=IV/IM/SC
0.9%|vial 20 mL|25,25|0.55|m|c=DILUENT r=IV/IM/SC
0.9%|pfs 10 mL|30,30|0.32|h|c=DILUENT N
0.9%|pfs 5 mL|30,30|0.30|m|c=DILUENT N
0.9%|mdv 30 mL|25|1.45|s|c=DILUENT r=IV/IM/SC
1 g|tab|100,100|0.04|m|c=ELEC
0.9%|irrig 1,000 mL|16,16,16|2.40|h
0.9%|irrig 500 mL|24,24|2.10|m
0.9%|irrig 3,000 mL|4|9.40|s|a=OM
@sterile water|DILUENT||E|A|IV|
100%|vial 10 mL|25,25,25|0.42|h
100%|vial 20 mL|25,25|0.58|m
100%|vial 50 mL|25|1.30|s
100%|irrig 1,000 mL|16,16|2.20|m
100%|irrig 1,500 mL|8|3.10|v|a=O
@bacteriostatic water|DILUENT||E|A|IV/IM/SC|
0.9% benzyl alcohol|mdv 30 mL|25|1.35|s
@bacteriostatic sodium chloride|DILUENT||E|A|IV/IM/SC|
0.9%|mdv 30 mL|25,25|1.40|s
@glycine|FLUID||E|O||
1.5%|irrig 3,000 mL|4|14.00|v
@acetic acid|FLUID||N|OM||
0.25%|irrig 1,000 mL|12,12|4.20|v
2%|otic 15 mL|1|9.80|v|c=OTIC
@dextrose|FLUID||E|A|IV|
5%|fluid 1,000 mL|12,12|2.05|m
5%|fluid 500 mL|24,24|1.95|m
5%|fluid 250 mL|24,36,24|1.80|h
5%|fluid 100 mL|64,64|1.65|m
5%|fluid 50 mL|80,80|1.60|m
10%|fluid 1,000 mL|12|3.90|s
10%|fluid 500 mL|24,24|3.40|s
10%|fluid 250 mL|24|3.10|s|a=LI
70%|fluid 2,000 mL|6|28.00|v|c=PN
50%|fluid 500 mL|24|9.50|v|c=PN
@dextrose-sodium chloride|FLUID||E|A|IV|
5%-0.45%|fluid 1,000 mL|12,12|2.15|h
5%-0.9%|fluid 1,000 mL|12|2.25|s
5%-0.45%|fluid 500 mL|24|2.05|s
@dextrose-sodium chloride-potassium chloride|FLUID||E|A|IV|
5%-0.45%-20 mEq/L|fluid 1,000 mL|12,12,12|2.90|h
5%-0.9%-20 mEq/L|fluid 1,000 mL|12|3.00|s
5%-0.45%-40 mEq/L|fluid 1,000 mL|12|3.20|v
@sodium chloride-potassium chloride|FLUID||E|A|IV|
0.9%-20 mEq/L|fluid 1,000 mL|12,12|2.80|m
0.9%-40 mEq/L|fluid 1,000 mL|12|3.10|s
@lactated Ringer's|FLUID||V|A|IV|
100%|fluid 1,000 mL|12,12,14|2.05|h
100%|fluid 500 mL|24,24|1.95|m
@dextrose-lactated Ringer's|FLUID||E|LO|IV|
5%|fluid 1,000 mL|12,12|2.60|s
@multiple electrolytes injection type 1|FLUID||E|A|IV|
pH 7.4|fluid 1,000 mL|12,12|4.90|m
pH 7.4|fluid 500 mL|24,24|4.40|s
pH 6.6|fluid 1,000 mL|12|4.70|s|a=OI
# blood products, plasma expanders
@albumin human|PLASMA||E|IO|IV|B
5%|btl 250 mL|1,1,1|62.00|m
5%|btl 500 mL|1|118.00|s
25%|btl 50 mL|1,1,1|64.00|m
25%|btl 100 mL|1|122.00|s
@hetastarch in sodium chloride|PLASMA||E|O|IV|
6%|fluid 500 mL|12|19.00|v|D
# electrolytes
@sodium bicarbonate|ELEC||V|A|IV|
8.4%|vial 50 mL|25,10|8.20|m
8.4%|pfs 50 mL|10,10|14.20|m
4.2%|pfs 10 mL|10|14.80|v|a=EL
650 mg|tab|100,1000,100|0.03|m|r=OR
@sodium acetate|ELEC||E|I|IV|
2 mEq/mL|vial 20 mL|25|10.50|v
@potassium chloride|ELEC||E|A|IV|
10 mEq/100 mL|bag 100 mL|24,24,24|5.90|h
20 mEq/100 mL|bag 100 mL|24,24|7.60|m|a=I
20 mEq/50 mL|bag 50 mL|24,24|7.90|s|a=I
2 mEq/mL|cvial 20 mL|25,25|2.90|s|a=I
10 mEq|tabfcer|100,100|0.10|m
20 mEq|tabfcer|100,100,500|0.14|h
20 mEq/15 mL|solcup 15 mL|100,100|0.72|m
20 mEq|pkt 1.5 g|30,30|0.95|s
@potassium phosphates|ELEC||E|IM|IV|
3 mmol/mL|vial 5 mL|25,25|24.00|s
15 mmol/250 mL|bag 250 mL|24,24|29.00|s
@sodium phosphates|ELEC||E|IM|IV|
3 mmol/mL|vial 15 mL|25,25|38.00|s
@potassium-sodium phosphates|ELEC||E|M||
250 mg|tab|100|0.28|s
@potassium citrate|ELEC||E|M||
10 mEq|taber|100|0.48|v
@magnesium sulfate|ELEC||E|A|IV/IM|
50%|vial 2 mL|25|1.40|s
50%|vial 10 mL|25,10|3.60|s
1 g/100 mL|bag 100 mL|24,24|5.80|m
2 g/50 mL|bag 50 mL|24,24,24|6.10|h
4 g/100 mL|bag 100 mL|24,24|7.90|m
20 g/500 mL|bag 500 mL|24,24|18.00|m|V a=L
40 g/1,000 mL|bag 1,000 mL|12,12|26.00|s|V a=L
@magnesium oxide|ELEC||N|A||
400 mg|tab|100,100,1000|0.02|h
@calcium gluconate|ELEC||V|A|IV|
100 mg/mL|vial 10 mL|25,25|3.90|m
100 mg/mL|vial 50 mL|25|14.00|s
1 g/50 mL|bag 50 mL|24,24|9.80|m
2 g/100 mL|bag 100 mL|24,24|12.40|m
@calcium chloride|ELEC||V|EIO|IV|
10%|pfs 10 mL|10,10|12.40|m
10%|vial 10 mL|25,10|8.90|s
@calcium carbonate-vitamin D3|VIT||N|M||
600 mg-400 units|tab|100,500|0.04|m
@tromethamine|ELEC||E|I|IV|
0.3 M|btl 500 mL|1|98.00|v
# parenteral nutrition
@amino acids|PN||E|I|IV|
10%|fluid 1,000 mL|6|34.00|s
@amino acids-electrolytes in dextrose with calcium|PN||E|IM|IV|
4.25%-10%|fluid 2,000 mL|4|98.00|s
@lipid injectable emulsion (soybean oil)|PN||V|IOM|IV|
20%|ebag 250 mL|10,10|32.00|s
20%|ebag 100 mL|10|21.00|v|a=L
@lipid injectable emulsion (soybean oil-MCT-olive oil-fish oil)|PN||E|IM|IV|
20%|ebag 250 mL|10|64.00|s
@multiple vitamins for infusion (adult)|PN||E|IM|IV|
10 mL|vial 10 mL|10,10|14.50|s
@multiple vitamins for infusion (pediatric)|PN||E|L|IV|
5 mL|lvial|10|26.00|v
@trace elements (zinc-copper-manganese-selenium)|PN||E|IM|IV|
3 mg-0.3 mg-55 mcg-60 mcg/mL|vial 1 mL|25,25|11.20|s
@selenious acid|PN||E|IM|IV|
60 mcg/mL|vial 10 mL|25|9.80|v
@zinc sulfate|PN||E|IM|IV|
3 mg/mL|vial 10 mL|25|14.50|v
220 mg|cap|100,1000|0.05|s|c=VIT r=OR
@cysteine|PN||E|L|IV|
500 mg/10 mL|vial 10 mL|10|165.00|v
@levocarnitine|PN||E|IM|IV|
1 g/5 mL|vial 5 mL|5|22.00|v
# vitamins and minerals
@thiamine|VIT||E|A|IV/IM|
100 mg/mL|vial 2 mL|25,25,10|3.20|h
100 mg|tab|100,100,100|0.03|h
@folic acid|VIT||E|A|IV/IM/SC|
5 mg/mL|vial 10 mL|25,25|8.90|s
1 mg|tab|100,100,1000|0.02|h
@cyanocobalamin|VIT||N|A|IM/SC|
1,000 mcg/mL|vial 1 mL|25,25|0.85|m
1,000 mcg|tab|100,100|0.03|m
@pyridoxine|VIT||E|M|IV/IM|
100 mg/mL|vial 1 mL|25|12.80|v|c=ANTIDOTE
@ascorbic acid|VIT||N|M|IV|
500 mg/mL|vial 50 mL|1|118.00|v
500 mg|tab|100|0.03|s
@multivitamin|VIT||N|A||
|tab|100,1000|0.02|h
@multivitamin with minerals|VIT||N|M||
|tab|100,1000|0.03|m
@prenatal multivitamin|VIT||N|L||
|tab|100,100|0.06|m
@cholecalciferol|VIT||N|A||
1,000 units|tab|100,1000,1000|0.02|m
50,000 units|capl|100|0.18|v
@ergocalciferol|VIT||N|M||
50,000 units|capl|100,500|0.28|s
"""

_IMMUNOLOGY_ONCOLOGY = """
# vaccines
@influenza vaccine|VAC||E|A|IM|S
45 mcg HA/0.5 mL|spfs 0.5 mL|10,10|17.80|m
180 mcg HA/0.7 mL|spfs 0.7 mL|10,10|74.00|m
135 mcg HA/0.5 mL|spfs 0.5 mL|10|62.00|s
@influenza vaccine, adjuvanted|VAC||E|A|IM|S
45 mcg HA/0.5 mL|spfs 0.5 mL|10|71.00|s
@hepatitis B vaccine (recombinant)|VAC||E|LM|IM|
10 mcg/0.5 mL|spfs 0.5 mL|10,10,10|26.00|m|a=L
20 mcg/mL|spfs 1 mL|10|62.00|s
@hepatitis B immune globulin (human)|IG||E|L|IM|
0.5 mL|pfs 0.5 mL|1|168.00|v
@tetanus-diphtheria-acellular pertussis vaccine (Tdap)|VAC||E|ELM|IM|
0.5 mL|spfs 0.5 mL|10,10|46.00|m
0.5 mL|svial 0.5 mL|10,25|43.00|s
@tetanus-diphtheria toxoids (Td)|VAC||E|E|IM|
0.5 mL|spfs 0.5 mL|10|38.00|s
@tetanus immune globulin (human)|IG||E|E|IM|
250 units/mL|pfs 1 mL|1|420.00|v
@pneumococcal 20-valent conjugate vaccine|VAC||E|M|IM|
0.5 mL|spfs 0.5 mL|10|262.00|s
@pneumococcal 23-valent polysaccharide vaccine|VAC||E|M|IM/SC|
0.5 mL|pfs 0.5 mL|10|124.00|v
@respiratory syncytial virus vaccine|VAC||E|LM|IM|S
120 mcg/0.5 mL|lvial|10|286.00|v
@nirsevimab|IG||E|L|IM|S
50 mg/0.5 mL|pfs 0.5 mL|1|519.00|s
100 mg/mL|pfs 1 mL|1|519.00|v
@COVID-19 vaccine, mRNA|VAC||E|A|IM|S
30 mcg/0.3 mL|spfs 0.3 mL|10|142.00|s
@measles-mumps-rubella vaccine, live|VAC||E|L|SC|
0.5 mL|lsvial|10|92.00|s
@rabies vaccine|VAC||V|E|IM|
2.5 IU/mL|kit|1|412.00|v
@rabies immune globulin (human)|IG||V|E|INF/IM|
300 IU/mL|vial 1 mL|1|392.00|v
300 IU/mL|vial 5 mL|1|1880.00|v
@Rho(D) immune globulin (human)|IG||E|L|IM|
300 mcg|pfs 1 mL|1,1,1|112.00|m
50 mcg|pfs 1 mL|1|72.00|v
1,500 IU/2 mL|pfs 2 mL|1|148.00|s|r=IV/IM
@tuberculin purified protein derivative|DIAG||N|M|ID|B
5 TU/0.1 mL|vial 1 mL|1|82.00|s
@immune globulin intravenous (human)|IG||E|IM|IV|
10%|vial 50 mL|1|860.00|s
10%|vial 100 mL|1|1720.00|s
@crotalidae polyvalent immune fab (ovine)|ANTIDOTE||V|EI|IV|B
|lvial|1|3260.00|v
@crotalidae immune F(ab')2 (equine)|ANTIDOTE||V|E|IV|B
120 mg|lvial|1|1780.00|v
@digoxin immune fab (ovine)|ANTIDOTE||V|EI|IV|B
40 mg|lvial|1|3720.00|v
@antithymocyte globulin (rabbit)|IMSUP||E|I|IV|B
25 mg|lvial|1|1120.00|v
# immunosuppressants, biologics, antirheumatics
@tacrolimus|IMSUP||E|M|IV|
1 mg|cap|100,100|1.10|s
5 mg|cap|100|4.80|v
5 mg/mL|amp 1 mL|10|78.00|v
@mycophenolate mofetil|IMSUP||E|M|IV|
250 mg|cap|100,100|0.28|s
500 mg|tabfc|100,500|0.48|s
500 mg|lvial|4|52.00|v
@cyclosporine (modified)|IMSUP||E|M||
100 mg|capl|30|3.40|v
@cyclosporine|IMSUP||E|I|IV|
50 mg/mL|amp 5 mL|10|28.00|v
@azathioprine|IMSUP||E|M||
50 mg|tab|100|0.24|v
@infliximab|BIO||E|M|IV|B
100 mg|lvial|1,1|585.00|s
@tocilizumab|BIO||E|IM|IV|B
80 mg/4 mL|vial 4 mL|1|455.00|v
200 mg/10 mL|vial 10 mL|1|1140.00|v
400 mg/20 mL|vial 20 mL|1|2280.00|v
@adalimumab|BIO||N|M|SC|B
40 mg/0.4 mL|autoinj 0.4 mL|2|1310.00|v
@baricitinib|BIO||E|IM||
2 mg|tabfc|30|92.00|v
@hydroxychloroquine|RHEUM||E|M||
200 mg|tabfc|100,100,100|0.16|m
@methotrexate|RHEUM||E|M|IV/IM/SC/IT|
2.5 mg|tab|100|0.42|s
25 mg/mL|vial 2 mL|10|4.90|s|c=ONC
1 g/40 mL|vial 40 mL|1|38.00|v|c=ONC
@sulfasalazine|RHEUM||E|M||
500 mg|tab|100,500|0.12|s
@leflunomide|RHEUM||E|M||
20 mg|tabfc|30|0.45|v
@colchicine|GOUT||E|M||
0.6 mg|tab|100,30|0.28|m
0.6 mg|cap|30,30|0.90|s
@allopurinol|GOUT||E|M||
100 mg|tab|100,1000,100|0.03|m
300 mg|tab|100,500|0.05|s
# antineoplastics
@cyclophosphamide|ONC||E|M|IV|
500 mg|pvial|1|48.00|v
1 g|pvial|1|82.00|v
@cytarabine|ONC||E|M|IV/SC/IT|
20 mg/mL|vial 5 mL|10|6.90|v
100 mg/mL|vial 20 mL|1|42.00|v
@doxorubicin|ONC||E|M|IV|
2 mg/mL|vial 25 mL|1|19.00|v
@vincristine|ONC||E|M|IV|
1 mg/mL|vial 1 mL|1|18.00|v
@cisplatin|ONC||E|M|IV|
1 mg/mL|mdv 50 mL|1|16.00|v
@carboplatin|ONC||E|M|IV|
10 mg/mL|mdv 45 mL|1|38.00|v
10 mg/mL|mdv 15 mL|1|14.50|v
@oxaliplatin|ONC||E|M|IV|
5 mg/mL|vial 20 mL|1|24.00|v
@paclitaxel|ONC||E|M|IV|
6 mg/mL|mdv 50 mL|1|26.00|v
@docetaxel|ONC||E|M|IV|
80 mg/4 mL|vial 4 mL|1|48.00|v
@gemcitabine|ONC||E|M|IV|
1 g|lvial|1|18.00|v
@fluorouracil|ONC||E|M|IV|
50 mg/mL|vial 50 mL|1|9.80|v
@etoposide|ONC||E|M|IV|
20 mg/mL|mdv 5 mL|1,1|6.90|v
@irinotecan|ONC||E|M|IV|
20 mg/mL|vial 5 mL|1|12.00|v
@pemetrexed|ONC||E|M|IV|
500 mg|lvial|1|118.00|v
@bendamustine|ONC||E|M|IV|
100 mg/4 mL|mdv 4 mL|1|1480.00|v
@azacitidine|ONC||E|M|IV/SC|
100 mg|lvial|1|72.00|v
@bortezomib|ONC||E|M|IV/SC|
3.5 mg|lvial|1|315.00|v
@rituximab|ONC||E|M|IV|B
100 mg/10 mL|vial 10 mL|1|845.00|v
500 mg/50 mL|vial 50 mL|1|4220.00|v
@trastuzumab|ONC||E|M|IV|B
150 mg|lvial|1|1590.00|v
@bevacizumab|ONC||E|M|IV|B
100 mg/4 mL|vial 4 mL|1|685.00|v
400 mg/16 mL|vial 16 mL|1|2740.00|v
@pembrolizumab|ONC||E|M|IV|B
100 mg/4 mL|vial 4 mL|1|5830.00|v
@nivolumab|ONC||E|M|IV|B
100 mg/10 mL|vial 10 mL|1|3060.00|v
@BCG live (intravesical)|ONC||E|M|IVES|B
50 mg|lvial|1|292.00|v
@hydroxyurea|ONC||E|M||
500 mg|cap|100|0.62|s
@tamoxifen|ONC||N|M||
20 mg|tab|30|0.24|v
@anastrozole|ONC||N|M||
1 mg|tabfc|30,30|0.12|s
@letrozole|ONC||N|M||
2.5 mg|tabfc|30|0.14|s
@capecitabine|ONC||E|M||
500 mg|tabfc|120|1.90|v
@imatinib|ONC||E|M||
400 mg|tabfc|30|21.00|v
# oncology supportive care
@leucovorin calcium|ONCS||E|M|IV/IM|
350 mg|lvial|1|24.00|v
50 mg|lvial|10|6.80|v
@mesna|ONCS||E|M|IV|
1 g/10 mL|mdv 10 mL|10|12.00|v
@rasburicase|ONCS||E|IM|IV|B
1.5 mg|kit|3|1095.00|v
7.5 mg|kit|1|5480.00|v
@megestrol acetate|ONCS||N|M||
40 mg/mL|suspml 240 mL|240|0.22|v
"""

_EMERGENCY_ANTIDOTES_EYE_EAR = """
# crash cart and emergency
@epinephrine|PRESS||V|A|IV/IM/SC|
0.1 mg/mL|pfs 10 mL|10,10|14.80|m|r=IV
1 mg/mL|amp 1 mL|10,25|3.90|m
1 mg/mL|vial 1 mL|25,25|4.60|m
30 mg/30 mL|mdv 30 mL|1,10|32.00|s|a=EIO
0.3 mg/0.3 mL|autoinj 0.3 mL|2|148.00|s|r=IM a=EM
0.15 mg/0.15 mL|autoinj 0.15 mL|2|148.00|v|r=IM a=E
4 mg/250 mL|bag 250 mL|10|52.00|s|r=IV a=I
@atropine|ACHOL||V|A|IV/IM/SC|
0.1 mg/mL|pfs 10 mL|10,10|11.90|m
0.4 mg/mL|vial 1 mL|25,25|4.10|s
1 mg/mL|vial 1 mL|25|4.90|s
0.05 mg/mL|pfs 5 mL|10|12.50|v|a=EL
1%|ophsol 5 mL|1|58.00|v|c=OPH a=M
@naloxone|ANTIDOTE||V|A|IV/IM/SC|
0.4 mg/mL|vial 1 mL|10,25|9.80|h
0.4 mg/mL|carp 1 mL|10,10|12.40|m
2 mg/2 mL|pfs 2 mL|10,10|19.00|m
0.4 mg/mL|mdv 10 mL|1|62.00|v
4 mg/spray|nasaldev 0.1 mL|2,2|22.50|s
@flumazenil|ANTIDOTE||V|EIO|IV|
0.1 mg/mL|vial 5 mL|10,10|6.90|s
0.1 mg/mL|mdv 10 mL|10|11.20|v
@activated charcoal|ANTIDOTE||V|E||
25 g/120 mL|suspbtl 120 mL|1,1|9.80|s
50 g/240 mL|suspbtl 240 mL|1,1|14.50|s
@pralidoxime chloride|ANTIDOTE||V|E|IV/IM|
1 g|pvial|6|98.00|v
@deferoxamine|ANTIDOTE||E|EI|IV/IM/SC|
500 mg|lvial|4|19.00|v
@dimercaprol|ANTIDOTE||V|E|IM|
100 mg/mL|amp 3 mL|10|520.00|v
@edetate calcium disodium|ANTIDOTE||V|E|IV/IM|
1,000 mg/5 mL|amp 5 mL|6|295.00|v
@fomepizole|ANTIDOTE||V|EI|IV|
1 g/mL|vial 1.5 mL|1|118.00|v
@hydroxocobalamin|ANTIDOTE||V|EI|IV|
5 g|lvial|1|1380.00|v
@sodium nitrite-sodium thiosulfate|ANTIDOTE||V|E|IV|
300 mg/10 mL-12.5 g/50 mL|kit|1|520.00|v
@sodium thiosulfate|ANTIDOTE||V|EI|IV|
12.5 g/50 mL|vial 50 mL|1|310.00|v
@methylene blue|ANTIDOTE||V|EIO|IV|
50 mg/10 mL|amp 10 mL|5|298.00|v
@physostigmine|ANTIDOTE||V|EI|IV/IM|
1 mg/mL|amp 2 mL|25|62.00|v
@phentolamine|ANTIDOTE||E|EIO|IV/IM/INF|
5 mg|lvial|1|64.00|v
# ophthalmic
@erythromycin|OPH||E|LM||
0.5%|ophoint 1 g|50,50,50|1.90|h|a=L
0.5%|ophoint 3.5 g|1,1|8.40|s
@bacitracin-polymyxin B|OPH||E|EM||
500 units-10,000 units/g|ophoint 3.5 g|1|12.50|s
@neomycin-polymyxin B-dexamethasone|OPH||E|M||
3.5 mg-10,000 units-1 mg/mL|ophsusp 5 mL|1|14.80|v
@tobramycin|OPH||E|EM||
0.3%|ophsol 5 mL|1|9.40|s
@tobramycin-dexamethasone|OPH||E|M||
0.3%-0.1%|ophsusp 5 mL|1|48.00|v
@moxifloxacin|OPH||E|EMO||
0.5%|ophsol 3 mL|1|22.00|s
@ciprofloxacin|OPH||E|EM||
0.3%|ophsol 5 mL|1|9.20|s
@ofloxacin|OPH||E|EM||
0.3%|ophsol 5 mL|1|8.90|s
0.3%|otic 5 mL|1|24.00|s|c=OTIC
@polymyxin B-trimethoprim|OPH||E|EM||
10,000 units-1 mg/mL|ophsol 10 mL|1,1|11.50|s
@prednisolone acetate|OPH||E|M||
1%|ophsusp 5 mL|1,1|14.00|s
1%|ophsusp 10 mL|1|22.00|v
@ketorolac|OPH||E|OM||
0.5%|ophsol 5 mL|1|12.00|v
@proparacaine|OPH||E|EOM||
0.5%|ophsol 15 mL|1,1|8.20|m
@tetracaine|OPH||E|EO||
0.5%|ophsol 4 mL|1,1|18.00|s
@fluorescein sodium|DIAG||E|EM||
1 mg|strip|100,100|0.32|m
10%|vial 5 mL|12|14.00|v|r=IV
@fluorescein-benoxinate|OPH||E|EM||
0.25%-0.4%|ophsol 5 mL|1|32.00|s
@tropicamide|OPH||E|OM||
1%|ophsol 15 mL|1|12.50|s
@timolol|OPH||E|M||
0.5%|ophsol 5 mL|1|6.40|v
@latanoprost|OPH||N|M||
0.005%|ophsol 2.5 mL|1,1|7.90|s
@brimonidine|OPH||E|M||
0.2%|ophsol 5 mL|1,1|8.80|v
@carboxymethylcellulose|OPH||N|A||
0.5%|ophsol 15 mL|1,1|2.90|m
@polyvinyl alcohol|OPH||N|A||
1.4%|ophsol 15 mL|1,1|1.60|s
@white petrolatum-mineral oil|OPH||N|A||
56.8%-42.5%|ophoint 3.5 g|1|2.40|m
@cyclosporine|OPH||N|M||
0.05%|ophemul 0.4 mL|60,60|4.60|v
@povidone-iodine|OPH||E|O||
5%|ophsol 30 mL|1|24.00|v
# otic
@ciprofloxacin-dexamethasone|OTIC||N|EM||
0.3%-0.1%|oticsusp 7.5 mL|1|198.00|v
@neomycin-polymyxin B-hydrocortisone|OTIC||N|EM||
3.5 mg-10,000 units-10 mg/mL|oticsusp 10 mL|1,1|32.00|s
@carbamide peroxide|OTIC||N|M||
6.5%|otic 15 mL|1,1|1.60|s
"""

_TOPICAL_OBSTETRIC_MISC = """
# dermatologic and topical
@bacitracin|DERM||N|A||
500 units/g|oint 28 g|1,1|2.40|m
500 units/g|oint 0.9 g|144,144,144|0.14|h
@bacitracin-neomycin-polymyxin B|DERM||N|A||
400 units-3.5 mg-5,000 units/g|oint 15 g|1,1|2.20|s
@mupirocin|DERM||E|A||
2%|oint 22 g|1,1|5.40|m
2%|nasoint 1 g|10|9.80|s
@silver sulfadiazine|DERM||E|EM||
1%|cream 50 g|1,1|6.90|s
1%|cream 400 g|1|24.00|v
@clobetasol propionate|DERM||N|M||
0.05%|cream 30 g|1|14.00|v
@betamethasone dipropionate|DERM||N|M||
0.05%|cream 45 g|1|12.00|v
@white petrolatum|DERM||N|A||
100%|oint 28 g|1,1|0.90|m
@zinc oxide|DERM||N|A||
20%|oint 57 g|1,1|1.80|m
@calamine|DERM||N|M||
8%-8%|lotion 177 mL|1|2.40|s
@camphor-menthol|DERM||N|M||
0.5%-0.5%|lotion 222 mL|1,1|4.80|s
@collagenase|DERM||E|M||B
250 units/g|oint 30 g|1|312.00|s
@sodium hypochlorite|DERM||N|M||
0.125%|topsol 473 mL|1,1|9.50|s
@silver nitrate-potassium nitrate|DERM||N|EM||
75%-25%|stick|100,100|0.38|s
@chlorhexidine gluconate|ANTISEPTIC||E|A||
0.12%|rinse 15 mL|100,100|0.28|h|a=IM
0.12%|solml 473 mL|473,473|0.01|s|r=OR
2%|cloth 2 cloth|48,48,48|1.20|h|N
4%|topsol 118 mL|1,1|2.10|m|N
2%-70%|applic 26 mL|25,25,25|4.90|h|c=ANTISEPTIC a=OIL
2%-70%|applic 3 mL|60,60|1.10|m
@povidone-iodine|ANTISEPTIC||E|A||
10%|topsol 118 mL|1,1|2.40|m
10%|swabstick|50,50|0.28|m
@isopropyl alcohol|ANTISEPTIC||N|A||
70%|swab|200,200,200|0.02|h
@hydrogen peroxide|ANTISEPTIC||N|M||
3%|topsol 473 mL|1|1.20|s
@benzocaine-menthol|DERM||N|L||
20%-0.5%|topspray 56 g|1,1|5.40|m
@hydrocortisone-pramoxine|DERM||N|M||
1%-1%|rectfoam 10 g|1|42.00|v
@phenylephrine-mineral oil-petrolatum|DERM||N|M||
0.25%-14%-74.9%|oint 28 g|1,1|3.80|s|r=RECT
@witch hazel|DERM||N|L||
50%|pad|100,100|0.06|m
# obstetric
@oxytocin|UTER||V|L|IV/IM|
10 units/mL|vial 1 mL|25,25|1.20|h
10 units/mL|mdv 10 mL|25,25|8.60|s
30 units/500 mL|bag 500 mL|24,24,24|22.00|h|r=IV
@methylergonovine|UTER||V|L|IM/IV|
0.2 mg/mL|amp 1 mL|20,20|28.00|m
0.2 mg|tab|28,28|6.90|s
@carboprost tromethamine|UTER||V|L|IM|
250 mcg/mL|amp 1 mL|10|132.00|s
@misoprostol|UTER||E|L||
200 mcg|tab|100,60|0.45|m
100 mcg|tab|100,100|0.38|s
@dinoprostone|UTER||E|L||
10 mg|vinsert|1|348.00|s
0.5 mg/3 g|vgel 3 g|1|312.00|v
@terbutaline|TOCO||E|LE|SC|
1 mg/mL|vial 1 mL|10|9.90|s
2.5 mg|tab|100|1.10|v
# genitourinary
@tamsulosin|URO||N|M||
0.4 mg|cap|100,100,1000|0.04|h
@finasteride|URO||N|M||
5 mg|tabfc|100|0.05|s
@oxybutynin|URO||N|M||
5 mg|tab|100,100|0.06|s
10 mg|taber|100|0.24|v
@bethanechol|URO||N|M||
25 mg|tab|100,100|0.32|s
@phenazopyridine|URO||N|EM||
100 mg|tab|100,100|0.12|s
200 mg|tab|100,500|0.14|s
@mirabegron|URO||N|M||
25 mg|tabfcer|30|16.50|v
@terazosin|URO||N|M||
1 mg|cap|100|0.09|v
@belladonna alkaloids-opium|URO|CII|E|MO||
16.2 mg-60 mg|supp|12|28.00|v
# diagnostics and contrast media
@iohexol|CONTRAST||E|EIO|IV|
300 mg iodine/mL|btl 100 mL|10,10|24.00|m
350 mg iodine/mL|btl 100 mL|10,10|26.00|m
300 mg iodine/mL|btl 50 mL|10,10|14.00|s
@iopamidol|CONTRAST||E|EI|IV|
370 mg iodine/mL|btl 100 mL|10|28.00|s
@iodixanol|CONTRAST||E|I|IV|
320 mg iodine/mL|btl 100 mL|10|48.00|s
@gadobutrol|CONTRAST||E|EM|IV|
1 mmol/mL|vial 10 mL|10|86.00|s
@gadoterate meglumine|CONTRAST||E|EM|IV|
0.5 mmol/mL|vial 15 mL|10|62.00|s
@barium sulfate|CONTRAST||N|EM||
2.1%|suspbtl 450 mL|24,24|6.90|m
@diatrizoate meglumine-diatrizoate sodium|CONTRAST||N|EM||
660 mg-100 mg/mL|solbtl 120 mL|1|24.00|s
@regadenoson|DIAG||E|EM|IV|
0.4 mg/5 mL|pfs 5 mL|1,1|218.00|m
@indocyanine green|DIAG||E|O|IV|
25 mg|lvial|6|98.00|s
@isosulfan blue|DIAG||E|O|SC|
1%|vial 5 mL|6|380.00|v
@sincalide|DIAG||E|M|IV|
5 mcg|lvial|10|295.00|v
"""

_TABLES = (
    _ANALGESIA_ANESTHESIA,
    _NEURO_PSYCH,
    _ANTI_INFECTIVES,
    _BLOOD,
    _CARDIOVASCULAR,
    _GASTROINTESTINAL,
    _ENDOCRINE,
    _RESPIRATORY,
    _FLUIDS_ELECTROLYTES_NUTRITION,
    _IMMUNOLOGY_ONCOLOGY,
    _EMERGENCY_ANTIDOTES_EYE_EAR,
    _TOPICAL_OBSTETRIC_MISC,
)
