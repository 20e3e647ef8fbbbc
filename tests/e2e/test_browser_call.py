"""The patient page in Debian's chromium (Playwright, fake microphone from a WAV file):
start a call, hear the receptionist, and see both sides' captions."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np
import pytest
from e2e_patient import write_wav
from e2e_stack import Stack
from playwright.async_api import BrowserContext, ConsoleMessage, Page, async_playwright, expect
from support.chromium import CHROMIUM, CHROMIUM_ARGS

from agent.speech import synthesize_to_pcm
from scripts.stack import ROOT, web_service
from scripts.supervisor import Supervisor, SupervisorOptions, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]

WAV_RATE = 48000
LEAD_SILENCE_S = 10.0  # let the greeting play before the patient speaks
REPEAT_AFTER_S = 20.0
REQUEST = "Hi, I'd like to book a checkup with Doctor Patel next Tuesday morning."
MEDIA_ARGS = ["--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required"]
# Every state the page shows for the receptionist (#agent-state's data-state, which patient.js
# sets from the agent's lk.agent.state attribute), in order. "thinking" can be too brief to see.
RECORD_AGENT_STATES = """() => {
  const el = document.getElementById('agent-state');
  window.seenAgentStates = [el.dataset.state];
  new MutationObserver(() => window.seenAgentStates.push(el.dataset.state))
    .observe(el, { attributes: true, attributeFilter: ['data-state'] });
}"""
SHOWN_STATES = ("listening", "speaking")


def fake_mic_wav(path: Path) -> Path:
    """What the fake microphone plays once: silence, the request, a pause, the request again,
    silence. The repeat covers a slow start on a busy machine, when the first request can
    overlap the greeting's first seconds (the framework mutes the patient there)."""
    speech = synthesize_to_pcm(REQUEST, "piper", sample_rate=WAV_RATE)
    lead = np.zeros(int(LEAD_SILENCE_S * WAV_RATE), dtype=np.int16)
    gap = np.zeros(int(REPEAT_AFTER_S * WAV_RATE), dtype=np.int16)
    tail = np.zeros(60 * WAV_RATE, dtype=np.int16)
    write_wav(path, np.concatenate([lead, speech, gap, speech, tail]), WAV_RATE)
    return path


def _print_problems(message: ConsoleMessage) -> None:
    if message.type in ("error", "warning"):
        print(f"[browser {message.type}] {message.text[:200]}")


@asynccontextmanager
async def open_browser(
    tmp_path: Path, extra_args: list[str]
) -> AsyncIterator[tuple[BrowserContext, Page]]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian chromium is missing: `make sysdeps` installs it")
    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a new, empty profile
            executable_path=CHROMIUM,
            headless=True,
            args=[*CHROMIUM_ARGS, *MEDIA_ARGS, *extra_args],
            viewport={"width": 420, "height": 860},  # a phone-sized screen
        )
        page = context.pages[0] if context.pages else await context.new_page()
        page.on("console", _print_problems)
        try:
            yield context, page
        finally:
            await context.close()


async def test_patient_page_call_shows_captions(
    stack: Stack, tmp_path: Path, artifacts: Path
) -> None:
    wav = await asyncio.to_thread(fake_mic_wav, artifacts / "browser-patient.wav")
    args = ["--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={wav}%noloop"]
    async with open_browser(tmp_path, args) as (_context, page):
        await page.goto(f"{stack.web_url}/")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Maple Street")
        await page.evaluate(RECORD_AGENT_STATES)
        start = page.get_by_role("button", name="Talk to the clinic")
        await start.click()
        end = page.get_by_role("button", name="End call")
        await expect(end).to_be_visible(timeout=20_000)

        agent_captions = page.locator("#captions li[data-role=agent] .text")
        await expect(agent_captions.first).not_to_be_empty(timeout=90_000)
        await expect(page.locator("#agent-state")).not_to_have_attribute("data-state", "offline")
        patient_caption = page.locator("#captions li[data-role=patient]", has_text="checkup")
        await expect(patient_caption.first).to_be_visible(timeout=90_000)
        # the receptionist answers the request: another caption after the greeting, complete
        answered = page.locator("#captions li[data-role=agent][data-final=true]")
        await expect(answered.nth(1)).to_contain_text("Patel", timeout=90_000)
        await page.screenshot(path=str(artifacts / "browser-call.png"), full_page=True)
        print("agent captions:", await agent_captions.all_inner_texts())
        # by now the receptionist has spoken twice and listened in between
        seen: list[str] = await page.evaluate("window.seenAgentStates")
        print("agent states shown:", seen)
        missing = [state for state in SHOWN_STATES if state not in seen]
        assert not missing, f"the page never showed the receptionist {missing}: {seen}"

        await end.click()
        await expect(page.locator("#status")).to_contain_text("Call ended")
        await expect(start).to_be_visible()


async def test_patient_page_without_microphone_explains(stack: Stack, tmp_path: Path) -> None:
    """No capture device at all: the page says so instead of failing silently."""
    async with open_browser(tmp_path, []) as (_context, page):
        await page.goto(f"{stack.web_url}/")
        await page.get_by_role("button", name="Talk to the clinic").click()
        alert = page.get_by_role("alert")
        await expect(alert).to_be_visible(timeout=15_000)
        await expect(alert).to_contain_text("microphone", ignore_case=True)
        await expect(page.get_by_role("button", name="Talk to the clinic")).to_be_enabled()


async def test_patient_page_when_the_call_server_is_down_explains(
    stack: Stack, tmp_path: Path
) -> None:
    """The web app is up but LiveKit is not: a clear message, and the page can try again."""
    down = dataclasses.replace(stack.config, livekit_port=free_port(), web_port=free_port())
    with Supervisor(SupervisorOptions(log_dir=stack.log_dir, cwd=ROOT)) as supervisor:
        supervisor.start(dataclasses.replace(web_service(down), name="web-livekit-down"))
        args = ["--use-fake-device-for-media-stream"]
        async with open_browser(tmp_path, args) as (_context, page):
            await page.goto(f"{down.web_url}/")
            await page.get_by_role("button", name="Talk to the clinic").click()
            alert = page.get_by_role("alert")
            await expect(alert).to_contain_text("call server", timeout=60_000)
            await expect(page.get_by_role("button", name="Talk to the clinic")).to_be_enabled()
