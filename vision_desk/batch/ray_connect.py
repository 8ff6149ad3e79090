"""Joining Ray for a batch: fail fast and in one line where a cluster cannot be used.

- An address is first tried with a plain TCP connection (:data:`REACH_TIMEOUT_S`):
  a closed port or a name that does not resolve is one line at once, instead
  of Ray's client retrying for minutes while it fills the terminal;
- ``--ray auto`` joins the instance running on this machine only if it
  answers; a ``ray_current_cluster`` file left by an instance that ended
  without ``ray stop`` would otherwise make ``ray.init`` wait for a dead one;
- Ray's C++ client writes its retries straight to stderr; without ``--debug``
  they go to a log file instead, which the error names, and which tells why a
  connection failed (a head with token authentication refusing this driver:
  ``InvalidAuthToken``), so the line can say exactly what to do.
"""
from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from vision_desk.errors import SettingsError

REACH_TIMEOUT_S = 10.0  # an address that does not answer a TCP connection in this time is unreachable
INSTALL_HINT = "pip install 'vision-desk[cluster]'  (or: pip install ray)"


def check_installed() -> None:
    try:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # nothing leaves the machine unasked
        import ray  # noqa: F401
    except ImportError:
        raise SettingsError(f"--ray needs Ray, which is not installed; install it with: {INSTALL_HINT}") from None


def _split_address(address: str) -> tuple[str, int] | None:
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "://" in address:
        return None
    return host.strip("[]"), int(port)


def _reachable(address: str, timeout: float = REACH_TIMEOUT_S) -> str | None:
    """None when something accepts a TCP connection at ``address``, else why not (one phrase)."""
    parts = _split_address(address)
    if parts is None:
        return None  # not HOST:PORT (a ray:// client address): Ray says what is wrong with it
    try:
        with socket.create_connection(parts, timeout=timeout):
            return None
    except socket.gaierror:
        return f"the host name {parts[0]} cannot be resolved"
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except OSError as exc:
        return (exc.strerror or str(exc)).lower()


def _local_address() -> str | None:
    """The address `ray.init(address="auto")` would join (RAY_ADDRESS, the last `ray start` on this machine, a
    running local instance), or None."""
    try:
        from ray._private import services

        return services.get_ray_address_from_environment("auto", None)
    except Exception:
        return None


def _auth_hint() -> str:
    """What to do when a cluster refuses this driver's token (Ray >= 2.5x's token authentication)."""
    token = os.path.expanduser("~/.ray/auth_token")
    if os.environ.get("RAY_AUTH_MODE", "").lower() == "token":
        return (f"the cluster did not accept this driver's token ({token} or RAY_AUTH_TOKEN): use the token of "
                "the head node")
    return ("the cluster uses Ray's token authentication (`ray start --head` turns it on when "
            f"{token} exists): run with RAY_AUTH_MODE=token set, with the head's token in {token} on this "
            "machine and on every worker node (before `ray start --address`); or start the head with "
            "RAY_AUTH_MODE=disabled")


def connect(address: str, debug: bool) -> bool:
    """Join or start Ray; True when this call started a local instance (then it is shut down at the end).
    SettingsError (one line, within about :data:`REACH_TIMEOUT_S`) for an address that cannot be reached;
    one line saying what to do for a cluster that wants a token this driver does not have."""
    import ray

    if ray.is_initialized():
        return False
    options: dict[str, Any] = {"log_to_driver": debug, "logging_level": logging.INFO if debug else logging.ERROR,
                               "include_dashboard": False}
    if address == "auto":
        # Join the instance running on this machine, if one answers (a `ray_current_cluster` file left by an
        # instance that ended without `ray stop` names a dead one); else start one here.
        found = _local_address()
        target = found if found and _reachable(found, timeout=2.0) is None else "local"
    else:
        problem = _reachable(address)
        if problem is not None:
            raise SettingsError(f"cannot reach a Ray cluster at {address} ({problem}); start it there with "
                                "`ray start --head --port PORT`, check the address and the firewall, or use "
                                "--ray auto for this machine alone")
        target = address
    # Ray's C++ client writes its retries straight to stderr (20 lines for a refused token): without --debug
    # they go to a log file instead, which the error names, and which tells why a connection failed.
    log = None if debug else os.path.join(tempfile.gettempdir(), f"vision-desk-ray-{os.getpid()}.log")
    try:
        with _native_stderr_to(log):
            ray.init(address=target, **options)
    except Exception as exc:
        said = _read(log)
        where = f"; Ray's messages: {log}" if log else ""
        if "InvalidAuthToken" in said or "auth" in f"{type(exc).__name__} {exc}".lower():
            raise SettingsError(f"--ray {address}: {_auth_hint()}{where}") from None
        raise SettingsError(f"--ray {address}: cannot connect to Ray ({type(exc).__name__}: {first_line(exc)}); "
                            f"start the cluster first (ray start --head) or use --ray auto{where}") from None
    if log is not None:
        with contextlib.suppress(OSError):
            os.unlink(log)
    if debug:
        print(f"vision-desk: Ray's own logs: {_session_logs()}", file=sys.stderr)
    return target == "local"


@contextlib.contextmanager
def _native_stderr_to(path: str | None) -> Iterator[None]:
    """Send what native code writes to file descriptor 2 into ``path`` for a while (None: leave it)."""
    if path is None:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(path, "ab") as log:
            os.dup2(log.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _read(path: str | None) -> str:
    try:
        with open(path or "", encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _session_logs() -> str:
    try:
        import ray

        return os.path.join(ray._private.worker._global_node.get_session_dir_path(), "logs")
    except Exception:
        return "/tmp/ray/session_latest/logs"


def shutdown(started_here: bool) -> None:
    if started_here:
        import ray

        ray.shutdown()


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
