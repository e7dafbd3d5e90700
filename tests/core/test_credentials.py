"""Credentials for other systems are stored sealed under a key kept outside the database."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from frontdesk.core.credentials import (
    KEY_FILE_NAME,
    CredentialBox,
    CredentialUnreadable,
    credential_box,
    is_sealed,
    new_secret_key,
)
from frontdesk.core.process_settings import ProcessSettings


def _settings(data_dir: Path, key: str | None = None) -> ProcessSettings:
    return ProcessSettings(
        database_url="sqlite+aiosqlite://",
        data_dir=data_dir,
        secret_key=SecretStr(key) if key is not None else None,
    )


def test_a_sealed_value_hides_the_plain_text_and_opens_again() -> None:
    box = CredentialBox(new_secret_key().encode())
    sealed = box.seal("Pässwörd 1")
    assert is_sealed(sealed)
    assert "Pässwörd" not in sealed
    assert box.unseal(sealed) == "Pässwörd 1"
    # Sealing twice gives two different texts (a random IV), both open to the same value.
    assert box.seal("Pässwörd 1") != sealed


def test_no_credential_stays_empty() -> None:
    box = CredentialBox(new_secret_key().encode())
    assert box.seal("") == ""
    assert box.unseal("") == ""


def test_another_key_cannot_open_it_and_says_to_enter_it_again() -> None:
    sealed = CredentialBox(new_secret_key().encode()).seal("secret")
    with pytest.raises(CredentialUnreadable, match="another secret key; enter it again"):
        CredentialBox(new_secret_key().encode()).unseal(sealed)
    with pytest.raises(CredentialUnreadable, match="not sealed"):
        CredentialBox(new_secret_key().encode()).unseal("plain text")


def test_the_key_file_is_created_once_for_the_owner_only(tmp_path: Path) -> None:
    first = credential_box(_settings(tmp_path))
    key_file = tmp_path / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    sealed = first.seal("relay password")
    # Another process of the same installation reads the same key from the file.
    key = key_file.read_text().strip()
    assert CredentialBox(key.encode()).unseal(sealed) == "relay password"
    assert sorted(p.name for p in tmp_path.iterdir()) == [KEY_FILE_NAME]


def test_the_environment_key_wins_over_the_file(tmp_path: Path) -> None:
    key = new_secret_key()
    box = credential_box(_settings(tmp_path, key))
    assert not (tmp_path / KEY_FILE_NAME).exists()
    assert CredentialBox(key.encode()).unseal(box.seal("x")) == "x"


def test_a_malformed_environment_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="FRONTDESK_SECRET_KEY is not a Fernet key"):
        credential_box(_settings(tmp_path, "not-a-key"))


def test_the_command_prints_a_usable_key() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli", "secret-key"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    key = result.stdout.strip()
    assert CredentialBox(key.encode()).unseal(CredentialBox(key.encode()).seal("y")) == "y"
