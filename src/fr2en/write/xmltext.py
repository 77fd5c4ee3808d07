"""Text and attribute values for fr2en's XML formats (TMX, XLIFF)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 forbids even when escaped: dropped rather than making the file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: str) -> str:
    """``value`` as XML character data."""
    return escape(_NOT_XML.sub("", value))


def attr(value: str) -> str:
    """``value`` as a quoted XML attribute value, quotes included."""
    return quoteattr(_NOT_XML.sub("", value))
