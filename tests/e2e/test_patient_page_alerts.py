"""The patient page's alerts in chromium, with a stand-in for livekit-client: a receptionist
who joins after the "has not joined" alert takes the alert down, and a microphone that cannot
be published keeps its own message instead of the generic "disconnected" one.

The real client cannot be made to fail this way on cue (a publish refused by the server, an
agent 20 s late), so the page's files are served as they are and only the vendor module is
replaced by a small hand-written one that the test drives. No servers run."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, Route, async_playwright, expect
from support.chromium import CHROMIUM, CHROMIUM_ARGS

from scripts.stack import ROOT

pytestmark = [pytest.mark.browser]

STATIC = ROOT / "web" / "static"
# localhost is a secure context, so the page sees navigator.mediaDevices; every request is
# answered by `serve` below, nothing listens on this port.
ORIGIN = "http://localhost:9"

# Just the parts of livekit-client that patient.js uses. `window.fakeLiveKit` lets the test
# make publishing fail and bring the agent in when it wants.
FAKE_LIVEKIT_CLIENT = """
export const RoomEvent = {
  TrackSubscribed: 'trackSubscribed', TrackUnsubscribed: 'trackUnsubscribed',
  ParticipantConnected: 'participantConnected',
  ParticipantDisconnected: 'participantDisconnected',
  ParticipantAttributesChanged: 'participantAttributesChanged',
  AudioPlaybackStatusChanged: 'audioPlaybackChanged', Reconnecting: 'reconnecting',
  Reconnected: 'reconnected', Disconnected: 'disconnected',
};
export const Track = { Kind: { Audio: 'audio' }, Source: { Microphone: 'microphone' } };
const fake = (window.fakeLiveKit ??= { publishFails: false, room: null });
export async function createLocalAudioTrack() { return { stop() {} }; }
export class Room {
  constructor() {
    this.handlers = new Map();
    this.remoteParticipants = new Map();
    this.canPlaybackAudio = true;
    this.localParticipant = {
      identity: 'patient-test',
      publishTrack: async () => {
        if (fake.publishFails) throw new Error('publishing was refused');
      },
    };
    fake.room = this;
  }
  on(event, fn) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(fn);
    return this;
  }
  emit(event, ...args) { for (const fn of this.handlers.get(event) ?? []) fn(...args); }
  registerTextStreamHandler() {}
  async connect() {}
  async startAudio() {}
  // as the real client does, disconnecting tells the page through RoomEvent.Disconnected
  async disconnect() { this.emit(RoomEvent.Disconnected); }
  agentJoins() {
    const agent = { identity: 'agent-test', isAgent: true,
                    attributes: { 'lk.agent.state': 'listening' } };
    this.remoteParticipants.set(agent.identity, agent);
    this.emit(RoomEvent.ParticipantConnected, agent);
  }
}
"""

TOKEN = {"url": "ws://localhost:9", "token": "t", "room": "clinic-web-test", "identity": "p"}
CONTENT_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}


async def serve(route: Route) -> None:
    path = route.request.url.removeprefix(ORIGIN)
    if path == "/api/token":
        await route.fulfill(json=TOKEN)
    elif path == "/static/vendor/livekit-client.esm.mjs":
        await route.fulfill(body=FAKE_LIVEKIT_CLIENT, content_type="text/javascript")
    else:
        file = STATIC / ("index.html" if path == "/" else path.removeprefix("/static/"))
        if file.parent == STATIC and file.is_file():
            kind = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
            await route.fulfill(body=file.read_bytes(), content_type=kind)
        else:
            await route.fulfill(status=404, body="not found")


@pytest.fixture
async def page(tmp_path: Path) -> AsyncIterator[Page]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian chromium is missing: `make sysdeps` installs it")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page()
            await page.route(f"{ORIGIN}/**", serve)
            yield page
        finally:
            await browser.close()


async def test_late_receptionist_takes_the_not_joined_alert_down(page: Page) -> None:
    await page.clock.install()  # the 20 s wait for the agent passes on the page's own clock
    await page.goto(f"{ORIGIN}/")
    await page.get_by_role("button", name="Talk to the clinic").click()
    await expect(page.locator("#status")).to_contain_text("Waiting for the receptionist")
    alert = page.get_by_role("alert")
    await expect(alert).to_be_hidden()

    await page.clock.run_for(21_000)
    await expect(alert).to_contain_text("has not joined")

    await page.evaluate("window.fakeLiveKit.room.agentJoins()")
    await expect(page.locator("#status")).to_contain_text("receptionist is on the line")
    await expect(page.locator("#agent-state")).to_have_attribute("data-state", "listening")
    await expect(alert).to_be_hidden()


async def test_microphone_publish_failure_keeps_its_own_message(page: Page) -> None:
    await page.add_init_script(f"window.fakeLiveKit = {json.dumps({'publishFails': True})};")
    await page.goto(f"{ORIGIN}/")
    start = page.get_by_role("button", name="Talk to the clinic")
    await start.click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("microphone could not be sent to the call")
    await expect(alert).not_to_contain_text("disconnected")
    await expect(page.locator("#status")).to_have_text("Not connected.")
    await expect(start).to_be_enabled()
    await expect(page.get_by_role("button", name="End call")).to_be_hidden()
