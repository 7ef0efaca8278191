"""The pytest plugin (``skytells.testing.pytest_plugin``, registered by the ``pytest11`` entry point), run
on small test files with ``pytester``: fixtures, per-test control, assertions and their messages."""

from __future__ import annotations

import pytest

# Loaded before pytester snapshots sys.modules: an inner session that first imports uvicorn's httptools
# protocol would have it dropped afterwards, and the emulators started later would import it again
# around the same compiled httptools parser, whose errors then no longer match the re-imported
# `httptools.HttpParserError` (a malformed request line would close the connection instead of a 400).
import uvicorn.protocols.http.httptools_impl  # noqa: F401

pytest_plugins = ["pytester"]


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run the files written so far, in process (quiet about pytest-asyncio's loop scope)."""
    # the inner sessions keep their file order: their tests are written to run in sequence
    return pytester.runpytest("-p", "no:randomly", "-o", "asyncio_default_fixture_loop_scope=function", *args)


def test_the_fixtures_run_predictions_and_each_test_starts_from_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        from skytells import SkytellsClient

        urls = []

        def test_run(skytells_emulator, skytells_client):
            urls.append(skytells_emulator.base_url)
            prediction = skytells_client.run("truefusion-edge", input={"prompt": "a cat"})
            assert prediction.status == "succeeded"
            assert [p.id for p in skytells_emulator.predictions()] == [prediction.id]
            skytells_emulator.assert_created(model="truefusion-edge", input_contains={"prompt": "a cat"})
            skytells_emulator.assert_not_created(model="flux-pro")

        def test_reset(skytells_emulator):
            urls.append(skytells_emulator.base_url)
            assert skytells_emulator.predictions() == []
            assert urls[0] == urls[1]  # one emulator for the session
            assert skytells_emulator.base_url.startswith("http://127.0.0.1:")

        def test_env(skytells_env):
            with SkytellsClient() as client:  # built from the environment
                assert client.run("truefusion-edge", input={"prompt": "a dog"}).status == "succeeded"
            skytells_env.assert_created(input_contains={"prompt": "a dog"}, count=1)
            assert os.environ["SKYTELLS_BASE_URL"] == skytells_env.base_url

        def test_env_is_gone_after_the_test():
            assert os.environ.get("SKYTELLS_BASE_URL") != urls[0]
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_how_the_next_predictions_end(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from skytells import PredictionFailedError

        def test_fails(skytells_emulator, skytells_client):
            skytells_emulator.next("flux-pro").fails("GPU melted")
            with pytest.raises(PredictionFailedError, match="GPU melted"):
                skytells_client.run("flux-pro", input={"prompt": "a cat"})
            assert skytells_client.run("flux-pro", input={"prompt": "again"}).status == "succeeded"
            failed = skytells_emulator.assert_created(model="flux-pro", status="failed", count=1)
            assert failed["input"]["prompt"] == "a cat"

        def test_stays_pending(skytells_emulator, skytells_client):
            skytells_emulator.next(times=2).stays_pending()
            first = skytells_client.predictions.create(model="flux-pro", input={"prompt": "1"})
            second = skytells_client.predictions.create(model="mera", input={"prompt": "2"})
            assert skytells_client.predictions.get(first.id).status == "pending"
            assert [p.status for p in skytells_emulator.predictions()] == ["pending", "pending"]
            second.cancel()
            assert [p.id for p in skytells_emulator.predictions(status="canceled")] == [second.id]

        def test_succeeds_at_once(skytells_emulator, skytells_client):
            skytells_emulator.next("flux-pro", times=None).succeeds_at_once()
            for prompt in ("a", "b"):
                created = skytells_client.predictions.create(model="flux-pro", input={"prompt": prompt})
                assert created.status == "succeeded" and created.outputs()
            assert len(skytells_emulator.predictions("FLUX-PRO", status="succeeded")) == 2
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_faults_speed_and_accounts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from skytells import PaymentRequiredError, RetryOptions, ServerError

        def test_fault_by_spec(skytells_emulator):
            fault = skytells_emulator.fault("POST /v1/predict* status=503 first=2")
            with skytells_emulator.client(retry=RetryOptions(retries=3, retry_delay=1)) as client:
                assert client.run("truefusion-edge", input={"prompt": "x"}).status == "succeeded"
            assert fault.matched == 2
            skytells_emulator.assert_created(count=1)  # the retried create made one prediction

        def test_fault_by_fields(skytells_emulator, skytells_client):
            fault = skytells_emulator.faults.add(action="error", status=502, route="/v1/models")
            with pytest.raises(ServerError):
                skytells_client.models.list()
            assert [f["id"] for f in skytells_emulator.faults.list()] == [fault.id]
            fault.remove()
            assert skytells_client.models.list()
            skytells_emulator.fault({"action": "error", "status": 500, "route": "/v1/models"})
            skytells_emulator.faults.clear()
            assert skytells_emulator.faults.list() == []

        def test_faults_are_reset(skytells_emulator):
            assert skytells_emulator.faults.list() == []

        def test_speed(skytells_emulator):
            assert skytells_emulator.speed() == 50
            assert skytells_emulator.speed(10) == 10 and skytells_emulator.speed() == 10

        def test_speed_is_reset(skytells_emulator):
            assert skytells_emulator.speed() == 50

        def test_account(skytells_emulator, skytells_client):
            skytells_emulator.account(credits=0)
            with pytest.raises(PaymentRequiredError):
                skytells_client.run("flux-pro", input={"prompt": "x"})
            with pytest.raises(TypeError, match="unknown account settings: balance"):
                skytells_emulator.account(balance=3)
        """
    )
    run(pytester).assert_outcomes(passed=6)


def test_the_async_client_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_async(skytells_emulator, async_skytells_client):
            prediction = await async_skytells_client.run("truefusion-edge", input={"prompt": "a cat"})
            assert prediction.status == "succeeded"
            skytells_emulator.assert_created(model="truefusion-edge")
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_webhook_helpers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from starlette.applications import Starlette
        from skytells.testing import serve_app
        from skytells.webhooks import WebhookReceiver
        from skytells.webhooks.starlette import webhook_route

        def test_wait_for_a_delivery(skytells_emulator, skytells_client):
            receiver = WebhookReceiver(secret=skytells_emulator.webhooks.secret())
            app = Starlette(routes=[webhook_route(receiver, "/hook")])
            with serve_app(app) as url:
                created = skytells_client.predictions.create(
                    model="flux-pro", input={"prompt": "x"},
                    webhook={"url": url + "/hook", "events": ["started", "completed"]},
                )
                done = skytells_emulator.webhooks.wait_for(event="completed", prediction_id=created.id)
            assert done["response_status"] == 200
            events = [d["event"] for d in skytells_emulator.webhooks.deliveries(prediction_id=created.id)]
            assert events == ["started", "completed"]
            assert skytells_emulator.webhooks.deliveries("completed", status="delivered") == [done]
            again = skytells_emulator.webhooks.replay(done["id"])
            assert again["id"] == done["id"]

        def test_a_blocked_delivery_fails_at_once(skytells_emulator, skytells_client):
            skytells_emulator.next().succeeds_at_once()
            skytells_client.predictions.create(
                model="flux-pro", input={"prompt": "x"}, webhook="http://example.invalid/hook"
            )
            with pytest.raises(AssertionError, match="blocked: host not in the webhook allow-list"):
                skytells_emulator.webhooks.wait_for(event="completed", timeout=30)

        def test_waiting_for_nothing_shows_the_log(skytells_emulator):
            skytells_emulator.webhooks.wait_for(event="failed", timeout=0.1)

        def test_settings(skytells_emulator):
            assert skytells_emulator.webhooks.settings(duplicate=True)["duplicate"] is True
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        ["*AssertionError: no delivered failed webhook within 0.1 s; the delivery log:", "*(empty)"]
    )


def test_a_failed_assertion_says_what_was_created(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_wrong_prompt(skytells_emulator, skytells_client):
            skytells_client.run("truefusion-edge", input={"prompt": "a dog"})
            skytells_emulator.assert_created(model="truefusion-edge", input_contains={"prompt": "a cat"})
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected a prediction of truefusion-edge with input containing {'prompt': 'a cat'}, found 0;*",
            "*truefusion-edge succeeded {*'prompt': 'a dog'*}",
        ]
    )


def test_the_configuration_is_an_ini_option_or_an_overridden_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nskytells_emulator_speed = 7\n")
    pytester.makeconftest(
        """
        import pytest
        from skytells.emulator import EmulatorConfig

        @pytest.fixture(scope="session")
        def skytells_emulator_config(skytells_emulator_config):
            return EmulatorConfig(speed=skytells_emulator_config.speed * 2, api_keys=("sk-test-strict-1",))
        """
    )
    pytester.makepyfile(
        """
        def test_config(skytells_emulator, skytells_client):
            assert skytells_emulator.speed() == 14
            assert skytells_emulator.api_key == "sk-test-strict-1"
            assert skytells_client.models.list()
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_without_the_emulator_extra_a_fixture_says_what_to_install(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import sys
        sys.modules["skytells.emulator"] = None  # as if the emulator extra were not installed
        """
    )
    pytester.makepyfile(
        """
        def test_plain():
            assert True

        def test_emulator(skytells_emulator):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    assert "the skytells_emulator fixture needs the Skytells emulator: pip install 'skytells[emulator]'" in (
        result.stdout.str()
    )
    assert "During handling" not in result.stdout.str()


def test_a_suite_that_uses_no_fixture_starts_and_imports_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys
        import threading

        def test_untouched(request):
            assert request.config.pluginmanager.has_plugin("skytells")  # the entry point registered it
            assert "skytells.emulator" not in sys.modules
            assert "skytells.testing._control" not in sys.modules
            assert not [t for t in threading.enumerate() if t.name.startswith("skytells")]
        """
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)
