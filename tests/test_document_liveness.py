"""Document liveness over HTTP: the seeded list, its pages and filters, retrieve, and create."""

from __future__ import annotations

import base64
import struct
import zlib
from statistics import fmean
from typing import Any

import httpx
import pytest

from tests.answers import Json, assert_error, get_answer, load_page_examples
from tests.contract_schema import assert_matches_schema
from verifik_mock.domain.tenancy import client_id_for_token

DOCUMENT_LIVENESS = "/v2/document-liveness"
STATUSES = ["new", "processing", "completed", "failed"]
CHECK_FLAGS = {
    "screenReplay": "validateScreenReplay",
    "printedCopy": "validatePrintedCopy",
    "portraitSubstitution": "validatePortraitSubstitution",
    "digitalManipulation": "validateDigitalManipulation",
}
"""Each check's name in ``validationResults``, and the body flag that enables it."""

PAGE_RECORD: Json = {
    "_id": "document_liveness_123456789",
    "appRegistration": {
        "_id": "app_registration_123456789",
        "fullName": "John Doe",
        "email": "user@example.com",
        "status": "completed",
    },
    "imageSaved": True,
    "imageUrl": "https://cdn.verifik.co/images/document_123456789.jpg",
    "status": "completed",
    "validationResults": {
        "screenReplay": {"passed": True, "score": 0.95},
        "printedCopy": {"passed": True, "score": 0.90},
        "portraitSubstitution": {"passed": True, "score": 0.88},
        "digitalManipulation": {"passed": True, "score": 0.92},
    },
    "riskScore": 0.05,
    "confidence": 0.91,
    "createdAt": "2024-01-15T10:30:00Z",
    "updatedAt": "2024-01-15T10:32:00Z",
    "completedAt": "2024-01-15T10:32:00Z",
}
"""The list page's record, populated, less ``client`` (each tenant is its own client)."""


def png(red: int = 200, green: int = 30, blue: int = 90) -> bytes:
    """A valid one-pixel RGB PNG of the given colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB, no interlace
    scanline = bytes([0, red, green, blue])  # filter type 0, then the pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanline))
        + chunk(b"IEND", b"")
    )


def raw_base64(image: bytes) -> str:
    """``image`` as the raw base64 Verifik takes."""
    return base64.b64encode(image).decode()


def data_uri(image: bytes) -> str:
    """``image`` as a ``data:image/png;base64,`` URI."""
    return f"data:image/png;base64,{raw_base64(image)}"


def create_document_liveness(client: httpx.Client, **body: Any) -> Json:
    """Create a record from ``body`` (a PNG and one check unless it says otherwise)."""
    body = {"image": raw_base64(png()), "validateScreenReplay": True} | body
    response = client.post(DOCUMENT_LIVENESS, json=body)
    assert response.status_code == 200, response.text
    answer: Json = response.json()
    assert_matches_schema(answer, "DocumentLivenessResponse")
    record: Json = answer["data"]
    return record


def list_document_liveness(client: httpx.Client, **params: Any) -> Json:
    """One page of the list endpoint's answer, whole (data, pagination, signature)."""
    return get_answer(client, DOCUMENT_LIVENESS, "DocumentLivenessList", **params)


def all_document_liveness(client: httpx.Client, **params: Any) -> list[Json]:
    """Every record the list answers for ``params``, in one page of the maximum size."""
    body = list_document_liveness(client, limit=100, **params)
    assert body["pagination"]["total"] <= 100
    records: list[Json] = body["data"]
    return records


def retrieve_document_liveness(client: httpx.Client, record_id: str, **params: Any) -> Json:
    """The record ``record_id`` as the retrieve endpoint answers it."""
    path = f"{DOCUMENT_LIVENESS}/{record_id}"
    record: Json = get_answer(client, path, "DocumentLivenessResponse", **params)["data"]
    return record


def ids(records: list[Json]) -> list[str]:
    """The ``_id`` of each record, in order."""
    return [record["_id"] for record in records]


def scores(record: Json) -> dict[str, float]:
    """Each check's score in ``record``."""
    return {name: result["score"] for name, result in record["validationResults"].items()}


# ---- list ---------------------------------------------------------------------------------


