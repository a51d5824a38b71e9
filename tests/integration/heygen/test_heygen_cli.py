"""`revideo heygen` commands against the simulator, configured through the environment."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from revideo.adapters.heygen.simulator import HeyGenSimulator
from revideo.entrypoints.commands.heygen import command

pytestmark = pytest.mark.integration


@pytest.fixture(params=["v3", "v2"])
def env(sim: HeyGenSimulator, request: pytest.FixtureRequest) -> dict[str, str]:
    return {
        "HEYGEN_API_KEY": sim.api_key,
        "HEYGEN_BASE_URL": sim.base_url,
        "HEYGEN_API_VERSION": str(request.param),
    }


def test_avatars_voices_quota(env: dict[str, str]) -> None:
    runner = CliRunner()
    avatars = runner.invoke(command, ["avatars"], env=env)
    assert avatars.exit_code == 0 and "Daisy-inskirt-20220818" in avatars.output
    voices = runner.invoke(command, ["voices"], env=env)
    assert voices.exit_code == 0 and "Sara" in voices.output
    quota = runner.invoke(command, ["quota"], env=env)
    assert quota.exit_code == 0 and "100.00 credits" in quota.output


def test_register_webhook_prints_the_secret(env: dict[str, str], receiver: object) -> None:
    result = CliRunner().invoke(command, ["register-webhook", receiver.url], env=env)  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    assert "HEYGEN_WEBHOOK_SECRET=" in result.output and "(not returned)" not in result.output


def test_missing_key_names_the_setting(sim: HeyGenSimulator) -> None:
    result = CliRunner().invoke(command, ["voices"], env={"HEYGEN_API_KEY": ""})
    assert result.exit_code != 0 and "HEYGEN_API_KEY" in result.output


def test_wrong_key_is_a_clear_error(sim: HeyGenSimulator) -> None:
    env = {"HEYGEN_API_KEY": "nope", "HEYGEN_BASE_URL": sim.base_url}
    result = CliRunner().invoke(command, ["quota"], env=env)
    assert result.exit_code == 1 and "HEYGEN_API_KEY" in result.output


def test_bad_version_names_the_setting() -> None:
    result = CliRunner().invoke(
        command, ["voices"], env={"HEYGEN_API_KEY": "k", "HEYGEN_API_VERSION": "v9"}
    )
    assert result.exit_code != 0 and "HEYGEN_API_VERSION" in result.output
