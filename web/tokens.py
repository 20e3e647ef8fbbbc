"""Patient access tokens: one new room per visit, the agent dispatched into it."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from livekit import api

from web.settings import WebSettings

ROOM_PREFIX = "clinic-web-"
IDENTITY_PREFIX = "patient-"


class UtcClock(Protocol):
    def __call__(self) -> datetime: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PatientToken:
    url: str
    token: str
    room: str
    identity: str
    expires_at: datetime

    def as_json(self) -> dict[str, str]:
        return {
            "url": self.url,
            "token": self.token,
            "room": self.room,
            "identity": self.identity,
            "expires_at": self.expires_at.isoformat(),
        }


def new_room_name() -> str:
    # Unguessable so that one visitor cannot join another's call.
    return ROOM_PREFIX + secrets.token_hex(8)


def patient_grants(room: str) -> api.VideoGrants:
    """Only what a patient needs: join this one room, publish a microphone and subscribe.
    No data: the page only receives (captions are text streams the agent sends, the agent's
    state is an attribute), so a patient cannot push messages or text into the call. No room
    admin, no listing, no camera or screen."""
    return api.VideoGrants(
        room_join=True,
        room=room,
        can_publish=True,
        can_publish_sources=["microphone"],
        can_subscribe=True,
        can_publish_data=False,  # livekit-api's default is True
        can_update_own_metadata=False,
    )


def mint_patient_token(
    settings: WebSettings,
    *,
    display_name: str = "Patient",
    clock: UtcClock = utc_now,
) -> PatientToken:
    room = new_room_name()
    identity = IDENTITY_PREFIX + secrets.token_hex(6)
    ttl = timedelta(seconds=settings.token_ttl_s)
    dispatch = api.RoomAgentDispatch(
        agent_name=settings.agent_name,
        metadata=json.dumps({"channel": "web"}),
    )
    token = (
        api.AccessToken(settings.livekit_api_key, settings.livekit_api_secret)
        .with_identity(identity)
        .with_name(display_name)
        .with_kind("standard")
        .with_ttl(ttl)
        .with_grants(patient_grants(room))
        .with_room_config(api.RoomConfiguration(agents=[dispatch]))
        .to_jwt()
    )
    return PatientToken(
        url=settings.browser_livekit_url,
        token=token,
        room=room,
        identity=identity,
        expires_at=clock() + ttl,
    )
