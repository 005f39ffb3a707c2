"""Users in SQL: :class:`SqlUsers` (accounts, API tokens, sign-in attempts, web sessions and
application settings; the credentials part is :class:`SqlTokens`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import upsert
from rxsupply.adapters.repositories.user_tokens import SqlTokens, user_of
from rxsupply.domain import usernames
from rxsupply.domain.users import User
from rxsupply.errors import AlreadyExists
from rxsupply.services.ports import StoredUser


class SqlUsers(SqlTokens):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _one(self, cond: Any) -> StoredUser | None:
        row = self.conn.execute(select(t.app_user).where(cond)).mappings().first()
        return StoredUser(user_of(row), row["password_hash"], row["locked_at"]) if row else None

    def get(self, username: str) -> StoredUser | None:
        """The user of this name, else the one whose key it has (another case, full-width
        forms, look-alike letters)."""
        found = self._one(t.app_user.c.username == username)
        if found is None and username:
            found = self._one(t.app_user.c.username_key == usernames.key(username)[:64])
        return found

    def get_by_id(self, user_id: int) -> StoredUser | None:
        return self._one(t.app_user.c.id == user_id)

    def all(self) -> list[User]:
        rows = self.conn.execute(select(t.app_user).order_by(t.app_user.c.username))
        return [user_of(r) for r in rows.mappings()]

    def locked(self) -> dict[str, datetime]:
        u = t.app_user
        rows = self.conn.execute(
            select(u.c.username, u.c.locked_at).where(u.c.locked_at.isnot(None))
        )
        return {r.username: r.locked_at for r in rows}

    def add(self, user: User, password_hash: str, now: datetime) -> int:
        """A new account, stored with its look-alike key; :class:`AlreadyExists` when its
        name or key was taken meanwhile (the unique indexes decide between concurrent adds)."""
        try:
            return int(
                self.conn.execute(
                    insert(t.app_user)
                    .values(
                        username=user.username,
                        username_key=usernames.key(user.username)[:64],
                        display_name=user.display_name,
                        role=user.role.value,
                        password_hash=password_hash,
                        active=user.active,
                        created_at=now,
                        failed_count=0,
                        password_changed_at=now,
                    )
                    .returning(t.app_user.c.id)
                ).scalar_one()
            )
        except IntegrityError:  # the transaction is spoilt: the unit of work rolls it back
            raise AlreadyExists("username", user.username) from None

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

    def set_password(self, user_id: int, password_hash: str, now: datetime) -> None:
        self.conn.execute(
            update(t.app_user)
            .where(t.app_user.c.id == user_id)
            .values(password_hash=password_hash, password_changed_at=now)
        )

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

    def revoke_sessions(self, user_id: int, *, keep: str | None = None) -> int:
        s = t.app_session
        stmt = update(s).where(s.c.user_id == user_id, s.c.revoked.is_(False))
        if keep is not None:
            stmt = stmt.where(s.c.id != keep)
        return int(self.conn.execute(stmt.values(revoked=True)).rowcount)

    def setting(self, name: str) -> str | None:
        value = self.conn.execute(
            select(t.app_setting.c.value).where(t.app_setting.c.name == name)
        ).scalar_one_or_none()
        return None if value is None else str(value)

    def put_setting(self, name: str, value: str) -> None:
        self.conn.execute(
            upsert(self.conn, t.app_setting).values(name=name, value=value).on_conflict_do_nothing()
        )
