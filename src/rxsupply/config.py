"""Settings from the environment. Only entrypoints read them."""

from __future__ import annotations

from decimal import Decimal

from pydantic_settings import BaseSettings, SettingsConfigDict

from rxsupply.domain.counting import CountRules
from rxsupply.domain.form3911 import CompanyFacts
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.trading_partner import REVERIFY_DAYS, PartnerPolicy

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
    complete")."""

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
    return Settings()
