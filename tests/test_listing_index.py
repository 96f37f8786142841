"""Listing validations by creation slices an index kept at every write; it must give the
same page, in the same order, as filtering and sorting every record would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.domain.listing import paginate, sort_records
from mockserver.domain.validations import list_validations, matches_filters
from mockserver.domain.world import WorldBuilder
from mockserver.models.enums import BiometricValidationStatus
from mockserver.models.queries import ListBiometricValidationsQuery
from mockserver.settings import Settings

STATUSES = list(BiometricValidationStatus)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    changes=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(STATUSES)), max_size=20),
    status=st.none() | st.sampled_from(STATUSES),
    sort=st.sampled_from(["createdAt", "-createdAt"]),
    page=st.integers(1, 8),
    limit=st.integers(1, 30),
)
def test_indexed_page_equals_the_sorted_scan(
    seed: int,
    changes: list[tuple[int, BiometricValidationStatus]],
    status: BiometricValidationStatus | None,
    sort: str,
    page: int,
    limit: int,
) -> None:
    state = WorldBuilder(Settings(seed_validations=40), "index", seed).build()
    ids = list(state.validations)
    for position, new_status in changes:  # status changes after seeding, as validate makes
        changed = state.validations[ids[position % len(ids)]]
        state.put_validation(changed.model_copy(update={"status": new_status}))
    query = ListBiometricValidationsQuery.model_validate(
        {"sort": sort, "page": page, "limit": limit}
        | ({"where_status": status.value} if status else {})
    )

    listed = list_validations(state, query)

    matching = [v for v in state.validations.values() if matches_filters(v, query)]
    expected = paginate(sort_records(matching, sort), page, limit)
    assert [v.id for v in listed.records] == [v.id for v in expected.records]
    assert listed.total == expected.total
