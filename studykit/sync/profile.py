"""Find the profile's `collection.anki2` the way Anki desktop does.

Anki's base folder (aqt/profiles.py, `ProfileManager._default_base`): `$ANKI_BASE` when set; else `%APPDATA%\\Anki2`
on Windows, `~/Library/Application Support/Anki2` on macOS, and `$XDG_DATA_HOME/Anki2` (default
`~/.local/share/Anki2`) elsewhere. Profiles are the rows of `prefs21.db`'s `profiles` table other than `_global`,
whose pickled data names the last profile loaded; each profile is a folder holding `collection.anki2`.
"""

from __future__ import annotations

import io
import os
import pickle
import sqlite3
import sys
from pathlib import Path


class ProfileError(Exception):
    """No collection could be chosen: the message says why and what to pass instead."""


def base_folder(environ: dict[str, str] | None = None, platform: str | None = None) -> Path:
    env = os.environ if environ is None else environ
    platform = platform or sys.platform
    if env.get("ANKI_BASE"):
        return Path(env["ANKI_BASE"]).expanduser()
    if platform.startswith("win"):
        return Path(env.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "Anki2"
    if platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Anki2"
    data = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "Anki2"


class _PlainUnpickler(pickle.Unpickler):
    """prefs21.db stores Python dicts of plain values; nothing else is unpickled (no classes, no code)."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def _profiles(prefs: Path) -> tuple[list[str], str | None]:
    """(profile names, the last profile loaded or None)."""
    try:
        db = sqlite3.connect(f"file:{prefs}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT name, data FROM profiles").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise ProfileError(f"cannot read Anki's profile list {prefs}: {exc}; pass --collection FILE") from exc
    names, last = [], None
    for name, data in rows:
        if name == "_global":
            try:
                last = _PlainUnpickler(io.BytesIO(data)).load().get("last_loaded_profile_name")
            except Exception:  # a damaged or unusual _global row only loses the hint
                last = None
        else:
            names.append(name)
    return sorted(names), last


def find_collection(base: Path | None = None) -> Path:
    """The collection of the profile Anki would open: the last one loaded, else the only one."""
    base = base or base_folder()
    prefs = base / "prefs21.db"
    if not prefs.is_file():
        raise ProfileError(f"no Anki profiles in {base} (Anki's base folder; $ANKI_BASE changes it): "
                           f"start Anki once, or pass --collection FILE")
    names, last = _profiles(prefs)
    if last in names:
        chosen = last
    elif len(names) == 1:
        chosen = names[0]
    elif not names:
        raise ProfileError(f"{prefs} lists no profile: start Anki once, or pass --collection FILE")
    else:
        raise ProfileError(f"Anki has {len(names)} profiles ({', '.join(names)}) and none was loaded last: "
                           f"pass --collection {base / names[0] / 'collection.anki2'}")
    collection = base / chosen / "collection.anki2"
    if not collection.is_file():
        raise ProfileError(f"profile {chosen!r} has no collection yet ({collection}): open it in Anki once, "
                           f"or pass --collection FILE")
    return collection
