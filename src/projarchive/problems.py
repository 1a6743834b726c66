"""Problems found in records, reported the way a compiler reports errors.

Every check in the package appends :class:`Problem` objects instead of raising on
the first one, so a maintainer sees every mistake in one run, sorted by file and
line: ``projects/x.yml:12:3: error: end: 2009-03-01 is before start 2009-04-01``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NOTHING_BUILT = "nothing was built and the previous site was left as it was."  # the build's ending of a report

# What a report never prints as it is: a line break would split one problem over two lines, and a
# control character (an escape sequence) would reach the terminal. They are shown as escapes.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff"
                          "\ufdd0-\ufdef\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` with every unprintable character shown as an escape (``\\x1b``, ``\\n``, ``\\u202e``)."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file. ``line`` and ``column`` are 1-based; 0 means unknown."""

    path: str
    line: int = 0
    column: int = 0
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return printable(f"{where}: error: {what}")


@dataclass
class Problems:
    """An accumulator of problems, shared by the loader, the schema and the catalogue."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, column: int, field_name: str, message: str) -> None:
        self.items.append(Problem(path, line, column, field_name, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    def report(self, ending: str = NOTHING_BUILT) -> str:
        """All problems, one per line, then a count and ``ending`` — the text a maintainer reads.

        ``ending`` says what the caller did about them: the build's is the default, ``validate``
        and ``new-project`` say their own."""
        lines = [str(p) for p in self.sorted()]
        n = len(lines)
        files = len({p.path for p in self.items})
        lines.append(f"{n} error{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}; {ending}")
        return "\n".join(lines)


class BuildError(Exception):
    """Stops a build; the message is written for the maintainer and shown as it is."""


class ArchiveError(BuildError):
    """Raised when records cannot be turned into a site; carries every problem found."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__(problems.report())
