"""Settings from the environment. Only entrypoints read them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from rxsupply.analytics.policy import WardCosts
from rxsupply.domain.counting import CountRules
from rxsupply.domain.form3911 import CompanyFacts
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.sign_in import SignInLimits
from rxsupply.domain.trading_partner import REVERIFY_DAYS, PartnerPolicy
from rxsupply.errors import InvalidValue

DEFAULT_DATABASE_URL = "sqlite:///rxsupply.db"


class Settings(BaseSettings):
    """``RXSUPPLY_DATABASE_URL``: SQLAlchemy URL; a SQLite file in the working directory by
    default, ``postgresql+psycopg://user@host/db`` in production.
    ``RXSUPPLY_MIGRATION_DATABASE_URL``: the URL migrations run with, as the tables' owner
    (``RXSUPPLY_DATABASE_URL`` when unset); set it when the application connects as a role
    that may only insert into the ledger (``rxsupply db grant-app-role``).
    ``RXSUPPLY_TIMEZONE``: the facility's time zone (IANA name) for calendar days.
    ``RXSUPPLY_IMPORT_ERROR_CAP``: how many row errors an import lists before it stops.
    ``RXSUPPLY_USER``: who the command line acts as (``--user`` overrides it).
    ``RXSUPPLY_MAX_QUANTITY``: the most dispense units one movement may carry.
    ``RXSUPPLY_APPROVAL_VALUE`` and ``RXSUPPLY_APPROVAL_UNITS``: above this value (or, for a
    product without a cost, this many units) an adjustment needs a second user.
    ``RXSUPPLY_COUNT_DAYS_A``, ``_B``, ``_C`` and ``RXSUPPLY_COUNT_DAYS_CONTROLLED``: how often
    the count plan counts an item-location of each ABC class, and one of a controlled
    substance (30, 90, 365 and 7 days). ``RXSUPPLY_COUNT_APPROVAL_VALUE`` and
    ``RXSUPPLY_COUNT_APPROVAL_UNITS``: a count line whose variance is worth more (or is more
    units) needs a manager's approval ($100, 20 units).
    ``RXSUPPLY_DEA_REGISTRANT``: the registrant (name and DEA number) the biennial inventory
    names.
    ``RXSUPPLY_REQUIRE_PARTNER_AUTHORIZATION``: refuse receipts from a trading partner with no
    authorization on file (one with an authorization on file is always checked); on by
    default (DSCSA: a dispenser accepts product only from authorized trading partners); set it
    to ``0`` while the partners' licences are being entered.
    ``RXSUPPLY_PARTNER_REVERIFY_DAYS``: how old a partner's verification may be (365 days).
    ``RXSUPPLY_VERIFICATION_ROUTER``: the URL of the verification router service (GS1
    Lightweight Messaging Standard) product identifiers are verified through by default
    (``--router`` overrides it); unset, only the hospital's own records are checked.
    ``RXSUPPLY_VERIFICATION_TIMEOUT``: seconds to wait for the router (10).
    ``RXSUPPLY_COMPANY_ADDRESS``, ``RXSUPPLY_FACILITY_GLN``, ``_FEI``, ``_DUNS``,
    ``RXSUPPLY_CONTACT_PHONE``, ``RXSUPPLY_CONTACT_EMAIL``: what FDA Form 3911 drafts name
    as the company's address, unique facility numbers and contact (blank: marked "to
    complete").
    ``RXSUPPLY_MAX_BODY_BYTES``: the largest request body taken (1 MiB), refused with 413 before
    the caller is authenticated; the file uploads keep their own larger caps (EPCIS documents,
    shortage and alternative files, X12 ship notices and invoices).
    ``RXSUPPLY_SECURE_COOKIES``: mark every cookie ``Secure`` and send
    ``Strict-Transport-Security``; turn it on when the app is reached over HTTPS (off by default,
    so a laptop on http://127.0.0.1 can sign in).
    ``RXSUPPLY_FORWARDED_ALLOW_IPS``: the proxies (comma-separated addresses, or ``*``) whose
    ``X-Forwarded-Proto`` and ``X-Forwarded-For`` ``rxsupply serve`` believes (a proxy on the
    same machine, ``127.0.0.1,::1``, by default).
    ``RXSUPPLY_SIGNIN_USER_FAILURES`` and ``RXSUPPLY_SIGNIN_USER_MINUTES``: this many wrong
    passwords for one user within this many minutes lock the account until an admin unlocks it
    (5 in 15). ``RXSUPPLY_SIGNIN_ADDRESS_FAILURES`` and ``RXSUPPLY_SIGNIN_ADDRESS_MINUTES``:
    this many failed sign-ins from one client address within this many minutes refuse the
    address (429) until the oldest leaves the window (20 in 15).
    ``RXSUPPLY_TOKEN_DAYS``: how many days a new API token works (90; ``--days`` overrides).
    ``RXSUPPLY_POCKET_STOCKOUT_COST`` and ``RXSUPPLY_STOREROOM_STOCKOUT_COST``: what planning
    counts for a day a pocket is empty when asked ($50: a STAT trip, an override, a delayed
    dose) and a day a storeroom or satellite line is out ($150: an emergency order or a
    borrowed dose, while every pocket it refills waits); ``RXSUPPLY_VITAL_STOCKOUT_FACTOR``
    (4) and ``RXSUPPLY_CONTROLLED_STOCKOUT_FACTOR`` (2) multiply them for vital items and
    controlled substances. ``RXSUPPLY_CEILING_DAYS_A``, ``_B``, ``_C``: the most days of
    supply a storeroom's max holds, by ABC class (14, 30, 60)."""

    model_config = SettingsConfigDict(env_prefix="RXSUPPLY_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    migration_database_url: str = ""
    timezone: str = "America/New_York"
    import_error_cap: int = 100
    user: str = ""
    max_quantity: int = 1_000_000
    approval_value: Decimal = Decimal("500")
    approval_units: int = 100
    count_days_a: int = 30
    count_days_b: int = 90
    count_days_c: int = 365
    count_days_controlled: int = 7
    count_approval_value: Decimal = Decimal("100")
    count_approval_units: int = 20
    dea_registrant: str = "Example General Hospital Pharmacy (DEA AB1234563)"
    require_partner_authorization: bool = True
    partner_reverify_days: int = REVERIFY_DAYS
    verification_router: str = ""
    verification_timeout: float = 10.0
    company_address: str = ""  # FDA Form 3911 item 20
    facility_gln: str = ""  # item 22
    facility_fei: str = ""
    facility_duns: str = ""
    contact_phone: str = ""  # item 23
    contact_email: str = ""
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    secure_cookies: bool = False
    forwarded_allow_ips: str = "127.0.0.1,::1"
    signin_user_failures: int = 5
    signin_user_minutes: int = 15
    signin_address_failures: int = 20
    signin_address_minutes: int = 15
    token_days: int = 90
    pocket_stockout_cost: float = Field(default=50.0, ge=0)
    storeroom_stockout_cost: float = Field(default=150.0, ge=0)
    vital_stockout_factor: float = Field(default=4.0, ge=1)
    controlled_stockout_factor: float = Field(default=2.0, ge=1)
    ceiling_days_a: int = Field(default=14, ge=1)
    ceiling_days_b: int = Field(default=30, ge=1)
    ceiling_days_c: int = Field(default=60, ge=1)

    def ward_costs(self) -> WardCosts:
        """What planning counts for running out, and the storeroom's ceilings."""
        return WardCosts(
            pocket_stockout=self.pocket_stockout_cost,
            storeroom_stockout=self.storeroom_stockout_cost,
            vital_factor=self.vital_stockout_factor,
            controlled_factor=self.controlled_stockout_factor,
            ceiling_days={
                "A": self.ceiling_days_a,
                "B": self.ceiling_days_b,
                "C": self.ceiling_days_c,
            },
        )

    def sign_in_limits(self) -> SignInLimits:
        return SignInLimits(
            user_failures=self.signin_user_failures,
            user_window=timedelta(minutes=self.signin_user_minutes),
            address_failures=self.signin_address_failures,
            address_window=timedelta(minutes=self.signin_address_minutes),
        )

    def company_facts(self) -> CompanyFacts:
        return CompanyFacts(
            address=self.company_address,
            gln=self.facility_gln,
            fei=self.facility_fei,
            duns=self.facility_duns,
            phone=self.contact_phone,
            email=self.contact_email,
        )

    def partner_policy(self) -> PartnerPolicy:
        return PartnerPolicy(
            require_on_file=self.require_partner_authorization,
            reverify_days=self.partner_reverify_days,
        )

    def count_rules(self) -> CountRules:
        return CountRules(
            days_a=self.count_days_a,
            days_b=self.count_days_b,
            days_c=self.count_days_c,
            controlled_days=self.count_days_controlled,
            approval_value=self.count_approval_value,
            approval_units=self.count_approval_units,
        )

    def limits(self) -> LedgerLimits:
        return LedgerLimits(
            max_quantity=self.max_quantity,
            approval_value=self.approval_value,
            approval_units=self.approval_units,
        )


def load_settings() -> Settings:
    """The settings, or an error naming the first variable that is wrong and why (the
    environment's ``RXSUPPLY_...`` name, its value and what it must be)."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "RXSUPPLY_" + "_".join(str(part) for part in first["loc"]).upper()
        raise InvalidValue(name, str(first["msg"]).lower(), first.get("input")) from None
