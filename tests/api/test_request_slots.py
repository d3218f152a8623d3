"""Requests run in a few threads, first come first served; logins and other waiting work run beside them."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import httpx2
from starlette.testclient import TestClient

from adapters.settings import Settings
from api.app import create_app
from api.endpoints import request_slots
from tests.api.conftest import SchoolClient


def test_the_default_is_two_requests_per_core() -> None:
    assert Settings().request_threads == 2 * (os.cpu_count() or 1)


def test_a_request_waits_for_a_free_slot_while_a_login_does_not(school: SchoolClient, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, request_threads=1), bases=school.bases)
    with TestClient(app) as client:
        assert client.portal is not None
        slots = client.portal.call(request_slots, 1)
        assert slots.total_tokens == 1
        client.portal.call(slots.acquire_on_behalf_of, "test")  # every request slot is busy
        answers: list[httpx2.Response] = []
        reader = threading.Thread(
            target=lambda: answers.append(client.get(school.url("/classes"), headers=school.headers))
        )
        reader.start()
        reader.join(timeout=0.5)
        assert reader.is_alive() and answers == []  # queued behind the busy slot
        login = {"uai": school.uai, "login": school.credentials.login, "password": school.credentials.password}
        assert client.post("/auth/login", json=login).status_code == 200  # beside the slots
        client.portal.call(slots.release_on_behalf_of, "test")
        reader.join(timeout=10)
        assert [answer.status_code for answer in answers] == [200]
