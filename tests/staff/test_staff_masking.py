"""PHI masking helpers and the log filter on the console's loggers."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from web.staff.masking import PhiFilter, mask_dob, mask_phone, redact


def test_masks() -> None:
    assert mask_phone("+1 (555) 201-7788") == "•••-88"
    assert mask_phone(None) == "" and mask_phone("12") == "•••"
    assert mask_dob(date(1984, 3, 2)) == "••/••/••••" and mask_dob(None) == ""


def test_redact_free_text() -> None:
    text = redact("caller 555-201-7788 born 1984-03-02 or 3/2/1984, call (555) 867 5309")
    for secret in ("201-7788", "1984-03-02", "3/2/1984", "867 5309"):
        assert secret not in text
    assert redact("booking 98e6137c63d97dd9 at 10:30") == "booking 98e6137c63d97dd9 at 10:30"


def test_filter_rewrites_records(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("web.staff.test-masking")
    logger.addFilter(PhiFilter())
    with caplog.at_level(logging.INFO, logger="web.staff.test-masking"):
        logger.info("login refused for %r", "555-867-5309")
    assert "867-5309" not in caplog.text and "[phone]" in caplog.text
