"""drafter's per-user folders, by each platform's convention for that kind of data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# kind -> (Windows env var and fallback, macOS folder, XDG env var and fallback)
_CONVENTIONS = {
    "data": (("APPDATA", "AppData/Roaming"), "Library/Application Support",
             ("XDG_DATA_HOME", ".local/share")),
    "state": (("LOCALAPPDATA", "AppData/Local"), "Library/Application Support",
              ("XDG_STATE_HOME", ".local/state")),
    "cache": (("LOCALAPPDATA", "AppData/Local"), "Library/Caches",
              ("XDG_CACHE_HOME", ".cache")),
}


def user_dir(kind: str) -> Path:
    """The platform's base folder for `kind` ("data", "state" or "cache"), without drafter's name."""
    (win_var, win_default), mac_folder, (xdg_var, xdg_default) = _CONVENTIONS[kind]
    if sys.platform == "win32":
        return Path(os.environ.get(win_var) or Path.home() / win_default)
    if sys.platform == "darwin":
        return Path.home() / mac_folder
    return Path(os.environ.get(xdg_var) or Path.home() / xdg_default)
