"""Validations and sessions are kept as deflated JSON: what is read back is what was stored,
whether it comes from the parsed few, from the bytes, or from a state file."""

from __future__ import annotations

from datetime import UTC, datetime

from verifik_mock.domain.world import WorldBuilder
from verifik_mock.models import BiometricValidation, LivenessSession
from verifik_mock.models.enums import LivenessSessionStatus
from verifik_mock.settings import Settings
from verifik_mock.state.compact_records import CompactRecords
from verifik_mock.state.rows import rows_written, tenant_from_rows
from verifik_mock.state.tenant import TenantState


def seeded() -> TenantState:
    return WorldBuilder(Settings(seed_validations=60), "compact", 3).build()


def test_every_record_reads_back_equal_after_its_parsed_copy_is_dropped() -> None:
    state = seeded()
    validations: CompactRecords[BiometricValidation] = CompactRecords(
        BiometricValidation, kept_parsed=2
    )
    originals = list(state.validations.values())
    for validation in originals:
        validations[validation.id] = validation

    assert [validations[v.id] for v in originals] == originals
    assert list(validations) == [v.id for v in originals]


def test_a_record_written_again_reads_back_as_written() -> None:
    sessions: CompactRecords[LivenessSession] = CompactRecords(LivenessSession, kept_parsed=1)
    first, second = list(seeded().liveness_sessions.values())[:2]
    sessions[first.id] = first
    sessions[second.id] = second
    expired = first.model_copy(update={"status": LivenessSessionStatus.EXPIRED})
    sessions[first.id] = expired

    assert sessions[second.id] == second
    assert sessions[first.id] == expired
    assert len(sessions) == 2
    assert "nobody" not in sessions


def test_instants_are_kept_to_the_millisecond_so_reading_back_is_exact() -> None:
    session = next(iter(seeded().liveness_sessions.values()))
    precise = datetime(2024, 1, 15, 10, 30, 0, 123456, tzinfo=UTC)
    stamped = LivenessSession.model_validate(session.model_dump() | {"expiresAt": precise})
    sessions: CompactRecords[LivenessSession] = CompactRecords(LivenessSession, kept_parsed=1)
    sessions[stamped.id] = stamped
    sessions["other"] = session  # pushes the parsed copy out

    assert stamped.expiresAt == datetime(2024, 1, 15, 10, 30, 0, 123000, tzinfo=UTC)
    assert sessions[stamped.id] == stamped


def test_a_tenant_reads_back_whole_from_its_rows() -> None:
    state = seeded()
    restored = tenant_from_rows(rows_written(state, whole=True))

    assert list(restored.validations.values()) == list(state.validations.values())
    assert restored.liveness_sessions.newest(3) == state.liveness_sessions.newest(3)
