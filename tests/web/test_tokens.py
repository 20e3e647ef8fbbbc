"""Patient tokens carry only the grants a patient needs and dispatch the receptionist."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt
import pytest
from livekit import api

from web.settings import SettingsError, WebSettings
from web.tokens import ROOM_PREFIX, mint_patient_token

SETTINGS = WebSettings(
    livekit_url="ws://127.0.0.1:7880",
    livekit_api_key="testkey",
    livekit_api_secret="test-secret-that-is-long-enough-0123456789",
    token_ttl_s=300,
)


def verify(token: str) -> api.access_token.Claims:
    return api.TokenVerifier(SETTINGS.livekit_api_key, SETTINGS.livekit_api_secret).verify(token)


def test_token_joins_only_its_own_new_room() -> None:
    minted = mint_patient_token(SETTINGS)
    claims = verify(minted.token)
    assert minted.room.startswith(ROOM_PREFIX)
    assert claims.identity == minted.identity
    video = claims.video
    assert video is not None
    assert video.room_join is True
    assert video.room == minted.room
    assert video.can_subscribe is True
    assert video.can_publish is True
    assert video.can_publish_sources == ["microphone"]
    # nothing a patient should not have
    assert not video.room_admin
    assert not video.room_create
    assert not video.room_list
    assert not video.room_record
    assert not video.agent
    assert not video.hidden
    assert not video.can_update_own_metadata
    assert video.can_publish_data is False  # the page only receives captions and state


def test_token_dispatches_the_receptionist() -> None:
    claims = verify(mint_patient_token(SETTINGS).token)
    assert claims.room_config is not None
    agents = list(claims.room_config.agents)
    assert [a.agent_name for a in agents] == ["clinic-receptionist"]


def test_every_visit_gets_a_new_room_and_identity() -> None:
    tokens = [mint_patient_token(SETTINGS) for _ in range(20)]
    assert len({t.room for t in tokens}) == 20
    assert len({t.identity for t in tokens}) == 20


def test_token_is_short_lived() -> None:
    fixed = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    minted = mint_patient_token(SETTINGS, clock=lambda: fixed)
    raw = jwt.decode(minted.token, options={"verify_signature": False})
    assert raw["exp"] - raw["nbf"] == SETTINGS.token_ttl_s
    assert (minted.expires_at - fixed).total_seconds() == SETTINGS.token_ttl_s


def test_token_signed_with_another_secret_is_rejected() -> None:
    minted = mint_patient_token(SETTINGS)
    verifier = api.TokenVerifier(SETTINGS.livekit_api_key, "another-secret-0123456789abcdefghijkl")
    with pytest.raises(jwt.InvalidSignatureError):
        verifier.verify(minted.token)


def test_settings_from_env_reads_and_validates() -> None:
    s = WebSettings.from_env(
        {"LIVEKIT_URL": "https://example.livekit.cloud", "TOKEN_TTL_S": "120", "WEB_PORT": "9000"}
    )
    assert s.browser_livekit_url == "wss://example.livekit.cloud"
    assert s.token_ttl_s == 120
    assert s.port == 9000
    assert s.agent_name == "clinic-receptionist"
    with pytest.raises(SettingsError, match="TOKEN_TTL_S"):
        WebSettings.from_env({"TOKEN_TTL_S": "soon"})
    with pytest.raises(SettingsError, match="LIVEKIT_URL"):
        WebSettings.from_env({"LIVEKIT_URL": "example.com"})
