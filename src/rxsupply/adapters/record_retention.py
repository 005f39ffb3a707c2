"""The six-year rule in the database: DSCSA rows are never updated, and deleted only once they
are more than six years old (:data:`rxsupply.domain.record_retention.RETENTION_YEARS`).

Migration 0034 applies it to the 0033 tables; a later migration applies it to another
append-only DSCSA table with the same two calls::

    for statement in retention_triggers(dialect, "dscsa_case_step", stamp="recorded_at"):
        op.execute(statement)
    # a child row dated by its parent:
    retention_triggers(dialect, "dscsa_package", parent=("document_id", "dscsa_document",
                                                         "imported_at"))

Each call replaces the table's append-only DELETE guard (SQLite ``<table>_no_delete``; on
PostgreSQL ``<table>_append_only``, recreated for UPDATE only) with ``<table>_retained``, which
refuses a DELETE while the row's own timestamp (``stamp``), or its parent's (``parent``: the
foreign key column, the parent table, the parent's timestamp column), is younger than six years
by the database's own clock, or unknown. UPDATE stays refused. On PostgreSQL the guard is one
function, ``rxsupply_six_year_retention()`` (:data:`PG_RETENTION_FUNCTION`), created by 0034 and
taking the columns as trigger arguments.
"""

from __future__ import annotations

from rxsupply.domain.record_retention import RETENTION_YEARS

REFUSAL = (
    f"DSCSA records are kept {RETENTION_YEARS} years: nothing younger can be deleted, "
    "not even by an admin"
)
PG_RETENTION_FUNCTION = f"""
CREATE OR REPLACE FUNCTION rxsupply_six_year_retention() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    stamp timestamptz;
BEGIN
    IF TG_NARGS = 1 THEN
        stamp := (to_jsonb(OLD) ->> TG_ARGV[0])::timestamptz;
    ELSE
        EXECUTE format('SELECT %I FROM %I WHERE id = $1', TG_ARGV[2], TG_ARGV[1])
            INTO stamp USING (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
    END IF;
    IF stamp IS NULL OR stamp > now() - interval '{RETENTION_YEARS} years' THEN
        RAISE EXCEPTION '%: {REFUSAL}', TG_TABLE_NAME;
    END IF;
    RETURN OLD;
END $$
"""
DROP_PG_RETENTION_FUNCTION = "DROP FUNCTION IF EXISTS rxsupply_six_year_retention()"


def _quoted(value: str) -> str:
    if not value.replace("_", "").isalnum():
        raise ValueError(f"not a plain SQL name: {value!r}")
    return value


def retention_triggers(
    dialect: str,
    table: str,
    *,
    stamp: str | None = None,
    parent: tuple[str, str, str] | None = None,
) -> list[str]:
    """The statements that put ``table`` under the six-year rule (its append-only triggers
    already there): UPDATE refused, DELETE refused for rows younger than six years."""
    if (stamp is None) == (parent is None):
        raise ValueError("give the row's timestamp column or its parent, not both")
    table = _quoted(table)
    names = [_quoted(n) for n in ((stamp,) if stamp is not None else parent or ())]
    if dialect == "postgresql":
        args = ", ".join(f"'{n}'" for n in names)
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rxsupply_append_only()",
            f"CREATE TRIGGER {table}_retained BEFORE DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION rxsupply_six_year_retention({args})",
        ]
    if stamp is not None:
        when = f"OLD.{names[0]}"
    else:
        key, owner, column = names
        when = f"(SELECT {column} FROM {owner} WHERE id = OLD.{key})"
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
        f"CREATE TRIGGER {table}_retained BEFORE DELETE ON {table} "
        f"WHEN COALESCE({when}, '9999') > datetime('now', '-{RETENTION_YEARS} years') "
        f"BEGIN SELECT RAISE(ABORT, '{table}: {REFUSAL}'); END",
    ]


def append_only_again(dialect: str, table: str) -> list[str]:
    """Undo :func:`retention_triggers`: UPDATE and DELETE refused again (as migration 0033)."""
    table = _quoted(table)
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_retained ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rxsupply_append_only()",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {table}_retained",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: record a correcting "
        "entry instead'); END",
    ]


def append_only_triggers(dialect: str, table: str) -> list[str]:
    """UPDATE and DELETE refused on a new table (as migration 0033 does)."""
    table = _quoted(table)
    if dialect == "postgresql":
        return [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rxsupply_append_only()"
        ]
    return [
        f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: record a correcting "
        "entry instead'); END"
        for action in ("UPDATE", "DELETE")
    ]


def drop_append_only_triggers(dialect: str, table: str) -> list[str]:
    """Undo :func:`append_only_triggers` (a migration's downgrade)."""
    table = _quoted(table)
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{action}" for action in ("update", "delete")]


CLAIM_REFUSAL = "external_ref is append-only: an external id once recorded stays recorded"


def claim_triggers(dialect: str) -> list[str]:
    """``external_ref`` refuses UPDATE, and DELETE of any claim but the current transaction's
    own (a posting releases the claims of its commands that failed, so a resend is posted):
    PostgreSQL knows the row's inserting transaction (``xmin``); on SQLite, whose writers are
    serial, a claim not yet chained (above ``ledger_chain.external_ref_high``) is the
    current transaction's."""
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION rxsupply_claim_guard() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP = 'DELETE' AND OLD.xmin::text::bigint = txid_current() % 4294967296 "
            f"THEN RETURN OLD; END IF; RAISE EXCEPTION '{CLAIM_REFUSAL}'; END $$",
            "CREATE TRIGGER external_ref_append_only BEFORE UPDATE OR DELETE ON external_ref "
            "FOR EACH ROW EXECUTE FUNCTION rxsupply_claim_guard()",
        ]
    return [
        "CREATE TRIGGER external_ref_no_update BEFORE UPDATE ON external_ref "
        f"BEGIN SELECT RAISE(ABORT, '{CLAIM_REFUSAL}'); END",
        "CREATE TRIGGER external_ref_no_delete BEFORE DELETE ON external_ref "
        "WHEN OLD.id <= (SELECT coalesce(max(external_ref_high), 0) FROM ledger_chain) "
        f"BEGIN SELECT RAISE(ABORT, '{CLAIM_REFUSAL}'); END",
    ]


def drop_claim_triggers(dialect: str) -> list[str]:
    """Undo :func:`claim_triggers`."""
    if dialect == "postgresql":
        return [
            "DROP TRIGGER IF EXISTS external_ref_append_only ON external_ref",
            "DROP FUNCTION IF EXISTS rxsupply_claim_guard()",
        ]
    return [f"DROP TRIGGER IF EXISTS external_ref_no_{a}" for a in ("update", "delete")]
