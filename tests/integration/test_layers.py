"""The import direction: data flows inputs → formulas → model → xlsx, one way.

The regeneration code, the engine, compare and sec sit beside that line: each may import the
layers it needs, nothing on the line imports them, and only the command line, the build and
the package's top level may import everything. A plain build imports neither openpyxl nor
the regeneration code (the writer takes what a regeneration adds as a parameter).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "modelgen"

#: what each layer may import besides itself
ALLOWED = {
    "base": set(),
    "inputs": {"base"},
    "formulas": {"base", "inputs"},
    "model": {"base", "inputs", "formulas"},
    "xlsx": {"base", "inputs", "formulas", "model"},
    "regenerate": {"base", "inputs", "formulas", "model", "xlsx"},
    "engine": {"base", "inputs", "formulas", "xlsx"},
    "compare": {"base", "inputs", "formulas", "xlsx", "engine"},  # recalculates if need be
    "sec": {"base", "inputs"},
}
#: the command line, the build and the public API: they may import anything
TOP = {
    "modelgen",
    "modelgen.__main__",
    "modelgen.api",
    "modelgen.cli",
    "modelgen.cli_usage",
    "modelgen.build",
    "modelgen.update",
    "modelgen.backtesting",
    "modelgen.batch",
    "modelgen.batch_manifest",
    "modelgen.progress",
}
#: helpers that import nothing of modelgen, so that every layer may use them
BASE = {
    "modelgen._version",
    "modelgen.atomic",
    "modelgen.errors",
    "modelgen.keys",
    "modelgen.locks",
    "modelgen.rowspec",
    "modelgen.sheets",
    "modelgen.words",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer(module: str) -> str:
    if module in TOP:
        return "top"
    if module in BASE:
        return "base"
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ALLOWED:
        return parts[1]
    raise AssertionError(f"{module} is in no layer: move it into a subpackage, or list it here")


def imports(path: Path) -> set[str]:
    """The modelgen modules `path` imports, at run time or for type checking alike."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:  # `from modelgen.model import capex`: the submodule
                sub = f"{base}.{alias.name}"
                found.add(sub if is_module(sub) else base)
    return {m for m in found if m == "modelgen" or m.startswith("modelgen.")}


def violations(edges: dict[str, set[str]]) -> list[str]:
    """Each import that goes against the direction, as `importer -> imported (why)`."""
    bad = []
    for src, targets in sorted(edges.items()):
        here = layer(src)
        for dst in sorted(targets):
            there = layer(dst)
            if here == "top" or there == here or there in ALLOWED[here]:
                continue
            bad.append(f"{src} -> {dst} ({here} may import {sorted(ALLOWED[here]) or 'nothing'})")
    return bad


def all_edges() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_is_in_a_layer():
    for module in all_edges():
        layer(module)


def test_imports_go_one_way():
    bad = violations(all_edges())
    assert not bad, "imports against the direction:\n" + "\n".join(bad)


def test_the_check_catches_a_writer_that_imports_the_regeneration_code():
    edges = {
        "modelgen.xlsx.cover": {"modelgen.regenerate.carry"},
        "modelgen.model.capex": {"modelgen.xlsx.styles"},
        "modelgen.inputs.settings": {"modelgen"},  # the public API: top level only
    }
    assert len(violations(edges)) == 3
    assert not violations({"modelgen.build": {"modelgen.regenerate.carry"}})


PLAIN_BUILD = """
import json, sys
from modelgen.cli import main
sys.argv = ["modelgen", "build", "--inputs", sys.argv[1], "--out", sys.argv[2], "--quiet"]
try:
    main()
except SystemExit as exc:
    code = exc.code
found = {"code": code, "file": __import__("modelgen").__file__, "modules": sorted(sys.modules)}
print(json.dumps(found))
"""


def test_a_plain_build_imports_neither_openpyxl_nor_the_regeneration_code(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    out = tmp_path / "plain.xlsx"
    run = subprocess.run(
        [sys.executable, "-c", PLAIN_BUILD, str(ROOT / "inputs"), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["code"] == 0 and out.is_file(), run.stderr
    assert Path(result["file"]).resolve() == PACKAGE / "__init__.py"  # this tree's code
    loaded = result["modules"]
    heavy = [m for m in loaded if m.split(".")[0] in ("openpyxl", "pandas")]
    regenerate = [m for m in loaded if m.startswith("modelgen.regenerate")]
    assert not heavy and not regenerate, (heavy[:5], regenerate)
