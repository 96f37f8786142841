"""A seeded world is drawn once per seed and settings, and each new tenant gets its own copy."""

from __future__ import annotations

from verifik_mock.clock import LATEST
from verifik_mock.domain.world import (
    LARGEST_TEMPLATED_WORLD,
    WorldBuilder,
    _template,
    build_tenant,
)
from verifik_mock.settings import Settings
from verifik_mock.state.rows import rows_written


def test_a_copied_tenant_holds_the_world_drawn_for_its_client() -> None:
    settings = Settings(seed_validations=30)
    drawn = WorldBuilder(settings, "world-drawn", 4).build()
    assert rows_written(build_tenant(settings, "world-drawn", 4), whole=True) == rows_written(
        drawn, whole=True
    )


def test_every_record_of_a_copied_tenant_names_its_own_client() -> None:
    build_tenant(Settings(), "world-first", 4)
    tenant = build_tenant(Settings(), "world-second", 4)
    assert tenant.client.id == "world-second"
    for table in tenant.tables().values():
        assert {record.client for record in table.values()} <= {"world-second"}


def test_a_write_to_one_tenant_leaves_another_of_the_same_seed_as_seeded() -> None:
    first, second = (build_tenant(Settings(), client, 4) for client in ("world-a", "world-b"))
    seeded = rows_written(second, whole=True)
    project = next(iter(first.projects.values()))
    first.projects["project_new"] = project.model_copy(update={"id": "project_new"})
    validation = next(iter(first.validations.values()))
    first.put_validation(validation.model_copy(update={"identifier": "new@example.com"}))
    first.pop_due_expiries(LATEST)
    assert rows_written(second, whole=True) == seeded
    assert second.expiries


def test_each_tenant_of_a_seed_draws_from_its_own_random() -> None:
    first, second = (build_tenant(Settings(), client, 4) for client in ("world-c", "world-d"))
    before = second.random.getstate()
    first.random.random()
    assert second.random.getstate() == before


def test_the_settings_that_shape_a_world_give_another_one() -> None:
    default = build_tenant(Settings(), "world-shape", 4)
    fewer = build_tenant(Settings(records_per_status=1), "world-shape", 4)
    other_seed = build_tenant(Settings(), "world-shape", 5)
    assert len(fewer.validations) < len(default.validations)
    assert set(other_seed.validations) != set(default.validations)


def test_a_large_world_is_drawn_for_its_client_and_kept_nowhere_else() -> None:
    settings = Settings(seed_validations=LARGEST_TEMPLATED_WORLD + 1)
    templates_before = _template.cache_info().currsize
    tenant = build_tenant(settings, "world-large", 4)
    assert rows_written(tenant, whole=True) == rows_written(
        WorldBuilder(settings, "world-large", 4).build(), whole=True
    )
    assert _template.cache_info().currsize == templates_before
