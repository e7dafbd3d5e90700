"""Process settings read from ``FRONTDESK_*`` environment variables.

These are the settings an operator sets before start (where the database is, which port).
Everything an admin changes at run time lives in the SysConfig registry instead.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ProcessSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRONTDESK_", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL: sqlite+aiosqlite:///path or postgresql+asyncpg://…; "
        "unset, the SQLite file frontdesk.db in data_dir",
    )
    redis_url: str | None = Field(
        default=None, description="redis://… enables the Redis event bus for several processes"
    )
    bus_channel: str = Field(
        default="frontdesk:events",
        description="Redis pub/sub channel of the event bus (one per installation)",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server binds to")
    port: int = Field(default=8000, description="Port the web server listens on")
    keep_alive_seconds: int = Field(
        default=75,
        ge=1,
        description="Seconds an idle HTTP connection stays open for the next request; longer "
        "than the reverse proxy keeps its upstream connections idle",
    )
    admin_password: str | None = Field(
        default=None, description="Password of the admin agent created on first start"
    )
    demo: bool = Field(default=True, description="Load demo data on first start (0 skips it)")
    data_dir: Path = Field(
        default=Path("var"), description="Folder for local state (the default SQLite file)"
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that encrypts stored credentials (SMTP, mail accounts): a Fernet key "
        "(`frontdesk secret-key` prints a new one); unset, one is created in data_dir/secret.key. "
        "Every process of one installation needs the same key",
    )
    session_hours: int = Field(default=12, description="Idle hours before a browser session ends")
    token_days: int = Field(default=30, description="Days an API token lives")
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, description="Largest attachment accepted, in bytes"
    )
    max_request_bytes: int = Field(
        default=64 * 1024 * 1024,
        description="Largest request body accepted, in bytes (all attachments of one post; "
        "base64 in JSON adds a third)",
    )
    login_attempts: int = Field(
        default=5,
        description="Failed logins per login name and client address within "
        "login_window_seconds → 429 (10× that from all addresses together, too)",
    )
    login_window_seconds: int = Field(default=300, description="Window for login_attempts")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_format: str = Field(default="console", description="console or json")
    secure_cookies: bool = Field(
        default=False, description="Mark cookies Secure (set to 1 behind HTTPS)"
    )
    run_jobs: bool = Field(
        default=True, description="Run the periodic job scheduler inside web workers"
    )

    @model_validator(mode="after")
    def _default_database_in_data_dir(self) -> ProcessSettings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'frontdesk.db'}"
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
