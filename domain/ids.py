"""Natural keys to aggregate ids.

A natural key (an UAI, an INE, a class code, a login) maps to one uuid5 in Cartable's namespace,
so that creating the same thing twice is a version conflict the store detects, not a duplicate.
"""

from __future__ import annotations

from uuid import UUID, uuid5

CARTABLE_NAMESPACE = UUID("6b1f3c9e-5d4a-4f7e-9a51-0c2b7e8d4a10")


def natural_id(kind: str, key: str) -> UUID:
    """The id of the ``kind`` aggregate whose natural key is ``key`` (unique within one base)."""
    return uuid5(CARTABLE_NAMESPACE, f"{kind}/{key}")
