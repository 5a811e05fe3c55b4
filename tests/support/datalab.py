"""The data lab tests' shared values: a working day to decide on and a filled application."""
from __future__ import annotations

from datetime import date, datetime

from forum.db import HK

# A Monday in the shipped holiday list's range, not a holiday.
APPROVAL_DAY = datetime(2026, 11, 30, 10, 0, tzinfo=HK)


VALUES = {"title": "Falls after discharge", "lay_summary": "Which patients fall at home after discharge.",
          "purpose": "Train a risk model.", "commercial_interest": "A product for wards.",
          "data_domains": ["demographics", "attendances", "diagnoses"], "ethics_status": "approved",
          "ethics_reference": "HKSTP-CREC-2026-014", "preferred_dates": "Early December"}


def day(d: int, month: int = 12) -> date:
    return date(2026, month, d)