def test_seeded_list_has_records_in_every_status(client: httpx.Client) -> None:
    assert {record["status"] for record in all_document_liveness(client)} == set(STATUSES)


def test_list_answers_ten_records_per_page_by_default(client: httpx.Client) -> None:
    for _ in range(3):
        create_document_liveness(client)
    total = len(all_document_liveness(client))
    assert total > 10

    body = list_document_liveness(client)

    assert len(body["data"]) == 10
    assert body["pagination"] == {"page": 1, "limit": 10, "total": total, "pages": 2}


def test_list_takes_up_to_a_hundred_records_per_page(client: httpx.Client) -> None:
    body = list_document_liveness(client, limit=100)

    assert body["pagination"]["limit"] == 100
    assert len(body["data"]) == body["pagination"]["total"]


def test_list_refuses_more_than_a_hundred_records_per_page(client: httpx.Client) -> None:
    response = client.get(DOCUMENT_LIVENESS, params={"limit": 101})

    body = assert_error(response, 400, "INVALID_PARAMETERS")
    assert "limit" in body["error"]


def test_list_page_answers_the_next_records(client: httpx.Client) -> None:
    whole = all_document_liveness(client)

    second = list_document_liveness(client, limit=4, page=2)

    assert ids(second["data"]) == ids(whole[4:8])
    assert second["pagination"]["page"] == 2


def test_list_is_newest_first(client: httpx.Client) -> None:
    created = [record["createdAt"] for record in all_document_liveness(client)]

    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize("status", STATUSES)
def test_status_filter_lists_exactly_the_records_in_that_status(
    client: httpx.Client, status: str
) -> None:
    expected = [record for record in all_document_liveness(client) if record["status"] == status]

    filtered = list_document_liveness(client, limit=100, status=status)

    assert ids(filtered["data"]) == ids(expected)
    assert filtered["pagination"]["total"] == len(expected)


def test_populates_replace_client_and_app_registration_by_objects(
    client: httpx.Client, token: str
) -> None:
    plain = all_document_liveness(client)

    populated = all_document_liveness(client, **{"populates[]": ["client", "appRegistration"]})

    assert any("appRegistration" in record for record in plain)
    for populated_record, plain_record in zip(populated, plain, strict=True):
        assert set(populated_record["client"]) == {"_id", "name", "email"}
        assert populated_record["client"]["_id"] == client_id_for_token(token)
        if "appRegistration" in plain_record:
            registration = populated_record["appRegistration"]
            assert set(registration) == {"_id", "fullName", "email", "status"}
            assert registration["_id"] == plain_record["appRegistration"]


def test_page_example_record_lists_with_the_list_pages_values(client: httpx.Client) -> None:
    load_page_examples(client)

    listed = all_document_liveness(
        client, status="completed", **{"populates[]": ["client", "appRegistration"]}
    )

    record = next(r for r in listed if r["_id"] == PAGE_RECORD["_id"])
    del record["client"]
    assert record == PAGE_RECORD


# ---- retrieve -----------------------------------------------------------------------------


def test_retrieve_answers_the_listed_record(client: httpx.Client) -> None:
    for listed in all_document_liveness(client):
        assert retrieve_document_liveness(client, listed["_id"]) == listed


def test_retrieve_takes_populates(client: httpx.Client) -> None:
    plain = next(r for r in all_document_liveness(client) if "appRegistration" in r)

    record = retrieve_document_liveness(
        client, plain["_id"], **{"populates[]": ["client", "appRegistration"]}
    )

    assert set(record["client"]) == {"_id", "name", "email"}
    assert set(record["appRegistration"]) == {"_id", "fullName", "email", "status"}
    assert record["appRegistration"]["_id"] == plain["appRegistration"]


def test_retrieve_of_an_unknown_id_answers_not_found(client: httpx.Client) -> None:
    response = client.get(f"{DOCUMENT_LIVENESS}/65a5000000000000000000ee")

    assert_error(response, 404, "DOCUMENT_LIVENESS_NOT_FOUND")


# ---- create -------------------------------------------------------------------------------


