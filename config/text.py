"""What counts as text a person actually wrote.

`str.strip()` removes spaces but not the characters that show nothing: zero-width spaces and
joiners, the byte-order mark, soft hyphens, direction marks, lone combining marks. A narrative
made only of those looks empty on every page, so every "write something" rule asks `is_blank`.
"""

from __future__ import annotations

import unicodedata

# Unicode categories that put nothing visible on the page: controls, format characters (U+200B,
# U+200D, U+FEFF, U+00AD, U+200E…), separators, unassigned and private-use code points, and
# combining marks, which are visible only on top of a letter.
_INVISIBLE = {"Cc", "Cf", "Cn", "Co", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"}


def is_blank(text: str) -> bool:
    """True when `text` shows nothing: empty, spaces, or only invisible characters."""
    return all(unicodedata.category(char) in _INVISIBLE for char in text)
