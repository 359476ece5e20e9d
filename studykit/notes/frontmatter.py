"""A tiny front-matter reader: `key: value` and `key: [a, b]` lines (no PyYAML dependency)."""

from __future__ import annotations

KNOWN_KEYS = {"title", "deck", "tags", "exercises", "cards", "id"}
# Obsidian's own properties (and the ones its core plugins write): understood, never warned about
OBSIDIAN_KEYS = {"tag", "aliases", "alias", "cssclasses", "cssclass", "created", "updated", "modified", "date",
                 "publish", "permalink", "description", "author", "authors", "source", "sources", "status", "type",
                 "category", "categories", "related", "up", "banner", "cover", "image"}


def parse_front_matter(text: str, any_key: bool = False) -> tuple[dict[str, object], list[tuple[int, str]]]:
    """(values, problems) where problems are (line offset inside the block, message). In an Obsidian vault
    (`any_key`) every key is a property the author may use, so none is unknown."""
    values: dict[str, object] = {}
    problems: list[tuple[int, str]] = []
    current_list: list[str] | None = None
    for offset, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if current_list is not None and line.lstrip().startswith("- "):
            current_list.append(_scalar(line.lstrip()[2:]))
            continue
        current_list = None
        if raw[:1] in " \t":
            continue  # an indented line continues the value above (a nested mapping, a folded string)
        if ":" not in line:
            problems.append((offset, f"front matter line is not `key: value`: {line.strip()!r}"))
            continue
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key not in KNOWN_KEYS and key not in OBSIDIAN_KEYS and not any_key:
            problems.append((offset, f"unknown front matter key {key!r} (known: {', '.join(sorted(KNOWN_KEYS))})"))
        if value.startswith("[") and value.endswith("]"):
            values[key] = [_scalar(v) for v in value[1:-1].split(",") if v.strip()]
        elif value == "":
            current_list = []
            values[key] = current_list
        else:
            values[key] = _scalar(value)
    return values, problems


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]
