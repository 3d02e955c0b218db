"""An import-linter contract: a package is used only through its public surface.

Code outside a package imports what the package's `__init__` offers (`from assistant.playbook import
Playbook`), never one of its modules (`assistant.playbook.chroma`); and no module imports a name that
starts with an underscore from another module. Run by `lint-imports` (pyproject.toml, [tool.importlinter]).
"""

from __future__ import annotations

from typing import Any

from importlinter import Contract, ContractCheck, fields, output


class PublicSurfaceContract(Contract):
    """`packages`: the packages whose modules only they themselves may import (their surfaces are open)."""

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        packages = [str(p) for p in self.packages]  # type: ignore[attr-defined]
        violations: list[str] = []
        for importer in sorted(graph.modules):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                details = graph.get_import_details(importer=importer, imported=imported)
                violations += [
                    f"{importer} l.{d['line_number']} imports a private name: {d['line_contents']}"
                    for d in details if _imports_private_name(d["line_contents"])
                ]
                owner = _owner(imported, packages)
                if owner is None or imported == owner or _inside(importer, owner):
                    continue
                # `from assistant.interviews import drift` names the package (its surface offers `drift`);
                # `from assistant.interviews.drift import ...` reaches past it.
                violations += [
                    f"{importer} l.{d['line_number']} imports {imported}: import from {owner} instead"
                    for d in details if f"{owner}." in d["line_contents"]
                ]
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(violation, bold=False)


def _owner(module: str, packages: list[str]) -> str | None:
    for package in packages:
        if _inside(module, package):
            return package
    return None


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _imports_private_name(line: str) -> bool:
    if " import " not in line:
        return False
    names = line.split(" import ", 1)[1].strip("() \\")
    return any(name.split(" as ")[0].strip().startswith("_") for name in names.split(",") if name.strip())
