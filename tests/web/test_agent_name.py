"""The worker registers under the name that patient tokens and the phone gateway dispatch:
all three read AGENT_NAME through agent/name.py, so renaming the agent cannot strand calls."""

from __future__ import annotations

from livekit import api

from agent.name import DEFAULT_AGENT_NAME
from agent.worker import WorkerSettings, worker_options
from phone.options import GatewayOptions
from web.settings import WebSettings
from web.tokens import mint_patient_token


def dispatched_name(settings: WebSettings) -> str:
    token = mint_patient_token(settings).token
    claims = api.TokenVerifier(settings.livekit_api_key, settings.livekit_api_secret).verify(token)
    assert claims.room_config is not None
    [dispatch] = claims.room_config.agents
    return dispatch.agent_name


def test_worker_and_dispatchers_share_the_default_name() -> None:
    env: dict[str, str] = {}
    assert worker_options(WorkerSettings.from_env(env)).agent_name == DEFAULT_AGENT_NAME
    assert dispatched_name(WebSettings.from_env(env)) == DEFAULT_AGENT_NAME
    assert GatewayOptions.from_env(env).agent_name == DEFAULT_AGENT_NAME


def test_a_renamed_agent_is_registered_and_dispatched_under_the_new_name() -> None:
    env = {"AGENT_NAME": "front-desk"}
    assert worker_options(WorkerSettings.from_env(env)).agent_name == "front-desk"
    assert dispatched_name(WebSettings.from_env(env)) == "front-desk"
    assert GatewayOptions.from_env(env).agent_name == "front-desk"


def test_an_empty_agent_name_means_the_default() -> None:
    # .env.example leaves variables empty; an empty name would register an unnamed worker,
    # which LiveKit dispatches to every room automatically
    env = {"AGENT_NAME": ""}
    assert WorkerSettings.from_env(env).agent_name == DEFAULT_AGENT_NAME
    assert WebSettings.from_env(env).agent_name == DEFAULT_AGENT_NAME
