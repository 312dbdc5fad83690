"""The consoles of the command line: plain text, nothing in a message interpreted.

Messages carry file names, study names and cells from user files; rich's markup
(``[bold]``), emoji codes (``:smile:``) and highlighting are off, so such text prints as it
is and cannot restyle or hide the rest of a message. Lines are not wrapped (soft wrap): a
path in a message stays whole when the output is piped or copied.

Examples
--------
>>> console._markup, console._emoji, console._highlight
(False, False, False)
"""

from __future__ import annotations

from rich.console import Console

__all__ = ["console", "err_console"]

console = Console(markup=False, emoji=False, highlight=False, soft_wrap=True)
err_console = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
