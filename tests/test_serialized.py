"""Answers written from stored record JSON are byte for byte what pydantic would write."""

from __future__ import annotations

from verifik_mock.domain.listing import Page
from verifik_mock.domain.world import WorldBuilder
from verifik_mock.http.envelopes import page_envelope
from verifik_mock.http.serialized import RecordJson
from verifik_mock.models import BiometricValidationList, BiometricValidationResponse, ErrorResponse
from verifik_mock.settings import Settings


def test_envelopes_equal_pydantic_output_first_time_and_from_the_store() -> None:
    state = WorldBuilder(Settings(), "serialized", 7).build()
    records = list(state.validations.values())
    answers = [
        BiometricValidationResponse(data=records[0]),
        page_envelope(BiometricValidationList, Page(records[:5], 1, 5, len(records)), state),
        page_envelope(BiometricValidationList, Page([], 9, 5, len(records)), state),
        ErrorResponse(error="Not found", code="NOT_FOUND"),
    ]
    store = RecordJson(size=3)  # smaller than a page, so some records are made again
    for _ in range(2):
        for answer in answers:
            assert store.envelope(answer) == answer.model_dump_json(exclude_none=True)


def test_a_changed_record_is_written_anew() -> None:
    state = WorldBuilder(Settings(), "serialized", 7).build()
    record = next(iter(state.validations.values()))
    store = RecordJson()
    store.of(record)
    changed = record.model_copy(update={"identifier": "someone.else@example.com"})
    assert "someone.else@example.com" in store.of(changed)
