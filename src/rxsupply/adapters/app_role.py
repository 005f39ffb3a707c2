"""The PostgreSQL role the application connects as: it may read and insert into the ledger,
the audit trail, the external ids, the ledger's chain and the DSCSA records, and nothing more
there; it keeps the rights it needs on every other table. The tables' owner (who runs the
migrations, ``RXSUPPLY_MIGRATION_DATABASE_URL``) grants them with :func:`grant_app_role`.

Without ownership the role cannot ``ALTER TABLE`` (so no ``DISABLE TRIGGER``), ``TRUNCATE``,
``DROP`` or ``SET session_replication_role`` (a superuser's setting): the append-only triggers
hold against it. Two grants beyond SELECT and INSERT, both still guarded by the tables'
triggers: DELETE on ``external_ref`` (a posting releases the claims of its own commands that
failed, and the trigger refuses any other) and UPDATE of ``dscsa_exception.id`` (``SELECT ...
FOR UPDATE`` needs it, to lock an exception while a step is added; the trigger refuses every
UPDATE). Purging DSCSA records past their six years deletes rows: run it as the owner.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, Engine, inspect, text

from rxsupply.errors import ConfigurationError, InvalidValue

APPEND_ONLY = (
    "movement",
    "audit",
    "external_ref",
    "ledger_chain",
    "dscsa_record",
    "dscsa_document",
    "dscsa_package",
    "dscsa_event",
    "dscsa_chain_anchor",
    "dscsa_verification",
    "dscsa_case",
    "dscsa_case_subject",
    "dscsa_case_step",
    "receipt_scan",
    "dscsa_exception",
    "dscsa_exception_step",
)
"""The tables the application role may only read and insert into."""
_EXTRA = {
    "external_ref": "DELETE",
    "dscsa_exception": "UPDATE (id)",
}
_READ_ONLY = ("alembic_version",)
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def grant_statements(conn: Connection, role: str, *, password: str | None = None) -> list[str]:
    """The statements that create ``role`` (when missing) and grant it what the application
    needs on the current schema, replacing what it was granted before."""
    if not _NAME.fullmatch(role):
        raise InvalidValue("role", "lower-case letters, digits and _, at most 63", role)
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    login = "" if password is None else f" PASSWORD '{password.replace(chr(39), chr(39) * 2)}'"
    out = [f"ALTER ROLE {role} LOGIN{login}" if exists else f"CREATE ROLE {role} LOGIN{login}"]
    out += [
        f'GRANT USAGE ON SCHEMA "{schema}" TO {role}',
        f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {role}',
        f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {role}',
    ]
    for table in sorted(inspect(conn).get_table_names(schema=schema)):
        name = f'"{schema}".{table}'
        if table in APPEND_ONLY:
            out.append(f"GRANT SELECT, INSERT ON {name} TO {role}")
            if table in _EXTRA:
                out.append(f"GRANT {_EXTRA[table]} ON {name} TO {role}")
        elif table in _READ_ONLY:
            out.append(f"GRANT SELECT ON {name} TO {role}")
        else:
            out.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {role}")
    return out


def grant_app_role(engine: Engine, role: str, *, password: str | None = None) -> list[str]:
    """Create or update the application role, as the tables' owner; the statements run
    (the password masked)."""
    if engine.dialect.name != "postgresql":
        raise ConfigurationError(
            "an application role is a PostgreSQL matter: SQLite has no roles (protect the "
            "file instead)"
        )
    with engine.begin() as conn:
        statements = grant_statements(conn, role, password=password)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        for statement in statements:
            cursor.execute(statement)  # no parameters: a % or : in a password stays as is
        cursor.close()
    if password is not None:
        statements[0] = statements[0].split(" PASSWORD ")[0] + " PASSWORD '***'"
    return statements
