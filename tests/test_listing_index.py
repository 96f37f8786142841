"""Listing validations answers its filters from an index kept at every write; it must give
the same page, in the same order, as filtering and sorting every record would."""

from __future__ import annotations

import typing

from hypothesis import given, settings
from hypothesis import strategies as st

from verifik_mock.domain.listing import paginate, sort_records
from verifik_mock.domain.validations import list_validations, matches_filters
from verifik_mock.domain.world import WorldBuilder
from verifik_mock.models.enums import BiometricValidationStatus, BiometricValidationType
from verifik_mock.models.queries import BiometricValidationSort, ListBiometricValidationsQuery
from verifik_mock.settings import Settings
from verifik_mock.state.rows import rows_written, tenant_from_rows
from verifik_mock.state.tenant import TenantState

STATUSES = list(BiometricValidationStatus)
FILTERED = ("client", "project", "projectFlow", "status", "type", "identifier", "livenessSession")


def seeded_with_changes(
    seed: int, changes: list[tuple[int, BiometricValidationStatus]]
) -> TenantState:
    """A seeded tenant whose validations then change status, as validate and expiry do."""
    state = WorldBuilder(Settings(seed_validations=40), "index", seed).build()
    ids = list(state.validations)
    for position, new_status in changes:
        changed = state.validations[ids[position % len(ids)]]
        state.put_validation(changed.model_copy(update={"status": new_status}))
    return state


def filter_from(state: TenantState, field: str, pick: int) -> str:
    """A value ``field`` has in one of the tenant's validations (or, for some, none has)."""
    if pick == 0:
        return {"status": "expired", "type": BiometricValidationType.LOGIN.value}.get(
            field, "no-such-value"
        )
    validations = list(state.validations.values())
    value = getattr(validations[pick % len(validations)], field)
    return str(getattr(value, "value", value))


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    changes=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(STATUSES)), max_size=20),
    filters=st.dictionaries(st.sampled_from(FILTERED), st.integers(0, 10_000), max_size=3),
    sort=st.sampled_from(typing.get_args(BiometricValidationSort)),
    page=st.integers(1, 8),
    limit=st.integers(1, 30),
    restored=st.booleans(),
)
def test_the_indexed_listing_equals_filtering_and_sorting_every_record(
    seed: int,
    changes: list[tuple[int, BiometricValidationStatus]],
    filters: dict[str, int],
    sort: str,
    page: int,
    limit: int,
    restored: bool,
) -> None:
    state = seeded_with_changes(seed, changes)
    if restored:  # as an engine gives it back
        state = tenant_from_rows(rows_written(state, whole=True))
    wanted = {f"where_{field}": filter_from(state, field, pick) for field, pick in filters.items()}
    query = ListBiometricValidationsQuery.model_validate(
        {"sort": sort, "page": page, "limit": limit} | wanted
    )

    listed = list_validations(state, query)

    matching = [v for v in state.validations.values() if matches_filters(v, query)]
    expected = paginate(sort_records(matching, sort), page, limit)
    assert [v.id for v in listed.records] == [v.id for v in expected.records]
    assert listed.total == expected.total
