"""Licences by SPDX id, declared once: the schema accepts these ids, pages show the name and link it.

A resource's ``licence`` is an SPDX identifier (https://spdx.org/licenses/). An id not in this
table is an error that names the close ones (a typo must not publish as a bare code that
nobody can read). To allow another licence, add its SPDX id, name and web address here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    id: str
    name: str
    url: str


_TABLE = (
    ("OGL-UK-3.0", "Open Government Licence v3.0",
     "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
    ("OGL-UK-2.0", "Open Government Licence v2.0",
     "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/2/"),
    ("OGL-UK-1.0", "Open Government Licence v1.0",
     "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/1/"),
    ("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    ("CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0 International",
     "https://creativecommons.org/licenses/by-sa/4.0/"),
    ("CC-BY-NC-4.0", "Creative Commons Attribution-NonCommercial 4.0 International",
     "https://creativecommons.org/licenses/by-nc/4.0/"),
    ("CC-BY-NC-SA-4.0", "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
     "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    ("CC-BY-ND-4.0", "Creative Commons Attribution-NoDerivatives 4.0 International",
     "https://creativecommons.org/licenses/by-nd/4.0/"),
    ("CC-BY-NC-ND-4.0", "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
     "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    ("CC-BY-3.0", "Creative Commons Attribution 3.0 Unported", "https://creativecommons.org/licenses/by/3.0/"),
    ("CC-BY-SA-3.0", "Creative Commons Attribution-ShareAlike 3.0 Unported",
     "https://creativecommons.org/licenses/by-sa/3.0/"),
    ("CC-BY-NC-SA-3.0", "Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported",
     "https://creativecommons.org/licenses/by-nc-sa/3.0/"),
    ("CC-BY-NC-ND-3.0", "Creative Commons Attribution-NonCommercial-NoDerivs 3.0 Unported",
     "https://creativecommons.org/licenses/by-nc-nd/3.0/"),
    ("CC0-1.0", "Creative Commons Zero v1.0 Universal (public domain)",
     "https://creativecommons.org/publicdomain/zero/1.0/"),
)

LICENCES: dict[str, Licence] = {i: Licence(i, n, u) for i, n, u in _TABLE}
"""SPDX id -> licence, in the order the maintainer guide lists them."""

ALIASES: dict[str, str] = {"OGL-3.0": "OGL-UK-3.0", "OGL-2.0": "OGL-UK-2.0", "OGL-1.0": "OGL-UK-1.0"}
"""Ids people write for the Open Government Licence that SPDX spells with -UK-."""


def lookup(text: str) -> Licence | None:
    """The licence an id names (any capitals; OGL-3.0 for OGL-UK-3.0), or None."""
    folded = {k.casefold(): v for k, v in LICENCES.items()}
    key = ALIASES.get(text.strip().upper(), text.strip())
    return folded.get(key.casefold())
