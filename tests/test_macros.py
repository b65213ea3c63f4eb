"""How the macros are kept, so a newcomer finds each one where its name says:

- one public macro per file, the file named after it (a generic test `x` in x.sql);
- its engine implementations (`<engine>__<macro>`) in the same file; the root
  project's versions of dbt's own macros (e.g. spark__cast) in a file of their own;
- private helpers (`_name`) used only in the file that defines them;
- every macro documented in the YAML of its folder, with a description and every
  argument (name in signature order, a type dbt accepts, a description).
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
import yaml
from conftest import PROJECT_DIR
from jinja2 import nodes

pytestmark = pytest.mark.unit

MACROS_DIR = PROJECT_DIR / "macros"
ENGINES = ("default", "duckdb", "postgres", "spark", "databricks", "trino")


def defined_macros() -> dict[str, tuple[Path, list[str]]]:
    """Every macro (generic tests as `test_<name>`, as dbt names them): its file and arguments."""
    environment = jinja2.Environment(extensions=["jinja2.ext.do"])
    found: dict[str, tuple[Path, list[str]]] = {}
    for path in sorted(MACROS_DIR.rglob("*.sql")):
        source = path.read_text(encoding="utf-8")
        source = re.sub(r"\{%(-?)\s*test\s+(\w+)", r"{%\1 macro test_\2", source)
        source = re.sub(r"\{%(-?)\s*endtest\b", r"{%\1 endmacro", source)
        for macro in environment.parse(source).find_all(nodes.Macro):
            assert macro.name not in found, f"{macro.name} is defined twice"
            found[macro.name] = (path, [argument.name for argument in macro.args])
    return found


def engine_of(name: str) -> tuple[str, str] | None:
    """(engine, macro) for an engine implementation `<engine>__<macro>`, else None."""
    engine, separator, macro = name.partition("__")
    return (engine, macro) if separator and engine in ENGINES and macro else None


MACROS = defined_macros()


def documented_macros() -> dict[str, tuple[Path, dict]]:
    documented: dict[str, tuple[Path, dict]] = {}
    for path in sorted(MACROS_DIR.rglob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")).get("macros") or []:
            assert entry["name"] not in documented, f"{entry['name']} is documented twice"
            documented[entry["name"]] = (path, entry)
    return documented


def test_one_public_macro_per_file_named_after_it():
    public_by_file: dict[Path, list[str]] = {}
    for name, (path, _) in MACROS.items():
        implementation = engine_of(name)
        if name.startswith("_"):
            continue
        if implementation and implementation[1] in MACROS:
            assert MACROS[implementation[1]][0] == path, f"{name} is not beside {implementation[1]}"
            continue
        public_by_file.setdefault(path, []).append(name)
    for path, names in public_by_file.items():
        assert len(names) == 1, f"{path.relative_to(PROJECT_DIR)} holds several public macros: {names}"
        assert path.stem in (names[0], names[0].removeprefix("test_")), f"{path.name} holds {names[0]}"


def test_private_helpers_are_used_only_in_their_own_file():
    sources = {  # without Jinja comments, which name macros without calling them
        path: re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for path in MACROS_DIR.rglob("*.sql")
    }
    for name, (home, _) in MACROS.items():
        if not name.startswith("_"):
            continue
        users = [path for path, source in sources.items() if re.search(rf"\b{name}\s*\(", source)]
        assert users == [home], f"{name} is used outside {home.relative_to(PROJECT_DIR)}: {users}"
        assert re.search(rf"\b{name}\s*\(", sources[home].replace(f"macro {name}(", "")), f"{name} is unused"


def test_every_macro_is_documented_in_its_folder_with_its_arguments():
    from dbt.parser.schemas import is_valid_type

    documented = documented_macros()
    assert sorted(documented) == sorted(MACROS), "documented and defined macros differ"
    for name, (path, arguments) in MACROS.items():
        yml_path, entry = documented[name]
        assert yml_path.parent == path.parent, f"{name} is documented in {yml_path}, not beside {path}"
        assert (entry.get("description") or "").strip(), f"{name} has no description"
        assert "arguments" in entry, f"{name} has no `arguments:`"
        assert [argument["name"] for argument in entry["arguments"]] == arguments, name
        for argument in entry["arguments"]:
            assert is_valid_type(argument.get("type") or ""), f"{name}.{argument['name']}: type"
            assert (argument.get("description") or "").strip(), f"{name}.{argument['name']}: description"


@pytest.mark.parametrize("name", sorted(n for n in MACROS if engine_of(n) and engine_of(n)[1] not in MACROS))
def test_overrides_of_dbt_macros_are_in_files_of_their_own(name):
    assert MACROS[name][0].stem == name
