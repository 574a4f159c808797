"""JSON Schemas (draft-07) of the five pack files, for editors: with the first line
``# yaml-language-server: $schema=PATH`` a YAML language server completes keys and flags a
malformed reveal point as you type. The validator (``companion validate``) stays the authority:
the schemas say the shape of each file; the rules across files and items (ids that exist,
reveal order, sources cited) are the validator's alone.
"""
from __future__ import annotations

from pathlib import Path

# pack file -> its schema's file name, in the order the validator reads them
SCHEMAS = {name: name.replace(".yaml", ".schema.json") for name in
           ("show.yaml", "characters.yaml", "relationships.yaml", "threads.yaml", "sources.yaml")}


def schema_text(pack_file: str) -> str:
    """The schema of one pack file (``show.yaml`` …), as JSON text."""
    name = SCHEMAS[pack_file]
    here = Path(__file__).parent / name
    if here.is_file():
        return here.read_text(encoding="utf-8")
    from importlib.resources import files  # inside a zip (zipapp, pex): ~10 ms, only here

    return (files(__name__) / name).read_text(encoding="utf-8")


def modeline(schema_path: str) -> str:
    """The first line that points a YAML language server at a schema."""
    return f"# yaml-language-server: $schema={schema_path}"
