"""API tokens and sign-in attempts in SQL: the part of :class:`SqlUsers` about credentials
(issued, listed, revoked, expired, last used) and the failures the sign-in limits count."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    and_,
    bindparam,
    case,
    delete,
    insert,
    literal,
    or_,
    select,
    update,
)

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import among, built
from rxsupply.domain.users import Role, User
from rxsupply.services.ports import TokenInfo, TokenUse


def user_of(row: RowMapping) -> User:
    return User(
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        id=row["id"],
        locked_at=row["locked_at"],
    )


def _live(now_param: str = "now") -> Any:
    expires = t.api_token.c.expires_at
    return and_(
        t.api_token.c.revoked.is_(False),
        or_(expires.is_(None), expires > bindparam(now_param, type_=t.UTCDateTime())),
    )


def _users_for_tokens(conn: Connection) -> Any:
    return (
        select(t.app_user, t.api_token.c.token_hash, t.api_token.c.last_used_at)
        .join(t.api_token, t.api_token.c.user_id == t.app_user.c.id)
        .where(among(conn, t.api_token.c.token_hash, "hashes"), _live())
    )


class SqlTokens:
    conn: Connection

    def add_token(
        self,
        user_id: int,
        name: str,
        token_hash: str,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> int:
        return int(
            self.conn.execute(
                insert(t.api_token)
                .values(
                    user_id=user_id,
                    name=name,
                    token_hash=token_hash,
                    created_at=now,
                    revoked=False,
                    expires_at=expires_at,
                )
                .returning(t.api_token.c.id)
            ).scalar_one()
        )

    def token(self, token_id: int) -> TokenInfo | None:
        found = self.tokens(token_id=token_id)
        return found[0] if found else None

    def tokens(self, user_id: int | None = None, *, token_id: int | None = None) -> list[TokenInfo]:
        tok = t.api_token
        stmt = (
            select(tok, t.app_user.c.username)
            .join(t.app_user, t.app_user.c.id == tok.c.user_id)
            .order_by(tok.c.id)
        )
        if user_id is not None:
            stmt = stmt.where(tok.c.user_id == user_id)
        if token_id is not None:
            stmt = stmt.where(tok.c.id == token_id)
        return [
            TokenInfo(
                id=r["id"],
                username=r["username"],
                name=r["name"],
                created_at=r["created_at"],
                expires_at=r["expires_at"],
                last_used_at=r["last_used_at"],
                revoked=bool(r["revoked"]),
                revoked_at=r["revoked_at"],
            )
            for r in self.conn.execute(stmt).mappings()
        ]

    def revoke_token(self, token_id: int, now: datetime) -> None:
        self.conn.execute(
            update(t.api_token)
            .where(t.api_token.c.id == token_id, t.api_token.c.revoked.is_(False))
            .values(revoked=True, revoked_at=now)
        )

    def revoke_tokens(self, user_id: int, now: datetime) -> int:
        done = self.conn.execute(
            update(t.api_token)
            .where(t.api_token.c.user_id == user_id, t.api_token.c.revoked.is_(False))
            .values(revoked=True, revoked_at=now)
        )
        return int(done.rowcount)

    def token_use(self, token_hash: str, now: datetime) -> TokenUse | None:
        stmt = built(self.conn, "users for tokens", _users_for_tokens)
        row = self.conn.execute(stmt, {"hashes": [token_hash], "now": now}).mappings().first()
        return None if row is None else TokenUse(user_of(row), row["last_used_at"])

    def users_for_tokens(self, token_hashes: Iterable[str], now: datetime) -> dict[str, User]:
        stmt = built(self.conn, "users for tokens", _users_for_tokens)
        rows = self.conn.execute(stmt, {"hashes": sorted(set(token_hashes)), "now": now})
        return {row["token_hash"]: user_of(row) for row in rows.mappings()}

    def touch_tokens(
        self, token_hashes: Iterable[str], now: datetime, stale_before: datetime
    ) -> None:
        last = t.api_token.c.last_used_at
        self.conn.execute(
            update(t.api_token)
            .where(
                t.api_token.c.token_hash.in_(sorted(set(token_hashes))),
                or_(last.is_(None), last < stale_before),
            )
            .values(last_used_at=now)
        )

    def record_attempt(
        self, *, username: str, address: str, succeeded: bool, now: datetime, keep_after: datetime
    ) -> None:
        self.conn.execute(delete(t.sign_in_attempt).where(t.sign_in_attempt.c.at < keep_after))
        self.conn.execute(
            insert(t.sign_in_attempt).values(
                at=now, username=username[:64], address=address[:64], succeeded=succeeded
            )
        )

    def failures_from(self, address: str, since: datetime) -> list[datetime]:
        a = t.sign_in_attempt
        rows = self.conn.execute(
            select(a.c.at)
            .where(a.c.address == address[:64], a.c.at > since, a.c.succeeded.is_(False))
            .order_by(a.c.at)
        )
        return [r[0] for r in rows]

    def note_failure(self, user_id: int, now: datetime, window_start: datetime) -> int:
        u = t.app_user
        fresh = or_(u.c.failed_since.is_(None), u.c.failed_since < window_start)
        self.conn.execute(
            update(u)
            .where(u.c.id == user_id)
            .values(  # both read the row as it was (SQL evaluates SET against the old row)
                failed_count=case((fresh, 1), else_=u.c.failed_count + 1),
                failed_since=case((fresh, literal(now, t.UTCDateTime())), else_=u.c.failed_since),
            )
        )
        return int(
            self.conn.execute(select(u.c.failed_count).where(u.c.id == user_id)).scalar_one()
        )

    def lock(self, user_id: int, now: datetime) -> None:
        self.conn.execute(
            update(t.app_user)
            .where(t.app_user.c.id == user_id, t.app_user.c.locked_at.is_(None))
            .values(locked_at=now)
        )

    def clear_failures(self, user_id: int) -> None:
        self.conn.execute(
            update(t.app_user)
            .where(t.app_user.c.id == user_id)
            .values(failed_count=0, failed_since=None, locked_at=None)
        )
