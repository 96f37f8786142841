"""The tenants a mock keeps: at most ``max_tenants`` in memory, the least recently used
evicted first, and the journal saying so."""

from __future__ import annotations

import httpx

from tests.answers import create_example_validation
from tests.conftest import MockWith
from verifik_mock import Settings
from verifik_mock.domain.tenancy import client_id_for_token


def test_past_max_tenants_the_least_recently_used_is_evicted_and_journaled(
    mock_with: MockWith,
) -> None:
    mock = mock_with(Settings(max_tenants=3, seed=31))

    def tenant(token: str) -> httpx.Client:
        return httpx.Client(base_url=mock.base_url, headers={"Authorization": f"Bearer {token}"})

    with tenant("first") as first, tenant("second") as second, tenant("third") as third:
        created = create_example_validation(first)
        second.get("/v2/projects")
        third.get("/v2/projects")
        first.get("/v2/projects")  # first is now the most recently used; second the least
        with tenant("fourth") as fourth:
            fourth.get("/v2/projects")
        journal = first.get("/__mock__/journal", params={"scope": "all"}).json()["data"]
        assert first.get(f"/v2/biometric-validations/{created['_id']}").status_code == 200
        dashboard = first.get("/__mock__/ui").text

    evictions = [entry for entry in journal if entry["kind"] == "eviction"]
    assert [entry["client"] for entry in evictions] == [client_id_for_token("second")]
    assert "seeded afresh" in evictions[0]["note"]
    assert client_id_for_token("second") not in dashboard


def test_an_evicted_tenant_comes_back_seeded_afresh(mock_with: MockWith) -> None:
    mock = mock_with(Settings(max_tenants=1, seed=32))
    headers = {"Authorization": "Bearer comes-back"}
    with httpx.Client(base_url=mock.base_url, headers=headers) as http:
        created = create_example_validation(http)
        httpx.get(f"{mock.base_url}/v2/projects", headers={"Authorization": "Bearer other"})
        gone = http.get(f"/v2/biometric-validations/{created['_id']}")
    assert gone.status_code == 404
