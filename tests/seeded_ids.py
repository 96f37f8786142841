"""The ids of the default seed's world, which every tenant of a mock started with
``Settings()`` holds (the shared ``server`` fixture's): for requests built before any server
answers, such as parametrized tables and seeded junk, which cannot look them up as a client
does (``tests.answers.seeded_flow``)."""

from __future__ import annotations

from verifik_mock import Settings
from verifik_mock.domain.world import build_tenant

_WORLD = build_tenant(Settings(), "seeded-ids", Settings().seed)

PROJECT_ID = next(iter(_WORLD.projects))
"""The seeded project."""
FLOW_IDS = {flow.type.value: flow.id for flow in _WORLD.project_flows.values()}
"""The seeded project's active flows by type: ``validation``, ``login``, ``onboarding``."""
VALIDATION_ID = next(iter(_WORLD.validations))
"""A seeded validation."""
DOCUMENT_LIVENESS_ID = next(iter(_WORLD.document_liveness))
"""A seeded document-liveness record."""
