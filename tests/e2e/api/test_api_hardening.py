"""What a security probe found, each fixed: request bodies are capped before anyone is
authenticated (413), errors never echo large input, every response carries the security headers,
``/docs`` loads nothing from outside the app, and cookies are ``Secure`` when told to be."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx
import pytest
from sqlalchemy import Engine
from starlette.types import Receive, Scope, Send
from tests.conftest import load_examples

from rxsupply.domain.users import Role
from rxsupply.entrypoints.app import create_app
from rxsupply.entrypoints.http.security import COOKIE, PUBLIC
from rxsupply.entrypoints.serving import server_config

from .harness import PASSWORD, STOREROOM, Hospital, QuickHasher, open_hospital, problem

MIB = 1024 * 1024
BIG = "A" * 5_000_000
"""A 5 MB value: a scan, a product, a location."""


@pytest.fixture
def site(engine: Engine) -> Iterator[Hospital]:
    load_examples(engine, "items", "locations", "stock")
    with open_hospital(engine, QuickHasher()) as opened:
        yield opened


@pytest.fixture
def roomy(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hospital]:
    """The hospital with a 16 MiB body cap, so a 5 MB value reaches the routes."""
    monkeypatch.setenv("RXSUPPLY_MAX_BODY_BYTES", str(16 * MIB))
    load_examples(engine, "items", "locations", "stock")
    with open_hospital(engine, QuickHasher()) as opened:
        yield opened


def receipt(product: str = "98765-401-02", padding: int = 0) -> bytes:
    body = {
        "location": STOREROOM,
        "product": product,
        "lot": "ON3001A",
        "expiry": "2030-01-31",
        "quantity": 1,
    }
    return json.dumps(body).encode() + b" " * padding  # whitespace: still valid JSON


# --- the body cap ------------------------------------------------------------------------


def test_an_anonymous_json_body_past_the_cap_is_a_413_before_authentication(
    site: Hospital,
) -> None:
    answer = site.api.request(
        "POST",
        "/api/receipts",
        content=receipt(padding=2 * MIB),
        headers={"content-type": "application/json"},
    )

    body = problem(answer, 413)
    assert body["type"].endswith("/body-too-large")
    assert "1,048,576-byte cap" in body["detail"]


def test_a_chunked_body_without_a_length_is_refused_one_chunk_past_the_cap(
    site: Hospital,
) -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(64):  # 64 x 64 KiB = 4 MiB offered
            sent.append(1)
            yield b" " * (64 * 1024)

    answer = site.api.request(
        "POST",
        "/api/receipts",
        token=site.token(Role.ADMIN),
        content=chunks(),  # type: ignore[arg-type]
        headers={"content-type": "application/json"},
    )

    problem(answer, 413)
    assert len(sent) <= 17  # 1 MiB is 16 chunks: the 17th is the one refused


def test_a_form_past_the_cap_is_refused_before_the_sign_in_reads_it(site: Hospital) -> None:
    answer = site.api.request(
        "POST",
        "/login",
        content=b"username=admin&password=" + b"x" * (2 * MIB),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    problem(answer, 413)


def test_the_cap_is_the_setting(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RXSUPPLY_MAX_BODY_BYTES", "4096")
    load_examples(engine, "items", "locations", "stock")
    with open_hospital(engine, QuickHasher()) as site:
        token = site.token(Role.ADMIN)
        headers = {"content-type": "application/json"}
        small = site.api.request(
            "POST", "/api/receipts", token=token, content=receipt(), headers=headers
        )
        large = site.api.request(
            "POST", "/api/receipts", token=token, content=receipt(padding=5000), headers=headers
        )

    assert small.status_code == 201, small.text
    assert "4,096-byte cap" in problem(large, 413)["detail"]


def test_uploads_keep_their_own_larger_caps(site: Hospital) -> None:
    token = site.token(Role.ADMIN)
    epcis = site.api.request(
        "POST",
        "/api/dscsa/documents",
        token=token,
        content=b"<x>" + b" " * (2 * MIB) + b"</x>",
        headers={"content-type": "application/xml"},
    )
    shortages = site.api.request(
        "POST",
        "/api/shortages/import",
        token=token,
        files={"file": ("feed.csv", b"x" * (2 * MIB), "text/csv")},
    )

    assert epcis.status_code == 422, epcis.text  # read, then refused as no EPCIS document
    assert shortages.status_code == 422, shortages.text  # read, then refused as no feed


# --- short errors ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/scan", "/api/receipts/scan"])
def test_a_5_mb_scan_is_named_in_a_short_error(roomy: Hospital, path: str) -> None:
    answer = roomy.api.post(
        path, token=roomy.token(Role.ADMIN), json={"data": BIG, "location": STOREROOM}
    )

    body = problem(answer, 422)
    assert len(answer.content) < 2000
    assert body["detail"].startswith("barcode 'AAAA")
    assert "(5,000,002 characters)" in body["detail"]


def test_a_validation_error_on_a_5_mb_field_never_echoes_it(roomy: Hospital) -> None:
    body = json.loads(receipt())
    body["quantity"] = BIG
    body[BIG] = 1  # an unknown field named by 5 MB

    answer = roomy.api.post("/api/receipts", token=roomy.token(Role.ADMIN), json=body)

    found = problem(answer, 422)
    assert len(answer.content) < 2000
    assert any(e["field"] == "quantity" for e in found["errors"]), found
    assert "input" not in json.dumps(found["errors"])


# --- security headers --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/api/health", "/static/rxsupply.css", "/docs"])
def test_every_response_carries_the_security_headers(site: Hospital, path: str) -> None:
    answer = site.api.get(path, headers={"accept": "text/html"})

    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert "camera=()" in answer.headers["permissions-policy"]
    assert answer.headers["cross-origin-opener-policy"] == "same-origin"
    assert "strict-transport-security" not in answer.headers


def test_a_request_over_https_gets_hsts_without_the_setting(engine: Engine) -> None:
    with open_hospital(engine, QuickHasher()) as site:
        plain = site.api.get("/api/health")
        secure = site.api.get("https://testserver/api/health")

    assert "strict-transport-security" not in plain.headers
    assert secure.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_a_refused_body_carries_the_security_headers_too(site: Hospital) -> None:
    answer = site.api.request(
        "POST", "/api/receipts", content=b"x" * (2 * MIB), headers={"content-type": "text/plain"}
    )

    assert answer.status_code == 413
    assert answer.headers["x-frame-options"] == "DENY"


def test_a_server_error_carries_the_security_headers_too(engine: Engine) -> None:
    load_examples(engine, "items", "locations", "stock")
    app = create_app(engine)

    @app.get("/api/broken-for-the-test", **PUBLIC)
    def broken() -> None:
        raise RuntimeError("a bug")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get("/api/broken-for-the-test")

    answer = anyio.run(call)

    assert answer.status_code == 500
    assert answer.text == "Internal Server Error"
    assert "a bug" not in answer.text
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


# --- /docs -------------------------------------------------------------------------------


def test_the_docs_page_loads_nothing_from_outside_the_app(site: Hospital) -> None:
    page = site.api.get("/docs")

    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    answers = {url: site.api.get(url).status_code for url in assets}

    assert page.status_code == 200
    assert re.findall(r"https?://", page.text) == []
    assert "<script>" not in page.text  # no inline script: the CSP would block it
    assert answers == dict.fromkeys(assets, 200)
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets)
    assert site.api.get("/openapi.json").json()["info"]["title"] == "rxsupply"


# --- cookies -----------------------------------------------------------------------------


def sign_in(site: Hospital) -> tuple[httpx.Response, httpx.Response]:
    """The sign-in form and the answer to it (as the admin, password PASSWORD). The form's
    cookie is sent by hand: the client would keep a ``Secure`` one from plain http."""
    site.token(Role.ADMIN)
    form = site.api.get("/login", headers={"accept": "text/html"})
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token is not None, form.text
    cookie = form.headers["set-cookie"].split(";", 1)[0]
    site.api.cookies.clear()
    answer = site.api.request(
        "POST",
        "/login",
        content=f"username=admin&password={PASSWORD}&login_token={token[1]}".encode(),
        headers={"content-type": "application/x-www-form-urlencoded", "cookie": cookie},
    )
    return form, answer


def session_cookie(answer: httpx.Response) -> str:
    cookies = [c for c in answer.headers.get_list("set-cookie") if c.startswith(COOKIE + "=")]
    assert len(cookies) == 1, answer.headers
    return cookies[0].lower()


def test_without_the_setting_cookies_are_not_secure_on_plain_http(engine: Engine) -> None:
    load_examples(engine, "items", "locations")
    with open_hospital(engine) as site:
        _, answer = sign_in(site)

    cookie = session_cookie(answer)
    assert answer.status_code == 303
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie
    assert "strict-transport-security" not in answer.headers


def test_secure_cookies_mark_every_cookie_secure_and_turn_on_hsts(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RXSUPPLY_SECURE_COOKIES", "1")
    load_examples(engine, "items", "locations")
    with open_hospital(engine) as site:
        form, answer = sign_in(site)

    cookies = answer.headers.get_list("set-cookie") + form.headers.get_list("set-cookie")
    assert answer.status_code == 303
    assert all(re.search(r";\s*secure\b", c.lower()) for c in cookies), cookies
    assert "httponly" in session_cookie(answer) and "samesite=lax" in session_cookie(answer)
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
    assert form.headers["strict-transport-security"].startswith("max-age=31536000")


# --- behind a proxy ----------------------------------------------------------------------


def seen_through(config_ips: str | None, client: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The scheme an app under ``rxsupply serve``'s uvicorn configuration sees for a request
    from ``client`` that says ``X-Forwarded-Proto: https``."""
    if config_ips is not None:
        monkeypatch.setenv("RXSUPPLY_FORWARDED_ALLOW_IPS", config_ips)
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["scheme"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    config = server_config(app)
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(client, 40000))

    async def call() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://rx") as http:
            await http.get("/", headers={"x-forwarded-proto": "https"})

    anyio.run(call)
    return seen[0]


def test_the_server_believes_x_forwarded_proto_from_an_allowed_proxy_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert seen_through(None, "127.0.0.1", monkeypatch) == "https"  # a proxy on the machine
    assert seen_through(None, "10.0.0.5", monkeypatch) == "http"
    assert seen_through("10.0.0.5", "10.0.0.5", monkeypatch) == "https"
    assert seen_through("10.0.0.5", "127.0.0.1", monkeypatch) == "http"


# --- forms -------------------------------------------------------------------------------


def test_a_control_character_in_a_posted_form_is_a_422_naming_the_field(engine: Engine) -> None:
    """A NUL in a page's form reached PostgreSQL, which refuses it in text: a 500."""
    load_examples(engine, "items", "locations")
    with open_hospital(engine, QuickHasher()) as site:
        site.token(Role.ADMIN)
        form = site.api.get("/login", headers={"accept": "text/html"})
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token is not None
        answer = site.api.request(
            "POST",
            "/login",
            content=f"username=ad%00min&password=x&login_token={token[1]}".encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )

    assert answer.status_code == 422, answer.text
    assert "form.username" in answer.text
    assert "U+0000" in answer.text
