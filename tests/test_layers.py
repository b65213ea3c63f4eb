"""The house rules of the DAG: a model reads only its own layer or an earlier one
(staging < intermediate < marts), `source()` appears only in staging, and every
mart has an enforced contract."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import PROJECT_DIR

pytestmark = pytest.mark.unit

LAYERS = ["staging", "intermediate", "marts"]
MODELS = PROJECT_DIR / "models"


def model_files():
    return sorted(p for p in MODELS.rglob("*") if p.suffix in (".sql", ".py"))


def layer_of(path) -> str:
    return path.relative_to(MODELS).parts[0]


def layers_by_model() -> dict[str, str]:
    return {path.stem: layer_of(path) for path in model_files()}


def test_no_model_reads_a_later_layer():
    layers = layers_by_model()
    seeds = {path.stem for path in (PROJECT_DIR / "seeds").glob("*.csv")}
    problems = []
    for path in model_files():
        for name in re.findall(r"ref\(\s*['\"]([a-z0-9_]+)['\"]", path.read_text()):
            if name in seeds:
                continue
            assert name in layers, f"{path.name} refs unknown model {name}"
            if LAYERS.index(layers[name]) > LAYERS.index(layer_of(path)):
                problems.append(f"{path.stem} ({layer_of(path)}) reads {name} ({layers[name]})")
    assert problems == []


def test_source_appears_only_in_staging():
    readers = [p.stem for p in model_files() if "source(" in p.read_text() and layer_of(p) != "staging"]
    assert readers == []


def test_every_mart_has_an_enforced_contract():
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    marts_config = project["models"]["customer_value"]["marts"]
    assert marts_config["+contract"]["enforced"] is True
    overrides = []
    for yml in (MODELS / "marts").rglob("*.yml"):
        for model in yaml.safe_load(yml.read_text()).get("models") or []:
            contract = (model.get("config") or {}).get("contract")
            if contract is not None and not contract.get("enforced", True):
                overrides.append(model["name"])
    assert overrides == []
    python_marts = [p.name for p in (MODELS / "marts").rglob("*.py")]
    assert python_marts == []  # dbt enforces contracts on SQL models only


def domain_of(path) -> str:
    """`layer/domain` of a model (staging/aws_saas, intermediate/orders, ...)."""
    parts = path.relative_to(MODELS).parts
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def domain_loops(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Every cycle of the domain graph (reader -> read), each once, as a path that ends where it starts."""
    graph: dict[str, set[str]] = {}
    for reader, read in edges:
        graph.setdefault(reader, set()).add(read)
    loops, seen = [], set()

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                loop = path[path.index(nxt) :] + [nxt]
                key = frozenset(loop)
                if key not in seen:
                    seen.add(key)
                    loops.append(loop)
            else:
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return loops


def test_domain_loops_are_found():
    assert domain_loops({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c", "a"]]
    assert domain_loops({("a", "b"), ("b", "c")}) == []


def test_no_loop_between_domain_folders():
    domains = {path.stem: domain_of(path) for path in model_files()}
    edges = set()
    for path in model_files():
        for name in re.findall(r"ref\(\s*['\"]([a-z0-9_]+)['\"]", path.read_text()):
            if name in domains and domains[name] != domain_of(path):
                edges.add((domain_of(path), domains[name]))
    assert domain_loops(edges) == []
