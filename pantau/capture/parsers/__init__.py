"""The capture parsers, one module per platform, found by the registry's platform name.

Each module has ``PLATFORM``, ``parse(response, owners)`` (a HAR response),
``parse_item(item, owners)`` (a Zeeschuimer item) and ``page_fallback(found, page_url)``
(the owner a page names when nothing else does). ``parse`` and ``parse_item`` return
None for a shape they do not know: it is counted, never fatal.
"""

from __future__ import annotations

from types import ModuleType

from pantau.capture.parsers import facebook, instagram, tiktok, x

PARSERS: dict[str, ModuleType] = {m.PLATFORM: m for m in (instagram, tiktok, x, facebook)}
