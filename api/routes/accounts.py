"""Routes of the accounts issue (being written)."""

from __future__ import annotations

from api.endpoints import Endpoint

endpoints: list[Endpoint] = []
