"""The pytest plugin, used the way a user's suite would: each test writes a test module,
runs pytest on it in a subprocess, and reads the outcome and the output."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.ports import free_port
from verifik_mock import Settings, create_app
from verifik_mock.server import serve_in_thread
from verifik_mock.testing import tenant_token_for

pytest_plugins = ["pytester"]

FACE_PASS = Path(__file__).parents[1] / "fixtures" / "images" / "face-pass.png"
VALIDATIONS = "/v2/biometric-validations"
MARKER_ARGUMENTS = (
    "seed, liveness_score, search_score, fault, latency_ms, fixture, wire, page_examples"
)
RunPytest = Callable[..., pytest.RunResult]


@pytest.fixture(autouse=True)
def face_image(pytester: pytest.Pytester) -> None:
    """``face-pass.png`` beside the generated modules, as a user's suite keeps its samples."""
    shutil.copy(FACE_PASS, pytester.path / "face-pass.png")


@pytest.fixture
def run_pytest(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> RunPytest:
    """Run pytest in a subprocess with the plugin loaded by its entry point's name, ``verifik``,
    and no other installed plugin: hypothesis and schemathesis, there for other tests, would
    cost two seconds of imports a run. Pass ``-p xdist`` to have xdist too."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_subprocess("-p", "verifik", *args)

    return run


def printed(result: pytest.RunResult, name: str) -> list[str]:
    """The values generated tests printed as ``<name> <value>`` (the run needs ``-s``)."""
    return re.findall(rf"\b{name} (\S+)", result.stdout.str())


def printed_project(result: pytest.RunResult) -> str:
    """The seeded project id the one generated test printed."""
    result.assert_outcomes(passed=1)
    [project] = printed(result, "project")
    return project


# ---- the fixtures


def test_verifik_creates_and_validates_a_face_over_loopback_http(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_over_http="""
        import re
        from pathlib import Path

        import httpx

        FACE = Path(__file__).with_name("face-pass.png").read_bytes()


        def test_a_face_passes_validate(verifik):
            assert re.fullmatch(r"http://127\\.0\\.0\\.1:\\d+", verifik.base_url)
            created = verifik.create_biometric_validation("ana@example.com")
            answer = verifik.validate(created["token"], FACE)
            assert answer.status_code == 200, answer.text


        def test_the_token_works_with_plain_httpx(verifik):
            headers = {"Authorization": f"Bearer {verifik.token}"}
            answer = httpx.get(f"{verifik.base_url}/v2/project-flows", headers=headers)
            assert verifik.project in {flow["project"] for flow in answer.json()["data"]}


        def test_verifik_server_serves_the_contract(verifik_server):
            answer = httpx.get(f"{verifik_server}/openapi.json")
            assert answer.json()["info"]["title"]
        """
    )

    result = run_pytest()

    result.assert_outcomes(passed=3)


def test_verifik_in_process_validates_a_face_without_a_socket(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_in_process="""
        from pathlib import Path

        import httpx

        FACE = Path(__file__).with_name("face-pass.png").read_bytes()


        def test_a_face_passes_validate(verifik_in_process):
            # No host answers at this URL: the answers come through the in-process transport.
            assert verifik_in_process.base_url == "http://verifik-mock.in-process"
            created = verifik_in_process.create_biometric_validation("ana@example.com")
            answer = verifik_in_process.validate(created["token"], FACE)
            assert answer.status_code == 200, answer.text


        def test_a_client_on_verifik_transport_reaches_the_mock(verifik_transport):
            headers = {"Authorization": "Bearer my-team-token"}
            with httpx.Client(transport=verifik_transport, base_url="http://mock") as http:
                answer = http.get("/v2/projects", headers=headers)
            assert answer.status_code == 200, answer.text
            assert answer.json()["data"]
        """
    )

    result = run_pytest()

    result.assert_outcomes(passed=2)


def test_a_marked_test_meets_the_observed_wire_and_the_others_the_sessions(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_wire="""
        import pytest


        @pytest.mark.verifik(wire="observed")
        def test_lists_come_as_docs_and_refusals_as_code_and_message(verifik):
            page = verifik.http.get("/v2/biometric-validations", params={"perPage": 2}).json()
            assert len(page["data"]["docs"]) == 2
            missing = verifik.http.get("/v2/biometric-validations/" + "0" * 24).json()
            assert missing == {"code": "NotFound", "message": "Record not found."}


        def test_an_unmarked_test_meets_the_pages_wire(verifik):
            assert verifik.http.get("/v2/biometric-validations").json()["success"] is True
        """
    )

    run_pytest().assert_outcomes(passed=2)


def test_verifik_wire_observed_answers_every_test_as_observed(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_wire_option="""
        def test_an_operation_answers_data_signature_and_id(verifik_in_process):
            created = verifik_in_process.http.post("/v2/projects", json={"name": "p"}).json()
            assert set(created) == {"data", "signature", "id"}
        """
    )

    run_pytest("--verifik-wire", "observed").assert_outcomes(passed=1)


# ---- isolation


def test_tests_never_see_each_others_records(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_isolation="""
        def total(verifik, identifier):
            params = {"where_identifier": identifier}
            return verifik.http.get("/v2/biometric-validations", params=params).json()[
                "pagination"
            ]["total"]


        def test_one_creates_two(verifik):
            print("client", verifik.client_id)
            for _ in range(2):
                verifik.create_biometric_validation("isolation@example.com")
            assert total(verifik, "isolation@example.com") == 2


        def test_another_creates_one(verifik):
            print("client", verifik.client_id)
            verifik.create_biometric_validation("isolation@example.com")
            assert total(verifik, "isolation@example.com") == 1
        """
    )

    result = run_pytest("-s")

    result.assert_outcomes(passed=2)
    first, second = printed(result, "client")
    assert first != second


def test_a_test_run_again_in_the_same_session_starts_fresh(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_rerun="""
        def test_creates_what_it_has_not_seen(verifik):
            params = {"where_identifier": "rerun@example.com"}
            listed = verifik.http.get("/v2/biometric-validations", params=params).json()
            assert listed["pagination"]["total"] == 0
            verifik.create_biometric_validation("rerun@example.com")
            verifik.inject_fault("503")
        """
    )

    result = run_pytest("--keep-duplicates", "test_rerun.py", "test_rerun.py")

    result.assert_outcomes(passed=2)


def test_each_test_under_xdist_lists_exactly_its_own_records(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_parallel="""
        import pytest


        @pytest.mark.parametrize("count", range(1, 9))
        def test_lists_exactly_its_own_records(verifik, count):
            created = {
                verifik.create_biometric_validation("parallel@example.com")["_id"]
                for _ in range(count)
            }
            params = {"where_identifier": "parallel@example.com", "limit": 100}
            listed = verifik.http.get("/v2/biometric-validations", params=params).json()["data"]
            assert {validation["_id"] for validation in listed} == created
        """
    )

    result = run_pytest("-p", "xdist", "-n", "2")

    result.assert_outcomes(passed=8)


# ---- the marker


def test_marker_sets_scores_faults_latency_and_fixture(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_marker="""
        import time
        from pathlib import Path

        import pytest

        FACE = Path(__file__).with_name("face-pass.png").read_bytes()


        @pytest.mark.verifik(liveness_score=0.3)
        def test_a_low_liveness_score_fails_validate(verifik):
            created = verifik.create_biometric_validation("ana@example.com")
            answer = verifik.validate(created["token"], FACE)
            assert answer.status_code == 409, answer.text
            assert answer.json()["code"] == "LIVENESS_FAILED"


        @pytest.mark.verifik(search_score=0.1)
        def test_a_low_search_score_finds_no_enrolled_person_at_login(verifik):
            onboarding = verifik.create_biometric_validation("ana@example.com", "onboarding")
            enrolled = verifik.validate(onboarding["token"], FACE)
            assert enrolled.status_code == 200, enrolled.text
            login = verifik.create_biometric_validation("ana@example.com", "login")
            answer = verifik.validate(login["token"], FACE)
            assert answer.status_code == 404, answer.text
            assert answer.json()["code"] == "PERSON_NOT_FOUND"


        @pytest.mark.verifik(fault="503")
        def test_a_fault_makes_api_calls_answer_503(verifik):
            answer = verifik.http.get("/v2/biometric-validations")
            assert answer.status_code == 503, answer.text
            assert answer.json()["code"] == "SERVICE_UNAVAILABLE"


        @pytest.mark.verifik(latency_ms=300)
        def test_latency_slows_api_calls_that_still_answer(verifik):
            started = time.monotonic()
            answer = verifik.http.get("/v2/projects")
            assert answer.status_code == 200, answer.text
            assert time.monotonic() - started >= 0.3


        @pytest.mark.verifik(fixture="strict-login")
        def test_a_fixture_loads_its_flow(verifik):
            params = {"type": "login", "limit": 100}
            flows = verifik.http.get("/v2/project-flows", params=params).json()["data"]
            assert [
                (flow["livenessMinScore"], flow["searchMinScore"])
                for flow in flows
                if flow["name"] == "Strict login"
            ] == [(0.9, 0.95)]
        """
    )

    result = run_pytest()

    result.assert_outcomes(passed=5)


def test_marker_page_examples_lets_a_pages_example_work_as_written(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_pages="""
        import pytest

        PAGE_CREATE = {
            "project": "project_123456789",
            "projectFlow": "flow_123456789",
            "identifier": "user@example.com",
            "type": "validation",
        }


        @pytest.mark.verifik(page_examples=True)
        def test_the_create_pages_ids_work(verifik):
            answer = verifik.http.post("/v2/biometric-validations", json=PAGE_CREATE)
            assert answer.status_code == 200, answer.text
            assert verifik.project_flows["onboarding"]["_id"] != PAGE_CREATE["projectFlow"]
            assert verifik.project != PAGE_CREATE["project"]


        def test_without_it_they_are_refused_as_verifik_refuses_them(verifik):
            answer = verifik.http.post("/v2/biometric-validations", json=PAGE_CREATE)
            assert answer.status_code == 409, answer.text
            assert answer.json()["code"] == "INVALID_PROJECT_FLOW"
        """
    )

    result = run_pytest()

    result.assert_outcomes(passed=2)


WORLD = """
import pytest


{marker}
def test_prints_its_project(verifik):
    print("project", verifik.project)
"""


def test_marker_seed_gives_a_repeatable_world_other_than_the_default(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(test_world=WORLD.format(marker="@pytest.mark.verifik(seed=7)"))
    seeded = printed_project(run_pytest("-s"))
    seeded_again = printed_project(run_pytest("-s"))
    pytester.makepyfile(test_world=WORLD.format(marker=""))
    default = printed_project(run_pytest("-s"))

    assert seeded == seeded_again
    assert seeded != default


def test_misspelt_marker_argument_fails_naming_the_accepted_ones(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_misspelt="""
        import pytest


        @pytest.mark.verifik(livenes_score=0.3)
        def test_with_a_typo(verifik):
            pass
        """
    )

    result = run_pytest()

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*@pytest.mark.verifik: *'livenes_score'*; it takes {MARKER_ARGUMENTS}"]
    )


def test_installed_plugin_registers_the_marker_for_strict_markers(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_strict="""
        import pytest


        @pytest.mark.verifik(liveness_score=0.9)
        def test_marked(verifik):
            pass
        """
    )

    result = pytester.runpytest_subprocess("--strict-markers")

    result.assert_outcomes(passed=1)


# ---- the options


def test_verifik_seed_option_gives_a_repeatable_world_other_than_the_default(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(test_world=WORLD.format(marker=""))
    default = printed_project(run_pytest("-s"))
    seeded = printed_project(run_pytest("-s", "--verifik-seed", "5"))
    seeded_again = printed_project(run_pytest("-s", "--verifik-seed", "5"))

    assert seeded == seeded_again
    assert seeded != default


def test_verifik_url_option_makes_verifik_use_that_mock(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    with serve_in_thread(create_app(Settings())) as running:
        pytester.makepyfile(
            test_given_url=f"""
            def test_uses_the_given_mock(verifik):
                assert verifik.base_url == "{running.base_url}"
                verifik.create_biometric_validation("given-url@example.com")
            """
        )

        result = run_pytest("--verifik-url", running.base_url)

        result.assert_outcomes(passed=1)
        token = tenant_token_for("test_given_url.py::test_uses_the_given_mock")
        journal = httpx.get(
            f"{running.base_url}/__mock__/journal", headers={"Authorization": f"Bearer {token}"}
        ).json()["data"]
        assert ("POST", VALIDATIONS, 200) in {
            (e["method"], e["path"], e["status"]) for e in journal
        }


def test_each_fixture_releases_its_tenant_when_its_test_ends(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    with serve_in_thread(create_app(Settings())) as running:
        pytester.makepyfile(
            test_released="""
            import pytest

            @pytest.mark.parametrize("n", range(3))
            def test_creates(verifik, n):
                verifik.create_biometric_validation(f"user{n}@example.com")
            """
        )

        run_pytest("--verifik-url", running.base_url).assert_outcomes(passed=3)

        with httpx.Client(base_url=running.base_url, headers={"Authorization": "Bearer x"}) as mock:
            journal = mock.get("/__mock__/journal", params={"scope": "all"}).json()["data"]
            dashboard = mock.get("/__mock__/ui").text
    resets = [entry["client"] for entry in journal if entry["path"] == "/__mock__/reset"]
    assert len(set(resets)) == 3  # each test's tenant, at setup and again at teardown
    assert len(resets) == 6
    assert not any(client in dashboard for client in resets)


def test_verifik_url_option_at_a_dead_port_fails_saying_to_start_the_mock(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    pytester.makepyfile(
        test_dead_url="""
        def test_needs_the_mock(verifik):
            pass
        """
    )

    result = run_pytest("--verifik-url", url)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*--verifik-url {url} did not answer*start it with `verifik-mock serve`*"]
    )


# ---- the handle's helpers


def test_handle_helpers_drive_scores_faults_clock_tokens_and_journal(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_helpers="""
        from pathlib import Path

        import pytest

        from verifik_mock.testing import VerifikMockError

        FACE = Path(__file__).with_name("face-pass.png").read_bytes()


        def validate_new(verifik, identifier):
            created = verifik.create_biometric_validation(identifier)
            return verifik.validate(created["token"], FACE)


        def test_inject_scores_fails_that_identifiers_next_validations_only(verifik):
            verifik.inject_scores(liveness_score=0.2, identifier="bruno@example.com", times=1)
            answers = [
                validate_new(verifik, "bruno@example.com"),
                validate_new(verifik, "bruno@example.com"),
                validate_new(verifik, "ana@example.com"),
            ]
            assert [answer.status_code for answer in answers] == [409, 200, 200]


        def test_inject_fault_holds_until_cleared(verifik):
            verifik.inject_fault("503")
            assert verifik.http.get("/v2/projects").status_code == 503
            verifik.clear_faults()
            assert verifik.http.get("/v2/projects").status_code == 200


        def test_advancing_the_clock_expires_the_session(verifik):
            created = verifik.create_biometric_validation("ana@example.com")
            assert verifik.clock.advance(minutes=11) == verifik.clock.now()
            answer = verifik.validate(created["token"], FACE)
            assert answer.status_code == 409, answer.text
            assert answer.json()["code"] == "LIVENESS_SESSION_EXPIRED"


        def test_liveness_token_validates_a_seeded_new_validation(verifik):
            params = {"where_status": "new"}
            seeded = verifik.http.get("/v2/biometric-validations", params=params).json()["data"]
            answer = verifik.validate(verifik.liveness_token(seeded[0]["_id"]), FACE)
            assert answer.status_code == 200, answer.text


        def test_journal_holds_this_tests_requests_only(verifik):
            verifik.create_biometric_validation("ana@example.com")
            entries = verifik.journal()
            newest = entries[0]
            assert (newest["method"], newest["path"], newest["status"]) == (
                "POST",
                "/v2/biometric-validations",
                200,
            )
            assert {entry["client"] for entry in entries} == {verifik.client_id}


        def test_a_failing_control_call_raises_with_the_mocks_answer(verifik):
            with pytest.raises(VerifikMockError, match="404.*FIXTURE_NOT_FOUND"):
                verifik.load_fixture("nope")
        """
    )

    result = run_pytest()

    result.assert_outcomes(passed=6)


def test_wait_for_webhooks_sees_signed_deliveries_to_a_loopback_receiver(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(
        test_webhooks="""
        import hashlib
        import hmac

        import pytest
        from starlette.applications import Starlette
        from starlette.responses import Response
        from starlette.routing import Route

        from verifik_mock.server import serve_in_thread

        received = []


        async def receive(request):
            received.append((await request.body(), request.headers["X-Verifik-Signature"]))
            return Response(status_code=200)


        @pytest.fixture
        def receiver_url():
            app = Starlette(routes=[Route("/verifik", receive, methods=["POST"])])
            with serve_in_thread(app) as running:
                yield f"{running.base_url}/verifik"


        def test_a_create_is_delivered_signed(verifik, receiver_url):
            verifik.create_biometric_validation("ana@example.com", webhookUrl=receiver_url)
            deliveries = verifik.wait_for_webhooks()
            assert [(d["type"], d["state"]) for d in deliveries] == [
                ("validation_biometric_validation_new", "delivered")
            ]
            [(body, signature)] = received
            secret = verifik.webhook_secret.encode()
            assert signature == "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        """
    )

    result = run_pytest()

    result.assert_outcomes(passed=1)
