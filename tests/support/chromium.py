"""How the browser tests start Debian's chromium (Playwright drives it)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"

# A quiet, private browser: no sandbox (root in a container), no GPU, and nothing that reaches
# out to the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
