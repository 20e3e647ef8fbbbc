"""PHI masking for lists and logs: phone numbers and dates of birth."""

from __future__ import annotations

import logging
import re
from datetime import date

_PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?(?:\(?\d{3}\)?[\s.-]?)?\d{3}[\s.-]?\d{4}(?!\d)")
_ISO_DATE = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b")
_US_DATE = re.compile(r"\b[01]?\d/[0-3]?\d/(?:19|20)\d\d\b")


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    return "•••-" + digits[-2:] if len(digits) >= 4 else "•••"


def mask_dob(dob: date | str | None) -> str:
    if dob is None or dob == "":
        return ""
    return "••/••/••••"


def redact(text: str) -> str:
    """Mask anything that looks like a phone number or a date in free text."""
    text = _PHONE.sub("[phone]", text)
    text = _ISO_DATE.sub("[date]", text)
    return _US_DATE.sub("[date]", text)


class PhiFilter(logging.Filter):
    """Rewrites log records so phone numbers and dates never reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_filter(*logger_names: str) -> None:
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PhiFilter) for f in logger.filters):
            logger.addFilter(PhiFilter())
