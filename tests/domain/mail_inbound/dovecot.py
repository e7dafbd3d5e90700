"""A real Dovecot (Debian's dovecot-imapd / dovecot-pop3d) for the fetch tests, started with
its own configuration in a temporary folder: loopback only, high ports, users from a
passwd-file, maildirs in the folder. Missing binary: skipped locally, a failure with CI=true."""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.services import require, reserve_port

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "mailbox-secret"


@dataclass
class Dovecot:
    root: Path
    imap_port: int
    pop3_port: int
    uid: int
    gid: int

    def maildir(self, user: str) -> Path:
        return self.root / "mail" / user

    def deliver(self, user: str, name: str, raw: bytes) -> None:
        """Put a message into the user's INBOX as an MDA would (new/, then Dovecot sees it)."""
        maildir = self.maildir(user)
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True, exist_ok=True)
        target = maildir / "new" / f"{time.time_ns()}.{name}.frontdesk-test"
        target.write_bytes(raw)
        for path in (self.root / "mail", maildir, *maildir.iterdir(), target):
            os.chown(path, self.uid, self.gid)

    def waiting(self, user: str) -> int:
        maildir = self.maildir(user)
        return sum(
            1
            for sub in ("cur", "new")
            if (maildir / sub).exists()
            for entry in (maildir / sub).iterdir()
            if entry.is_file()
        )


def _mail_owner() -> tuple[int, int, str, str]:
    """Dovecot refuses mail access as root: as root, mail belongs to the dovecot user."""
    if os.getuid() != 0:
        user = pwd.getpwuid(os.getuid()).pw_name
        return os.getuid(), os.getgid(), user, user
    try:
        dovecot = pwd.getpwnam("dovecot")
        pwd.getpwnam("dovenull")
    except KeyError:
        require(False, "the dovecot and dovenull users (Debian's dovecot-core creates them)")
        raise
    return dovecot.pw_uid, dovecot.pw_gid, "dovecot", "dovenull"


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening")


@contextlib.contextmanager
def dovecot_server(users: tuple[str, ...] = ("support",)) -> Iterator[Dovecot]:
    require(os.path.exists(DOVECOT), f"Dovecot ({DOVECOT}, Debian's dovecot-imapd/-pop3d)")
    uid, gid, internal_user, login_user = _mail_owner()
    group = grp.getgrgid(gid).gr_name
    # Its own folder right under the system temp dir: Dovecot's unprivileged processes must be
    # able to reach it, which pytest's private (0700) tmp_path does not allow.
    root = Path(tempfile.mkdtemp(prefix="frontdesk-dovecot-"))
    (root / "mail").mkdir(exist_ok=True)
    os.chown(root / "mail", uid, gid)
    os.chmod(root, 0o755)  # noqa: S103 - Dovecot's own users must enter; nothing secret in it
    imap_port, pop3_port = reserve_port(), reserve_port()
    passwd = root / "passwd"
    passwd.write_text(
        "".join(
            f"{user}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root / 'mail' / user}::\n" for user in users
        )
    )
    log = root / "dovecot.log"
    config = root / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {log}
protocols = imap pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password is answered at once, not after the default two-second delay.
auth_failure_delay = 0
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal_user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = {min(uid, 1)}
pop3_uidl_format = %08Xu%08Xv
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {passwd}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3_port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0600
  }}
}}
# No growing per-IP penalty after a wrong password: every test connects from 127.0.0.1.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        _wait_for(imap_port, process, log)
        _wait_for(pop3_port, process, log)
        yield Dovecot(root=root, imap_port=imap_port, pop3_port=pop3_port, uid=uid, gid=gid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
