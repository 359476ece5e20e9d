"""The one clock the practice commands read: `STUDYKIT_NOW` (ISO 8601) when it is set, else the system clock.

Times are kept in UTC — aware datetimes in code, epoch seconds in the progress store — and shown as the local
date and time of the machine (its `TZ`). A `STUDYKIT_NOW` without an offset is a local wall-clock time, as a
learner reads it from their clock; `Z` or an offset (`+08:00`) says which zone it is in.
Only the standard library is used, so `studykit list` and `next` stay fast.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

from studykit.errors import StudykitError

ENV = "STUDYKIT_NOW"


class ClockError(StudykitError, ValueError):
    """`STUDYKIT_NOW` is set to something that is not an ISO 8601 date and time."""


def parse(text: str) -> datetime:
    """An ISO 8601 date and time (`2024-05-01T09:30`, `2024-05-01T01:30:00Z`, `2024-05-01 09:30+08:00`,
    `2024-05-01`) as an aware UTC datetime; without an offset it is local time."""
    value = text.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ClockError(f"{ENV}={text!r} is not an ISO 8601 date and time "
                         f"(for example 2024-05-01T09:30, or 2024-05-01T01:30:00Z in UTC)") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a wall-clock time here
    return moment.astimezone(timezone.utc)


def now() -> datetime:
    """The current time as an aware UTC datetime: `STUDYKIT_NOW` when set, else the system clock."""
    text = os.environ.get(ENV, "").strip()
    return parse(text) if text else datetime.now(timezone.utc)


def utc(timestamp: float) -> datetime:
    """Epoch seconds (as the store keeps them) → an aware UTC datetime."""
    return datetime.fromtimestamp(timestamp, timezone.utc)


def local(moment: datetime | float) -> datetime:
    """A moment as the local date and time of this machine."""
    if not isinstance(moment, datetime):
        moment = utc(moment)
    return moment.astimezone()


def local_date(moment: datetime | float) -> date:
    return local(moment).date()


def iso(moment: datetime | float) -> str:
    """UTC ISO 8601 with a `Z`, to the second: `2024-05-01T01:30:00Z` (what --json prints)."""
    if not isinstance(moment, datetime):
        moment = utc(moment)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def stamp(moment: datetime) -> str:
    """A file-name timestamp in UTC that sorts in time order: `20240501T013000Z`."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def days_from_today(day: date, today: date) -> str:
    """`today`, `tomorrow`, `in 5 days`, `yesterday`, `3 days ago`."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"


def day_range(start: date, days: int) -> list[date]:
    return [start + timedelta(days=k) for k in range(days)]
