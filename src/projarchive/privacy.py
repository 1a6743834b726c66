"""Privacy rules for contact details: pure functions, no HTML and no MkDocs.

* :func:`encode_email` / :func:`spoken_email` — an email address is never written into
  the HTML as it is (no ``mailto:`` with the plain address, no ``name@host`` text), so
  casual harvesters that grep pages for addresses find none. The page carries the
  address base64-encoded in a ``data-email`` attribute, and a readable fallback
  ("jane at example dot org") as text; ``docs/javascripts/contact-email.js`` turns it into
  a normal ``mailto:`` link whose text is the address, for sighted and screen reader users
  alike. Without JavaScript the fallback text is what everyone reads (and hears).
* :func:`details_withheld` — a person's email and phone are not shown on a project that
  finished more than ``personal_details_years`` years before the build date (0: never withheld).
"""

from __future__ import annotations

import base64
import datetime as dt

from .dates import PartialDate


def encode_email(address: str) -> str:
    """The address as base64 of its UTF-8 bytes (no '@' and no dots left for a regex to find)."""
    return base64.b64encode(address.encode("utf-8")).decode("ascii")


def decode_email(encoded: str) -> str:
    return base64.b64decode(encoded.encode("ascii")).decode("utf-8")


def spoken_email(address: str) -> str:
    """``jane.doe@example.org`` → ``jane.doe at example dot org``: readable, not harvestable as is."""
    local, _, domain = address.rpartition("@")
    return f"{local} at {' dot '.join(domain.split('.'))}"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` years earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def details_withheld(end: PartialDate | None, finished: bool, build_date: dt.date, years: int) -> bool:
    """Whether a person's email and phone on a project are withheld under the policy.

    Only finished projects with a known end date qualify: withheld when the project's
    last day is more than ``years`` years before ``build_date``. ``years <= 0`` turns the
    policy off.
    """
    if years <= 0 or not finished or end is None:
        return False
    return end.last_day < years_before(build_date, years)
