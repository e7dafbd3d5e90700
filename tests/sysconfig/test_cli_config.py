"""``frontdesk config``: stage, deploy, read, history, export and import from the shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from frontdesk.cli import main


def test_config_commands(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", db_url)
    monkeypatch.setenv("FRONTDESK_LOG_LEVEL", "WARNING")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(main, ["config", *args])
        return result.exit_code, result.output

    assert run("set", "SessionActiveTime", "30") == (
        0,
        "Staged SessionActiveTime. Run 'frontdesk config deploy' to make it effective.\n",
    )
    code, output = run("get", "SessionActiveTime")
    assert (code, output.splitlines()[0]) == (0, "10")
    assert run("set", "SessionActiveTime", "thirty")[0] == 1
    assert "must be a whole number" in run("set", "SessionActiveTime", "thirty")[1]
    assert run("set", "No::Such", "1")[1] == "Error: There is no setting named No::Such.\n"
    assert run("deploy", "-m", "From the shell") == (0, "Deployed (deployment 1).\n")
    assert run("get", "SessionActiveTime") == (0, "30\n")
    code, output = run("deploy")
    assert (code, output) == (1, "Error: There are no staged changes to deploy.\n")

    code, output = run("history")
    assert output.split("\t")[0] == "1" and output.rstrip().endswith("system\tFrom the shell")
    code, output = run("history", "SessionActiveTime")
    assert output.rstrip().endswith("system\t30")

    exported = tmp_path / "export.yml"
    code, output = run("export", "--deployment", "1")
    assert output.splitlines()[1:] == ["SessionActiveTime: 30"]
    exported.write_text(output)
    assert run("set", "SessionActiveTime", "--reset")[0] == 0
    assert run("deploy", "-m", "Default again")[0] == 0
    assert run("import", str(exported)) == (
        0,
        "Staged 1 settings. Run 'frontdesk config deploy' to apply them.\n",
    )
    bad = tmp_path / "bad.yml"
    bad.write_text("SessionActiveTime: [\n")
    code, output = run("import", str(bad))
    assert code == 1 and "is not valid YAML" in output
    assert run("deploy")[0] == 0
    assert run("export")[1].splitlines()[1:] == ["SessionActiveTime: 30"]


@pytest.mark.parametrize(
    ("name", "typed", "stored"),
    [
        ("ChatEngine::DefaultAgentName", "yes", '"yes"'),
        ("ChatEngine::DefaultAgentName", "2024", '"2024"'),
        ("ChatEngine::DefaultAgentName", "a #b", '"a #b"'),
        ("ChatEngine::DefaultAgentName", "Support: Team", '"Support: Team"'),
        ("ChatEngine::DefaultAgentName", "[not a list]", '"[not a list]"'),
        ("Agent::TimeZone", "Europe/Berlin", '"Europe/Berlin"'),
        ("ChatEngine::ChatOrder", "append", '"append"'),
        ("SessionActiveTime", "30", "30"),
        ("ChatEngine::Active", "false", "false"),
        ("CustomerGroupAlwaysGroups", "[users, admin]", '["users", "admin"]'),
    ],
)
def test_config_set_takes_text_as_typed(
    db_url: str, monkeypatch: pytest.MonkeyPatch, name: str, typed: str, stored: str
) -> None:
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", db_url)
    monkeypatch.setenv("FRONTDESK_LOG_LEVEL", "WARNING")
    runner = CliRunner()
    staged = runner.invoke(main, ["config", "set", name, typed])
    assert (staged.exit_code, staged.output) == (
        0,
        f"Staged {name}. Run 'frontdesk config deploy' to make it effective.\n",
    )
    assert runner.invoke(main, ["config", "deploy", "-m", "typed"]).exit_code == 0
    shown = runner.invoke(main, ["config", "get", name])
    assert (shown.exit_code, shown.output) == (0, stored + "\n")


def test_config_set_names_the_value_in_errors(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", db_url)
    monkeypatch.setenv("FRONTDESK_LOG_LEVEL", "WARNING")
    runner = CliRunner()
    bad_yaml = runner.invoke(main, ["config", "set", "CustomerGroupAlwaysGroups", "[users"])
    assert bad_yaml.exit_code == 1
    assert bad_yaml.output.startswith("Error: is not valid YAML: ")
    assert bad_yaml.output.splitlines()[1].startswith("  value: is not valid YAML: ")
    bad_type = runner.invoke(main, ["config", "set", "SessionActiveTime", "yes"])
    assert (bad_type.exit_code, bad_type.output) == (
        1,
        "Error: must be a whole number\n  value: must be a whole number\n",
    )
    nothing = runner.invoke(main, ["config", "deploy"])
    assert nothing.output == "Error: There are no staged changes to deploy.\n"


def test_config_import_of_an_unchanged_export_stages_nothing(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", db_url)
    monkeypatch.setenv("FRONTDESK_LOG_LEVEL", "WARNING")
    runner = CliRunner()
    exported = runner.invoke(main, ["config", "export"])
    assert (exported.exit_code, exported.output) == (
        0,
        "# Frontdesk configuration in force\n{}\n",
    )
    path = tmp_path / "unchanged.yml"
    path.write_text(exported.output)
    imported = runner.invoke(main, ["config", "import", str(path)])
    assert (imported.exit_code, imported.output) == (
        0,
        "Nothing to stage: the file changes no setting.\n",
    )
    nothing = runner.invoke(main, ["config", "deploy"])
    assert nothing.output == "Error: There are no staged changes to deploy.\n"


def test_config_history_labels_each_kind_of_change(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from frontdesk.core.actor import SYSTEM
    from frontdesk.db.engine import create_engine, create_session_factory
    from frontdesk.db.unit_of_work import unit_of_work
    from frontdesk.sysconfig import actions

    monkeypatch.setenv("FRONTDESK_DATABASE_URL", db_url)
    monkeypatch.setenv("FRONTDESK_LOG_LEVEL", "WARNING")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["config", *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("set", "Agent::TimeZone", "Europe/Berlin")
    run("deploy", "-m", "Berlin")

    async def forbid() -> None:  # the CLI has no allow/forbid command: stage it directly
        engine = create_engine(db_url)
        try:
            async with unit_of_work(create_session_factory(engine)) as session:
                await actions.do_stage_user_modification(
                    session, _NoBus(), SYSTEM, "Agent::TimeZone", False
                )
        finally:
            await engine.dispose()

    asyncio.run(forbid())
    run("deploy", "-m", "No own zones")
    run("set", "Agent::TimeZone", "--reset")
    run("deploy", "-m", "UTC again")
    labels = [line.split("\t")[3] for line in run("history", "Agent::TimeZone").splitlines()]
    assert labels == ["reset to default", "user modification forbidden", '"Europe/Berlin"']


class _NoBus:
    """Events queued by the action are dropped: no process listens in this test."""

    async def publish(self, event: object) -> None:
        return None
