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