def test_create_with_raw_base64_and_one_check_runs_only_that_check(client: httpx.Client) -> None:
    record = create_document_liveness(
        client, image=raw_base64(png()), validatePrintedCopy=True, validateScreenReplay=False
    )

    assert record["status"] == "completed"
    assert set(record["validationResults"]) == {"printedCopy"}
    assert record["validationResults"]["printedCopy"]["passed"] is True


def test_create_with_a_data_uri_and_all_checks_runs_all_four(client: httpx.Client) -> None:
    record = create_document_liveness(
        client, image=data_uri(png()), **dict.fromkeys(CHECK_FLAGS.values(), True)
    )

    assert record["status"] == "completed"
    assert set(record["validationResults"]) == set(CHECK_FLAGS)
    assert all(result["passed"] for result in record["validationResults"].values())


@pytest.mark.parametrize("check", list(CHECK_FLAGS))
def test_create_with_a_data_uri_and_one_check_runs_only_that_check(
    client: httpx.Client, check: str
) -> None:
    body = dict.fromkeys(CHECK_FLAGS.values(), False) | {CHECK_FLAGS[check]: True}

    record = create_document_liveness(client, image=data_uri(png()), **body)

    assert record["status"] == "completed"
    assert set(record["validationResults"]) == {check}


def test_create_scores_every_check_between_zero_and_one(client: httpx.Client) -> None:
    record = create_document_liveness(client, **dict.fromkeys(CHECK_FLAGS.values(), True))

    assert all(0 <= score <= 1 for score in scores(record).values())
    assert 0 <= record["riskScore"] <= 1
    assert 0 <= record["confidence"] <= 1


def test_risk_is_one_minus_the_lowest_score_and_confidence_the_mean_score(
    client: httpx.Client,
) -> None:
    record = create_document_liveness(client, **dict.fromkeys(CHECK_FLAGS.values(), True))

    check_scores = list(scores(record).values())
    assert record["riskScore"] == pytest.approx(1 - min(check_scores), abs=0.01)
    assert record["confidence"] == pytest.approx(fmean(check_scores), abs=0.01)


def test_same_image_gets_the_same_scores_twice(client: httpx.Client) -> None:
    body = {"image": raw_base64(png(10, 20, 30))} | dict.fromkeys(CHECK_FLAGS.values(), True)

    first = create_document_liveness(client, **body)
    second = create_document_liveness(client, **body)

    assert first["_id"] != second["_id"]
    assert scores(first) == scores(second)


def test_same_image_scores_the_same_as_raw_base64_and_as_a_data_uri(
    client: httpx.Client,
) -> None:
    flags = dict.fromkeys(CHECK_FLAGS.values(), True)

    raw = create_document_liveness(client, image=raw_base64(png()), **flags)
    uri = create_document_liveness(client, image=data_uri(png()), **flags)

    assert scores(raw) == scores(uri)


def test_save_image_gives_a_saved_image_and_its_url(client: httpx.Client) -> None:
    record = create_document_liveness(client, saveImage=True)

    assert record["imageSaved"] is True
    assert record["imageUrl"].startswith("https://")


def test_without_save_image_no_image_is_saved(client: httpx.Client) -> None:
    record = create_document_liveness(client)

    assert record["imageSaved"] is False
    assert "imageUrl" not in record


@pytest.mark.parametrize("calibration", ["SOFT", "REGULAR", "HARD"])
def test_create_accepts_each_calibration(client: httpx.Client, calibration: str) -> None:
    record = create_document_liveness(
        client,
        **dict.fromkeys(CHECK_FLAGS.values(), True),
        screenReplayCalibration=calibration,
        printedCopyCalibration=calibration,
        portraitSubstitutionCalibration=calibration,
    )

    assert record["status"] == "completed"
    assert set(record["validationResults"]) == set(CHECK_FLAGS)


def test_create_without_any_check_answers_missing_parameter(client: httpx.Client) -> None:
    response = client.post(DOCUMENT_LIVENESS, json={"image": raw_base64(png())})

    assert_error(response, 409, "MISSING_PARAMETER")


def test_created_record_is_listed_first_and_retrievable(client: httpx.Client) -> None:
    created = create_document_liveness(client, saveImage=True)

    assert list_document_liveness(client)["data"][0] == created
    assert retrieve_document_liveness(client, created["_id"]) == created
