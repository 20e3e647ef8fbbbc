"""Debian's chromium driven by Playwright: sign in, see today's bookings, cancel one, open a
call and see its timeline. Screenshots go to var/artifacts/."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from staff_live import CALL_ID, PASSWORD, STAFF, LiveApp
from support.chromium import CHROMIUM, CHROMIUM_ARGS
from support.ci import skip_or_fail

ARTIFACTS = Path("var/artifacts")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        skip_or_fail("Debian chromium is not installed (make sysdeps)")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="staff-chromium-")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", *CHROMIUM_ARGS],
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def test_login_bookings_cancel_and_call_timeline(live: LiveApp, browser: object) -> None:
    from playwright.sync_api import BrowserContext, expect

    assert isinstance(browser, BrowserContext)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the "Cancel?" confirmation
    page.goto(live.base + "/staff/bookings")
    expect(page).to_have_url(live.base + "/staff/login?next=/staff/bookings")
    page.fill("input[name=username]", STAFF)
    page.fill("input[name=password]", PASSWORD[STAFF])
    page.screenshot(path=str(ARTIFACTS / "staff-login.png"))
    page.click("#login-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Bookings")

    if page.url.endswith("/staff/bookings"):  # the seeded day is today on weekdays
        expect(page.locator("h1")).to_contain_text(live.day.strftime("%b %d, %Y"))
    else:
        page.goto(f"{live.base}/staff/bookings?day={live.day}")
    page.goto(f"{live.base}/staff/bookings?day={live.day}")
    row = page.locator(f'li.appt[data-id="{live.ids["Ana Ruiz"]}"]')
    expect(row).to_contain_text("Ana Ruiz")
    expect(page.locator("li.hold").first).to_contain_text("tentative hold")
    page.screenshot(path=str(ARTIFACTS / "staff-bookings.png"), full_page=True)

    row.locator("button[data-action=cancel]").click()
    expect(page.locator(".notice")).to_have_text("Booking cancelled.")
    cancelled = page.locator(f'li.appt[data-id="{live.ids["Ana Ruiz"]}"]')
    expect(cancelled).to_have_class("appt cancelled")
    expect(cancelled.locator(".badge")).to_have_text("cancelled")
    page.screenshot(path=str(ARTIFACTS / "staff-cancelled.png"), full_page=True)

    page.click("nav >> text=Calls")
    page.click(f'tr[data-call="{CALL_ID}"] >> text=Open')
    timeline = page.locator("#timeline svg.timeline")
    expect(timeline).to_be_visible()
    expect(timeline.locator("rect.seg")).to_have_count(6)
    expect(timeline.locator("g.mark-stop")).to_have_count(1)
    expect(timeline.locator("g.mark-pause")).to_have_count(2)
    expect(page.locator(".track[data-track=side]")).to_contain_text("copay")
    expect(page.locator("audio")).to_have_attribute("src", f"/staff/calls/{CALL_ID}/recording")
    page.screenshot(path=str(ARTIFACTS / "staff-call.png"), full_page=True)
    page.close()
