"""Dates as maintainers write them: a day, a month, or only a year.

Archived material often says "August 2017" or gives only a year; a
:class:`PartialDate` keeps exactly the precision that was written, so nothing is
invented, and still compares and formats correctly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache, total_ordering

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, the month or only the year.

    Dates order by the first day of their period, then the less precise first
    (``2009`` < ``2009-01`` < ``2009-01-01``), so mixed precisions sort together.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    @cached_property  # listings sort thousands of projects by it, again after every save under `serve`
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @cached_property
    def last_day(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def iso(self) -> str:
        """The value as written: ``2009``, ``2009-04`` or ``2009-04-01``."""
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
            if self.day:
                out += f"-{self.day:02d}"
        return out

    def human(self) -> str:
        """``1 April 2009``, ``April 2009`` or ``2009``."""
        if self.day:
            return f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    def __str__(self) -> str:
        return self.iso()


def parse_date(text: str, *, allow_partial: bool) -> PartialDate:
    """Parse ``YYYY-MM-DD`` (or ``YYYY-MM``/``YYYY`` when allowed); ValueError says why."""
    m = _DATE_RE.match(text.strip())
    if not m:
        want = "YYYY-MM-DD, YYYY-MM or YYYY" if allow_partial else "YYYY-MM-DD"
        raise ValueError(f"'{text}' is not a date; write it as {want}, e.g. 2009-04-01")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if year < 1:
        raise ValueError(f"'{text}' has year {m.group(1)}; years start at 0001")
    if not allow_partial and day is None:
        raise ValueError(f"'{text}' needs a day: write it as YYYY-MM-DD, e.g. 2009-04-01")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"'{text}' has month {month}; months run from 01 to 12")
    if day is not None:
        last = calendar.monthrange(year, int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(
                f"'{text}' is not a real date: {MONTHS[int(month) - 1]} {year} has {last} days"
            )
    return PartialDate(year, int(month) if month else None, int(day) if day else None)


@lru_cache(maxsize=65536)  # every listing shows a project's dates: 40,000 cards at 10,000 projects
def date_range(start: PartialDate, end: PartialDate | None) -> str:
    """``1 April 2009 – 31 March 2010``; an open range reads ``from 1 April 2015``."""
    if end is None:
        return f"From {start.human()}"
    if start == end:
        return start.human()
    return f"{start.human()} – {end.human()}"


def build_date(environ: dict[str, str] | None = None) -> dt.date:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError) as e:
            raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from e
    return dt.date.today()
