"""The import contracts in pyproject.toml ([tool.importlinter]) hold, and can fail.

lint-imports is run as the console script runs it (importlinter.cli), with the interpreter running
the tests, and without its cache (it would leave .import_linter_cache/ in the work tree).
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = [
    sys.executable,
    "-c",
    "from importlinter.cli import lint_imports_command; lint_imports_command()",
    "--no-cache",  # (not --no-logo: import-linter < 2.7 has no such option)
]


def lint_imports(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(LINT_IMPORTS, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def write_config(path: Path, cfg: dict) -> None:
    lines = ["[tool.importlinter]"]
    lines += [f"{key} = {toml_value(value)}" for key, value in cfg.items() if key != "contracts"]
    for contract in cfg["contracts"]:
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines += [f"{key} = {toml_value(value)}" for key, value in contract.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"lint-imports failed (exit {result.returncode}; `lint-imports --no-cache --debug` tells more):\n{output}"
    )
    assert re.search(r"Contracts: \d+ kept, 0 broken\.", output), output


def reversed_layers(cfg: dict) -> dict:
    for contract in cfg["contracts"]:
        if contract["type"] == "layers":
            contract["layers"] = contract["layers"][::-1]
    return cfg


def registry_may_not_import_a_kind(cfg: dict) -> dict:
    cfg["contracts"].append(
        {
            "id": "test-forbidden",
            "name": "app.registry may not import app.events (it must: the test wants this broken)",
            "type": "forbidden",
            "source_modules": ["app.registry"],
            "forbidden_modules": ["app.events"],
        }
    )
    return cfg


@pytest.mark.parametrize("breaking", [reversed_layers, registry_may_not_import_a_kind])
def test_import_contracts_can_fail(tmp_path, breaking):
    write_config(tmp_path / "pyproject.toml", breaking(config()))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    result = lint_imports(tmp_path, env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    # Broken, not merely misconfigured (lint-imports exits 1 for both).
    assert re.search(r"Contracts: \d+ kept, [1-9]\d* broken\.", output), output


def test_contracts_see_every_module():
    """A directory of app/ without __init__.py is skipped by grimp unless it is a root of its own."""
    import grimp

    roots = config()["root_packages"]
    for root in roots[1:]:  # grimp refuses a root inside a regular package
        assert not (ROOT.joinpath(*root.split(".")) / "__init__.py").exists(), (
            f"{root} is a regular package now: drop it from root_packages in [tool.importlinter]"
        )
    graph = grimp.build_graph(*roots, cache_dir=None)
    files = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (ROOT / "app").rglob("*.py")
    }
    assert files - graph.modules == set(), "add these to root_packages in [tool.importlinter]"
