"""Reading settings from the environment, failing loudly on values we cannot understand.

Modelled on Healthchecks' ``hc/settings.py``: a typo in a boolean must stop the process at
start-up rather than silently mean "off".
"""

import os
from collections.abc import Mapping

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ImproperlyConfiguredEnv(RuntimeError):
    pass


def env_str(name: str, default: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """``environ``: another mapping than the process's (config/storage.py's options, built for
    a test's server as for production)."""
    value = environ.get(name, default)
    if value is None:
        raise ImproperlyConfiguredEnv(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfiguredEnv(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfiguredEnv(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: str | None = None) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]
