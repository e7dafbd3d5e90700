"""Credentials for external systems (SMTP relay, mail accounts), encrypted at rest.

A database dump or backup must not hand out the passwords Frontdesk uses elsewhere, so they are
stored sealed with Fernet (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package) under a
key that lives outside the database: ``FRONTDESK_SECRET_KEY``, or else ``secret.key`` in the data
folder, created on first use readable by the owner only. Several machines of one installation
must be given the same key through the environment.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from frontdesk.core.process_settings import ProcessSettings

# Marks a sealed value, so a plain value written before sealing existed is recognised.
SEALED_PREFIX = "sealed:v1:"
KEY_FILE_NAME = "secret.key"


class CredentialUnreadable(Exception):
    """The sealed value was written under another key (or damaged): it must be entered again."""


class CredentialBox:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, plain: str) -> str:
        """The value to store; the empty string stays empty (no credential set)."""
        if not plain:
            return ""
        return SEALED_PREFIX + self._fernet.encrypt(plain.encode()).decode("ascii")

    def unseal(self, stored: str) -> str:
        if not stored:
            return ""
        if not stored.startswith(SEALED_PREFIX):
            raise CredentialUnreadable("The stored credential is not sealed; enter it again.")
        try:
            return self._fernet.decrypt(stored[len(SEALED_PREFIX) :].encode("ascii")).decode()
        except (InvalidToken, ValueError, UnicodeDecodeError):
            raise CredentialUnreadable(
                "The stored credential was sealed with another secret key; enter it again."
            ) from None


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX)


def new_secret_key() -> str:
    return Fernet.generate_key().decode("ascii")


def credential_box(settings: ProcessSettings) -> CredentialBox:
    """The box of this installation's key (read once per key source)."""
    if settings.secret_key is not None:
        return _box_of_key(settings.secret_key.get_secret_value())
    return _box_of_key_file(settings.data_dir.resolve() / KEY_FILE_NAME)


@cache
def _box_of_key(key: str) -> CredentialBox:
    try:
        return CredentialBox(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ValueError(
            "FRONTDESK_SECRET_KEY is not a Fernet key (32 url-safe base64-encoded bytes); "
            "`frontdesk secret-key` prints a new one"
        ) from None


@cache
def _box_of_key_file(path: Path) -> CredentialBox:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and linked into place: when two processes start at once, one key wins
        # and neither reads a half-written file.
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(new_secret_key() + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return _box_of_key(path.read_text().strip())
