"""State that is safe under a threaded web server (issue 18).

No module-level memo keyed by `id()`, no unbounded cache, no module-level container that
functions fill in except the few listed below with the reason each is safe; and assessments run
concurrently in threads, with the caches emptied, equal the same assessments run one by one.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import random
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import b12pain
from b12pain import assess, parse_profile
from b12pain.clinical import (
    assessment,
    catalogue,
    findings,
    labs,
    plan,
    profile,
    regimens,
    screening,
    triage,
)
from test_clinical_properties import profiles

SRC = Path(b12pain.__file__).parent
TODAY = dt.date(2026, 11, 24)

#: Module-level containers that functions fill in, each safe for a stated reason.
SAFE_MODULE_STATE = {
    # Weak-keyed by the knowledge base (its value: an immutable, loaded knowledge base); an entry
    # goes when the knowledge base does; a lost race builds the same table twice.
    ("interop/codes.py", "_TABLES"),
    ("service/_knowledge.py", "_BUILT"),
    # Filled at import time by a class decorator (the YAML kinds), never afterwards.
    ("knowledge/schema/_registry.py", "ENTRY_KINDS"),
    # Made once on first use and never changed (a password hasher, a dummy hash for timing).
    ("service/accounts.py", "global _hasher"),
    ("service/accounts.py", "global _dummy_hash"),
}
#: `functools.cache` (unbounded) on a function of arguments, bounded by a closed set of values.
BOUNDED_BY_DOMAIN = {
    # One entry per diary kind: an unknown kind raises `KeyError` before anything is stored.
    "reports/csvfiles.py:fields_of",
    "reports/csvfiles.py:json_fields",
}
_MUTATORS = {
    "add",
    "append",
    "clear",
    "discard",
    "extend",
    "insert",
    "pop",
    "popitem",
    "remove",
    "setdefault",
    "update",
}
_CONTAINERS = {
    "Counter",
    "OrderedDict",
    "WeakKeyDictionary",
    "WeakValueDictionary",
    "defaultdict",
    "deque",
    "dict",
    "list",
    "set",
}
_DISPLAYS = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _module_containers(tree: ast.Module) -> set[str]:
    """Names bound at module level to a mutable container."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        called = value.func if isinstance(value, ast.Call) else None
        called_name = getattr(called, "id", None) or getattr(called, "attr", None)
        if isinstance(value, _DISPLAYS) or called_name in _CONTAINERS:
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _state_written_by_functions(tree: ast.Module) -> set[str]:
    """Module-level containers that a function writes into, and `global` rebindings."""
    containers = _module_containers(tree)
    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Global):
                found.update(f"global {name}" for name in node.names)
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign | ast.Delete):
                targets = list(node.targets)
            elif isinstance(node, ast.AugAssign):
                targets = [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in containers
                ):
                    found.add(target.value.id)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _MUTATORS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in containers
            ):
                found.add(node.func.value.id)
    return found


def test_nothing_is_keyed_by_object_identity() -> None:
    """`id()` of an object is reused once the object is gone: never a cache key (nor anything)."""
    calls = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id"
    ]
    assert calls == []


def test_no_module_level_memo_besides_the_known_safe_ones() -> None:
    written = {
        (name, state) for name, tree in _modules() for state in _state_written_by_functions(tree)
    }
    assert written <= SAFE_MODULE_STATE, "a new module-level memo: " + ", ".join(
        f"{name} {state}" for name, state in sorted(written - SAFE_MODULE_STATE)
    )


def test_the_check_sees_an_identity_memo() -> None:
    """The two checks above find the pattern issue 18 removed (a dict keyed by `id()`)."""
    tree = ast.parse(
        "_MEMO: dict[int, object] = {}\n"
        "def memo(subject, build):\n"
        "    if len(_MEMO) > 8:\n"
        "        _MEMO.clear()\n"
        "    _MEMO[id(subject)] = build()\n"
    )
    assert _state_written_by_functions(tree) == {"_MEMO"}
    assert any(
        isinstance(n, ast.Call) and getattr(n.func, "id", "") == "id" for n in ast.walk(tree)
    )


def _decorator_name(decorator: ast.expr) -> str:
    node = decorator.func if isinstance(decorator, ast.Call) else decorator
    return getattr(node, "id", None) or getattr(node, "attr", "")


def test_every_cache_is_bounded() -> None:
    """`lru_cache` always with a numeric `maxsize`; `cache` only on functions without arguments
    (or whose argument takes a closed set of values, listed above)."""
    unbounded = []
    for name, tree in _modules():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in function.decorator_list:
                kind = _decorator_name(decorator)
                if kind == "lru_cache":
                    sizes = [
                        k.value for k in getattr(decorator, "keywords", []) if k.arg == "maxsize"
                    ] + list(getattr(decorator, "args", []))
                    bounded = bool(sizes) and all(
                        isinstance(s, ast.Constant) and isinstance(s.value, int) for s in sizes
                    )
                    if not bounded:
                        unbounded.append(f"{name}:{function.name}")
                elif kind == "cache" and function.args.args:
                    unbounded.append(f"{name}:{function.name}")
    assert set(unbounded) <= BOUNDED_BY_DOMAIN


_CLINICAL = (assessment, catalogue, findings, labs, plan, profile, regimens, screening, triage)


def _clinical_caches() -> list[Callable[..., Any]]:
    """Every memoised function of `clinical` that takes arguments (not the catalogue itself)."""
    caches = []
    for module in _CLINICAL:
        for value in vars(module).values():
            if hasattr(value, "cache_clear") and inspect.signature(value).parameters:
                caches.append(value)
    return caches


def test_the_clinical_caches_are_found() -> None:
    names = {c.__name__ for c in _clinical_caches()}
    assert {"_testing_answer", "_treated", "_interpret", "_red_flags"} <= names


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(profiles(), min_size=6, max_size=12))
def test_assessments_in_threads_equal_assessments_one_by_one(raw: list[dict[str, Any]]) -> None:
    parsed = [parse_profile(p) for p in raw]
    expected = [assess(p, TODAY).to_json_dict() for p in parsed]
    for cached in _clinical_caches():
        cached.cache_clear()  # type: ignore[attr-defined]
    # Every profile several times in a shuffled order, so threads fill the same entries at once.
    order = [i for i in range(len(parsed)) for _ in range(4)]
    random.Random(len(order)).shuffle(order)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(lambda i: (i, assess(parsed[i], TODAY).to_json_dict()), order))
    finally:
        sys.setswitchinterval(interval)
    for i, result in got:
        assert result == expected[i]
