"""Users in SQL: :class:`SqlUsers` (accounts, API tokens, web sessions and application
settings) and the statement that finds the users of many tokens at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import among, built, upsert
from rxsupply.domain.users import Role, User
from rxsupply.services.ports import StoredUser


def _users_for_tokens(conn: Connection) -> Any:
    return (
        select(t.app_user, t.api_token.c.token_hash)
        .join(t.api_token, t.api_token.c.user_id == t.app_user.c.id)
        .where(among(conn, t.api_token.c.token_hash, "hashes"), t.api_token.c.revoked.is_(False))
    )


def _user(row: RowMapping) -> User:
    return User(
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        id=row["id"],
    )


class SqlUsers:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _one(self, cond: Any) -> StoredUser | None:
        row = self.conn.execute(select(t.app_user).where(cond)).mappings().first()
        return StoredUser(_user(row), row["password_hash"]) if row else None

    def get(self, username: str) -> StoredUser | None:
        return self._one(t.app_user.c.username == username)

    def get_by_id(self, user_id: int) -> StoredUser | None:
        return self._one(t.app_user.c.id == user_id)

    def all(self) -> list[User]:
        rows = self.conn.execute(select(t.app_user).order_by(t.app_user.c.username))
        return [_user(r) for r in rows.mappings()]

    def add(self, user: User, password_hash: str, now: datetime) -> int:
        return int(
            self.conn.execute(
                insert(t.app_user)
                .values(
                    username=user.username,
                    display_name=user.display_name,
                    role=user.role.value,
                    password_hash=password_hash,
                    active=user.active,
                    created_at=now,
                )
                .returning(t.app_user.c.id)
            ).scalar_one()
        )

    def set_active(self, username: str, active: bool) -> None:
        self.conn.execute(
            update(t.app_user).where(t.app_user.c.username == username).values(active=active)
        )
        if not active:
            self.conn.execute(
                update(t.api_token)
                .where(
                    t.api_token.c.user_id.in_(
                        select(t.app_user.c.id).where(t.app_user.c.username == username)
                    )
                )
                .values(revoked=True)
            )

    def add_token(self, user_id: int, name: str, token_hash: str, now: datetime) -> int:
        return int(
            self.conn.execute(
                insert(t.api_token)
                .values(
                    user_id=user_id, name=name, token_hash=token_hash, created_at=now, revoked=False
                )
                .returning(t.api_token.c.id)
            ).scalar_one()
        )

    def user_for_token(self, token_hash: str) -> User | None:
        return self.users_for_tokens([token_hash]).get(token_hash)

    def users_for_tokens(self, token_hashes: Iterable[str]) -> dict[str, User]:
        stmt = built(self.conn, "users for tokens", _users_for_tokens)
        rows = self.conn.execute(stmt, {"hashes": sorted(set(token_hashes))}).mappings()
        return {row["token_hash"]: _user(row) for row in rows}

    def add_session(self, session_hash: str, user_id: int, now: datetime) -> None:
        self.conn.execute(
            insert(t.app_session).values(
                id=session_hash, user_id=user_id, created_at=now, revoked=False
            )
        )

    def session_active(self, session_hash: str) -> bool:
        revoked = self.conn.execute(
            select(t.app_session.c.revoked).where(t.app_session.c.id == session_hash)
        ).scalar_one_or_none()
        return revoked is False or revoked == 0

    def revoke_session(self, session_hash: str) -> None:
        self.conn.execute(
            update(t.app_session).where(t.app_session.c.id == session_hash).values(revoked=True)
        )

    def setting(self, name: str) -> str | None:
        value = self.conn.execute(
            select(t.app_setting.c.value).where(t.app_setting.c.name == name)
        ).scalar_one_or_none()
        return None if value is None else str(value)

    def put_setting(self, name: str, value: str) -> None:
        self.conn.execute(
            upsert(self.conn, t.app_setting).values(name=name, value=value).on_conflict_do_nothing()
        )
