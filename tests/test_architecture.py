"""The import directions docs/architecture.md promises, read from the source (ast).

The core decides and asks GitHub through its port; it does no I/O of its own,
so it imports none of the layers that do (gateway, AWS, runtimes, intake) nor
their libraries. The gateway implements the port and imports from the core
only the port's types, so the two never depend on each other both ways.
Every import counts, including the lazy ones inside functions and those only
made for type checking.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from gh_promotion.core.ports import GitHub, Repository
from gh_promotion.gateway.github import RepositoryGateway
from gh_promotion.runtime.wiring import GitHubApp

PACKAGE = Path(__file__).resolve().parent.parent / "gh_promotion"

# What the core may import from the product: itself, the configuration's values, the error base.
CORE_MAY_IMPORT = ("gh_promotion.core", "gh_promotion.config.model", "gh_promotion.errors")
# Libraries that talk to the network, the disk's services or AWS.
IO_LIBRARIES = (
    "requests",
    "urllib3",
    "github",
    "boto3",
    "botocore",
    "flask",
    "werkzeug",
    "waitress",
    "mangum",
    "a2wsgi",
    "socket",
    "http",
    "urllib.request",
    "subprocess",
)
# The core modules the gateway may import: the port's types and the errors it raises.
GATEWAY_MAY_IMPORT_FROM_CORE = ("gh_promotion.core.ports", "gh_promotion.core.errors")


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute; ``from a import b`` counts as ``a.b`` too,
    so ``from gh_promotion import gateway`` is caught as ``gh_promotion.gateway``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def modules_of(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def name_of(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", modules_of("core"), ids=name_of)
def test_the_core_imports_neither_the_edges_nor_io_libraries(path: Path) -> None:
    imports = imported_modules(path)
    product = {n for n in imports if within(n, ("gh_promotion",)) and n != "gh_promotion"}
    # ``from gh_promotion.core import feedback`` also yields the package itself.
    wrong = sorted(n for n in product if not within(n, CORE_MAY_IMPORT))
    io = sorted(n for n in imports if within(n, IO_LIBRARIES))
    assert not wrong, f"{name_of(path)} imports {wrong}: the core reaches GitHub only by its port"
    assert not io, f"{name_of(path)} imports {io}: the core does no I/O"


@pytest.mark.parametrize("path", modules_of("gateway"), ids=name_of)
def test_the_gateway_takes_only_the_ports_types_from_the_core(path: Path) -> None:
    from_core = {n for n in imported_modules(path) if within(n, ("gh_promotion.core",))}
    # ``from gh_promotion.core.ports import Write`` names the module and the type.
    modules = {n for n in from_core if not within(n, GATEWAY_MAY_IMPORT_FROM_CORE)}
    assert not modules, f"{name_of(path)} imports {sorted(modules)} from the core"


def test_the_rules_see_the_imports_they_forbid() -> None:
    """The checks above would pass on an empty set: make sure the parser finds imports."""
    promote = imported_modules(PACKAGE / "core" / "promote.py")
    assert "gh_promotion.core.errors.NotFastForward" in promote
    handler = imported_modules(PACKAGE / "core" / "handler.py")
    assert "gh_promotion.core.decide.decide" in handler  # a lazy import, inside a function
    assert "gh_promotion.core.ports.GitHub" in handler  # a TYPE_CHECKING import
    gateway = imported_modules(PACKAGE / "gateway" / "github.py")
    assert "gh_promotion.core.ports" in gateway


def shape(function: object) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize(
    ("port", "implementation"), [(Repository, RepositoryGateway), (GitHub, GitHubApp)]
)
def test_each_port_is_implemented_method_for_method(port: type, implementation: type) -> None:
    """Nothing type-checks the protocols at run time: a renamed or reshaped method
    would only fail on the delivery that calls it."""
    methods = [n for n, m in vars(port).items() if callable(m) and not n.startswith("_")]
    assert methods
    for name in methods:
        theirs = getattr(implementation, name, None)
        assert theirs is not None, f"{implementation.__name__} lacks {name}"
        assert shape(theirs) == shape(getattr(port, name)), f"{implementation.__name__}.{name}"


# Web and Lambda adapters: only the shells in runtime/ may import them.
SHELL_LIBRARIES = ("flask", "werkzeug", "waitress", "mangum", "a2wsgi", "awslambdaric")


def product_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "simulator" not in p.parts)


@pytest.mark.parametrize("path", modules_of("intake"), ids=name_of)
def test_intake_reads_deliveries_without_the_shells_or_the_outside(path: Path) -> None:
    """Every way in (HTTP request, Lambda HTTP envelope, EventBridge event) is pure."""
    imports = imported_modules(path)
    edges = ("gh_promotion.runtime", "gh_promotion.gateway", "gh_promotion.aws")
    wrong = sorted(n for n in imports if within(n, edges) or within(n, IO_LIBRARIES))
    assert not wrong, f"{name_of(path)} imports {wrong}: intake only reads what it is handed"


def test_only_the_runtime_shells_import_web_and_lambda_adapters() -> None:
    outside = {
        name_of(path): sorted(n for n in imported_modules(path) if within(n, SHELL_LIBRARIES))
        for path in product_modules()
        if "runtime" not in path.relative_to(PACKAGE).parts
    }
    assert {path: names for path, names in outside.items() if names} == {}
    assert "flask" in imported_modules(PACKAGE / "runtime" / "webapp.py")  # the rule sees them


def test_the_documented_lambda_handler_only_re_exports_the_runtime_shell() -> None:
    tree = ast.parse((PACKAGE / "aws_lambda.py").read_text())
    defined = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert defined == []
    assert "gh_promotion.runtime.aws_lambda.handler" in imported_modules(PACKAGE / "aws_lambda.py")


@pytest.mark.parametrize(
    ("words", "home"),
    [
        ("-byte limit", "intake/body_size.py"),  # the body-size check
        ("unknown event type", "core/errors.py"),  # the event-name check
    ],
)
def test_each_check_is_written_in_one_place(words: str, home: str) -> None:
    """A check copied into a second module drifts from the first: its words live in one."""
    code_with_words = [
        str(path.relative_to(PACKAGE))
        for path in product_modules()
        if any(words in line for line in _strings(path))
    ]
    assert code_with_words == [home]


def _strings(path: Path) -> list[str]:
    """String constants that are not docstrings: what the module says, not what it explains."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]
