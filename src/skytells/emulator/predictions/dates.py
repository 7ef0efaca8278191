"""The ``from``/``to`` bounds of a prediction listing: a day or an ISO 8601 instant, compared in UTC.

A bound is a date (``2026-01-31``: from its first to its last microsecond) or a date-time with an
optional offset (``2026-01-31T10:00:00Z``, ``2026-01-31T12:00+02:00``; none means UTC). Both become
the text form of ``created_at`` in UTC, which sorts in time order.

>>> list_bound("2026-01-31", end=True)
'2026-01-31T23:59:59.999999Z'
>>> list_bound("2026-01-31T12:00:00+02:00", end=False)
'2026-01-31T10:00:00.000000Z'
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(?:([Zz])|([+\- ])(\d{2}):?(\d{2}))?$"
)


def list_bound(raw: str, *, end: bool) -> str:
    """`raw` as a UTC ``created_at`` bound; ValueError when it is neither a date nor a date-time.

    A plain date stands for its whole day: its start for ``from`` (``end=False``), its last
    microsecond for ``to`` (``end=True``). An offset written with a space (a ``+`` that a query string
    decoded as a space) is read as ``+``.
    """
    day = _DATE.match(raw)
    if day:
        start = date(*(int(part) for part in day.groups()))
        moment = datetime.combine(start, time.max if end else time.min, tzinfo=timezone.utc)
        return _created_at_text(moment)
    found = _DATE_TIME.match(raw)
    if not found:
        raise ValueError(raw)
    year, month, day_of_month, hour, minute, second, fraction, zulu, sign, off_h, off_m = found.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    zone = timezone.utc
    if sign is not None and not zulu:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        if offset >= timedelta(hours=24) or int(off_m) >= 60:
            raise ValueError(raw)
        zone = timezone(-offset if sign == "-" else offset)
    moment = datetime(
        int(year), int(month), int(day_of_month), int(hour), int(minute), int(second or 0), micro, zone
    )
    try:
        return _created_at_text(moment.astimezone(timezone.utc))
    except OverflowError:  # an offset that moves year 1 or 9999 out of range
        raise ValueError(raw) from None


def _created_at_text(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (four-digit years even before 1000, so the text sorts)."""
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
