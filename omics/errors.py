"""The one exception type for user errors, formatted as ``file:line:column: found; expected``.

The command line catches :class:`OmicsInputError`, prints its one-line message and exits
with status 2, without a traceback. Everything else is a bug and keeps its traceback.

Examples
--------
>>> err = OmicsInputError("table.tsv", "'abc' in an intensity column", "a number", line=4, column=3)
>>> str(err)
"table.tsv:4:3: found 'abc' in an intensity column; expected a number"
"""

from __future__ import annotations

import re
from os import PathLike

__all__ = ["OmicsInputError"]


class OmicsInputError(ValueError):
    """A problem with a user's input file or argument.

    Parameters
    ----------
    path
        The file (or argument name) the problem is in.
    found
        What was found.
    expected
        What was expected instead.
    line, column
        1-based position in the file, where it applies.
    """

    def __init__(
        self,
        path: str | PathLike[str],
        found: str,
        expected: str,
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = str(path)
        self.found = found
        self.expected = expected
        self.line = line
        self.column = column
        location = self.path
        if line is not None:
            location += f":{line}"
            if column is not None:
                location += f":{column}"
        super().__init__(_one_line(f"{location}: found {_shortened(found)}; "
                                   f"expected {expected}"))


def _one_line(text: str) -> str:
    r"""Line breaks (e.g. in a library's message quoted in ``found``) become spaces.

    Examples
    --------
    >>> _one_line("invalid YAML (bad character\n  in position 0)")
    'invalid YAML (bad character in position 0)'
    """
    return re.sub(r"\s*[\r\n]+\s*", " ", text)


def _shortened(text: str, limit: int = 200) -> str:
    """Keep a message on one readable line: long values (e.g. a cell of thousands of
    characters) are cut in the middle.

    Examples
    --------
    >>> short = _shortened("a" * 150 + "b" * 150)
    >>> len(short), short[95:102]
    (199, 'aaa … b')
    """
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return f"{text[:half]} … {text[-half:]}"
