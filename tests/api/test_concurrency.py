"""Writers racing on one aggregate: each gets a success or a 409, and no update is ever lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import httpx2
from starlette.testclient import TestClient

from tests.api.conftest import SchoolClient, assert_problem

T = TypeVar("T")

WRITERS = 8


def race(callables: list[Callable[[], T]]) -> list[T]:
    """Run the callables in as many threads, released together."""
    barrier = threading.Barrier(len(callables))

    def run(call: Callable[[], T]) -> T:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(callables)) as pool:
        return list(pool.map(run, callables))


def client_of(school: SchoolClient) -> TestClient:
    """Another client of the same app, as another browser would be."""
    return TestClient(school.client.app)


def test_writers_linking_children_to_one_guardian_lose_no_link(school_on_each_backend: SchoolClient) -> None:
    school = school_on_each_backend
    children = [school.enrol("Martin", f"Enfant{i}") for i in range(WRITERS)]
    guardian = school.register_guardian("Martin")
    url = school.url(f"/guardians/{guardian['id']}/children")

    def link(student_id: str) -> Callable[[], httpx2.Response]:
        client = client_of(school)
        body = {"student_id": student_id, "relationship": "MERE"}
        return lambda: client.post(url, json=body, headers=school.headers)

    responses = race([link(child["id"]) for child in children])

    linked = set()
    for child, response in zip(children, responses, strict=True):
        if response.status_code == 409:
            assert_problem(response, 409, "conflict", [])
        else:
            assert response.status_code == 200, response.text
            linked.add(child["id"])
    assert len(linked) >= WRITERS // 2, "most writers should get through with the bounded retry"
    listed = school.get(f"/guardians/{guardian['id']}").json()["children"]
    assert {c["student_id"] for c in listed} == linked


def test_two_writers_moving_one_student_both_land_in_the_history(school_on_each_backend: SchoolClient) -> None:
    school = school_on_each_backend
    for code in ("3A", "3B", "3C"):
        school.open_class(code)
    students = [school.enrol("Martin", f"Élève{i}", class_code="3A") for i in range(WRITERS // 2)]

    def move(student_id: str, class_code: str) -> Callable[[], httpx2.Response]:
        client = client_of(school)
        url = school.url(f"/students/{student_id}/class")
        return lambda: client.post(url, json={"class_code": class_code}, headers=school.headers)

    calls = [move(s["id"], code) for s in students for code in ("3B", "3C")]
    responses = race(calls)

    for index, student in enumerate(students):
        moved = set()
        for code, response in zip(("3B", "3C"), responses[2 * index : 2 * index + 2], strict=True):
            if response.status_code == 409:
                assert_problem(response, 409, "conflict", [])
            else:
                assert response.status_code == 200, response.text
                moved.add(code)
        record = school.get(f"/students/{student['id']}").json()
        history = [m["class_code"] for m in record["class_history"]]
        assert history[0] == "3A"
        assert sorted(history[1:]) == sorted(moved), "a move that answered 200 is missing from the history"
        assert record["class_code"] == history[-1]
        listed = {s["id"]: s["class_code"] for s in school.items("/students")}
        assert listed[student["id"]] == history[-1]


def test_readers_of_one_session_all_get_their_answer_and_their_journal_line(school: SchoolClient) -> None:
    student = school.enrol("Martin")
    head = school.head()
    url = school.url(f"/students/{student['id']}")

    def read() -> Callable[[], httpx2.Response]:
        client = client_of(school)
        return lambda: client.get(url, headers=school.headers)

    responses = race([read() for _ in range(WRITERS)])

    assert [r.status_code for r in responses] == [200] * WRITERS
    assert len(school.journal(head)) == WRITERS


def test_people_marking_one_register_at_once_lose_no_mark(school_on_each_backend: SchoolClient) -> None:
    school = school_on_each_backend
    school.open_class("3A")
    students = [school.enrol("Martin", f"Élève{i}", class_code="3A")["id"] for i in range(WRITERS)]
    teacher = school.created("/teachers", {"last_name": "Curie", "first_name": "Marie"})
    lesson = {
        "subject_code": "FRANCAIS",
        "class_code": "3A",
        "weekday": 1,
        "start": "08:00",
        "duration": 55,
        "teacher_ids": [teacher["id"]],
        "alternation": "H",
    }
    school.created("/lessons", lesson)
    assert school.post("/registers/generate", {"first": "2026-11-30", "last": "2026-11-30"}).status_code == 200
    [register] = school.items("/registers", {"date": "2026-11-30"})
    url = school.url(f"/registers/{register['id']}/call")

    def mark(student_id: str, status: str) -> Callable[[], httpx2.Response]:
        client = client_of(school)
        body = {"marks": [{"student_id": student_id, "status": status, **({"minutes": 5} if status == "late" else {})}]}
        return lambda: client.post(url, json=body, headers=school.headers)

    statuses = ["absent" if i % 2 else "late" for i in range(WRITERS)]
    responses = race([mark(s, status) for s, status in zip(students, statuses, strict=True)])

    accepted = {s for s, r in zip(students, responses, strict=True) if r.status_code == 200}
    for response in responses:
        if response.status_code != 200:
            assert_problem(response, 409, "conflict", [])
    assert len(accepted) >= WRITERS // 2, "most writers should get through with the bounded retry"
    marks = {s["student_id"]: s["status"] for s in school.get(f"/registers/{register['id']}").json()["students"]}
    expected = {s: status for s, status in zip(students, statuses, strict=True) if s in accepted}
    assert {s: m for s, m in marks.items() if m != "present"} == expected
