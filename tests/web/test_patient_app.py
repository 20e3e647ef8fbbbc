"""The patient side of the web app over HTTP, with a real (temporary) SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from livekit import api
from support.ci import skip_or_fail

from web.app import LIVEKIT_CLIENT_JS, create_app
from web.settings import WebSettings

SETTINGS = WebSettings(
    livekit_url="ws://127.0.0.1:7880",
    livekit_api_key="testkey",
    livekit_api_secret="test-secret-that-is-long-enough-0123456789",
)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = WebSettings(**{**SETTINGS.__dict__, "database_url": f"sqlite:///{tmp_path}/c.db"})
    with TestClient(create_app(settings)) as c:
        yield c


def test_patient_page_is_served_without_third_party_scripts(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Talk to the clinic" in page.text
    assert 'role="log"' in page.text  # captions are announced to screen readers
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    js = client.get("/static/patient.js")
    assert js.status_code == 200
    assert "/static/vendor/livekit-client.esm.mjs" in js.text
    assert "lk.transcription" in js.text


def test_livekit_client_is_served_locally(client: TestClient) -> None:
    if not LIVEKIT_CLIENT_JS.is_file():
        skip_or_fail("needs `make frontend` (npm ci)")
    lib = client.get("/static/vendor/livekit-client.esm.mjs")
    assert lib.status_code == 200
    assert lib.headers["content-type"].startswith("text/javascript")
    assert b"registerTextStreamHandler" in lib.content


def test_token_endpoint_mints_a_patient_token(client: TestClient) -> None:
    first = client.post("/api/token", json={"name": "Ann"})
    second = client.post("/api/token")
    assert first.status_code == second.status_code == 200
    a, b = first.json(), second.json()
    assert a["url"] == "ws://127.0.0.1:7880"
    assert a["room"] != b["room"]
    claims = api.TokenVerifier(SETTINGS.livekit_api_key, SETTINGS.livekit_api_secret).verify(
        a["token"]
    )
    assert claims.name == "Ann"
    assert claims.video is not None and claims.video.room == a["room"]
    assert claims.room_config is not None
    assert claims.room_config.agents[0].agent_name == "clinic-receptionist"


def test_token_endpoint_rejects_bad_input_clearly(client: TestClient) -> None:
    too_long = client.post("/api/token", json={"name": "x" * 500})
    assert too_long.status_code == 422
    assert "name" in too_long.text
    not_json = client.post(
        "/api/token", content=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 422


def test_health_reports_the_booking_service(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"ok": True, "booking": True}
