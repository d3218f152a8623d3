"""``POST /schools/{uai}/imports/{kind}``: national files uploaded as multipart, a report back, nothing on refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import pytest

from domain.session import Session
from tests.api.conftest import SchoolClient, assert_problem, assert_refused_without_writing
from tests.corpus import CORPUS, REPORT_KEYS

ONDE = ("onde-be1d/CSVExtraction-eleves.csv", "onde-be1d/CSVExtraction-responsables.csv")
STS = "sts/sts_emp_0750001A_2026.xml"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


def uploads(*names: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (Path(name).name, (CORPUS / name).read_bytes(), "application/octet-stream")) for name in names]


def send(
    school: SchoolClient,
    kind: str,
    *names: str,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx2.Response:
    return school.client.post(
        school.url(f"/imports/{kind}"),
        files=uploads(*names),
        data=form or {},
        headers=school.headers if headers is None else headers,
    )


def report_of(response: httpx2.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    assert set(report) == REPORT_KEYS
    return report


def test_uploading_the_onde_files_imports_them_and_reports(school: SchoolClient) -> None:
    head = school.head()

    report = report_of(send(school, "onde", *ONDE))

    assert report["kind"] == "onde"
    assert report["dry_run"] is False
    assert [f["name"] for f in report["files"]] == ["CSVExtraction-eleves.csv", "CSVExtraction-responsables.csv"]
    assert report["file_sha256"] == report["files"][0]["sha256"]
    assert len(report["file_sha256"]) == 64
    assert report["rejected"] == []
    assert report["created"] > 247
    assert (report["updated"], report["unchanged"], report["left"]) == (0, 0, 0)
    written = school.events(head)
    attributions = [e for e in written if isinstance(e, Session.ChangesMade)]
    assert report["events"] == len(written) - len(attributions) > 0
    assert sum(len(e.changes) for e in attributions) == report["events"]  # every change has its author
    assert len(school.items("/students", {"limit": "500"})) == 247  # the listing is journaled: one more event

    head = school.head()
    again = report_of(send(school, "onde", *ONDE))
    assert (again["created"], again["events"], again["unchanged"]) == (0, 0, report["created"])
    assert school.head() == head


def test_a_dry_run_reports_the_same_and_writes_nothing(school: SchoolClient) -> None:
    head = school.head()

    report = report_of(send(school, "onde", *ONDE, form={"dry_run": "true"}))

    assert report["dry_run"] is True
    assert report["created"] > 247
    assert report["events"] == 0
    assert school.head() == head


def test_a_file_with_the_wrong_root_is_refused_and_nothing_is_written(school: SchoolClient) -> None:
    # A STS-WEB file given to a SIECLE import; the ONDE students beside it are not imported either.
    problem = assert_refused_without_writing(
        school, lambda: send(school, "siecle", STS, form={"force_uai": "true"}), 422, "file-refused"
    )
    assert "sts_emp_0750001A_2026.xml" in problem["detail"]


def test_a_file_of_another_school_is_refused_without_force_uai(school: SchoolClient) -> None:
    problem = assert_refused_without_writing(school, lambda: send(school, "sts", STS), 422, "file-refused")
    assert "0750001A" in problem["detail"]

    report = report_of(send(school, "sts", STS, form={"force_uai": "true"}))
    assert report["created"] > 0
    assert report["rejected"] == []


def test_an_unknown_kind_is_not_found(school: SchoolClient) -> None:
    assert_refused_without_writing(school, lambda: send(school, "gepi", *ONDE), 404, "not-found")


def test_a_body_that_is_not_multipart_is_a_bad_request(school: SchoolClient) -> None:
    assert_refused_without_writing(
        school, lambda: school.post_raw("/imports/onde", b'{"files": []}'), 400, "malformed-body"
    )


def test_without_a_token_the_upload_is_unauthenticated(school: SchoolClient) -> None:
    # Not even a multipart body: the caller is checked before the body is read.
    response = school.client.post(school.url("/imports/onde"), content=b"not multipart at all")
    assert_problem(response, 401, "unauthenticated")


def test_another_schools_token_is_forbidden(school: SchoolClient, other_school: SchoolClient) -> None:
    assert_refused_without_writing(
        school, lambda: send(school, "onde", *ONDE, headers=other_school.headers), 403, "forbidden"
    )


def test_a_dry_run_that_is_not_a_boolean_is_an_invalid_request(school: SchoolClient) -> None:
    assert_refused_without_writing(
        school, lambda: send(school, "onde", *ONDE, form={"dry_run": "maybe"}), 422, "invalid-request", ["dry_run"]
    )
