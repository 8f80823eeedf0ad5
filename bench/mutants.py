"""`make mutants`: mutation testing of the modules where a wrong line means a wrong figure.

Each module of `[tool.mutants]` in pyproject.toml is edited one mutant at a time
(bench/mutations.py) in a copy of the repository under mutants/, and the tests that guard it
run against the edit: a mutant the tests let through is a wrong line nobody would notice.

Fast enough to run by hand on two cores: the third-party libraries and jieba's dictionary are
loaded once and every mutant runs in a forked child; and a mutant runs only the test files that
execute its lines, as a baseline run under coverage found (every file, for module-level code),
stopping at the first failure. A mutant whose lines no test executes is not run: it survives,
counted apart as "not covered".

    python -m bench.mutants                      # every module, a table of scores at the end
    python -m bench.mutants ingest/values.py     # one module
    python -m bench.mutants --survivors          # run again only what survived last time
    python -m bench.mutants --list ingest/values.py   # the surviving mutants, as diffs
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from bench.mutations import Mutant, mutants

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutants"
RESULTS = WORK / "results"
EQUIVALENT = Path(__file__).with_name("mutants_equivalent.toml")
# Loaded once before the children fork: none of them is a module under test.
PRELOAD = ("pytest", "hypothesis", "jieba", "numpy", "scipy.sparse", "lxml.html", "pdfplumber", "docx", "sqlite_utils",
           "click", "rank_bm25", "coverage", "index.tokenize")
PYTEST_ARGS = ("-q", "-x", "-p", "no:cacheprovider", "--hypothesis-seed=0", "-W", "ignore::DeprecationWarning")
POLL_SECONDS = 0.02


@dataclass
class Module:
    """A module under test: its path, the pytest arguments that guard it, what to mutate."""

    path: str
    tests: list[str]
    functions: tuple[str, ...] = ()
    sample: int | None = None  # mutants run at most, drawn with `seed`, when a module has too many

    @property
    def name(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")


@dataclass
class Outcome:
    number: int
    line: int
    operator: str
    function: str
    before: str
    after: str
    status: str  # killed, survived, timeout, uncovered (survived, no test runs it), error
    killed_by: str = ""
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)


def load_config() -> tuple[list[Module], int]:
    """The modules to mutate, in order, and the seed that draws samples."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutants"]
    modules = [
        Module(path, list(entry["tests"]), tuple(entry.get("functions", ())), entry.get("sample"))
        for path, entry in config["modules"].items()
    ]
    return modules, int(config.get("seed", 0))


# ---------------------------------------------------------------- the copy the mutants live in


def prepare_tree(slot: int) -> Path:
    """A copy of the repository's files (tracked and new, not ignored), byte-compiled once."""
    tree = WORK / f"tree-{os.getpid()}-{slot}"  # runs of other modules may go on beside this one
    if tree.exists():
        shutil.rmtree(tree)
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not name.startswith("mutants/"):
            target = tree / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    # The tests find the real reports at ../shared beside the repository.
    shared = (ROOT.parent / "shared").resolve()
    if shared.exists() and not (WORK / "shared").exists():
        (WORK / "shared").symlink_to(shared)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree)], check=True)
    return tree


def _pyc(tree: Path, module: Module) -> list[Path]:
    path = tree / module.path
    return list((path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"))


# ---------------------------------------------------------------- forked children


def preload() -> None:
    """Import what every child needs and no module under test, before any child is forked."""
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    for name in PRELOAD:
        importlib.import_module(name)
    importlib.import_module("index.tokenize")._tokenizer()  # jieba's dictionary: over a second a load


class Child:
    """A forked process that runs pytest in a tree; its exit code, or None while it runs."""

    def __init__(
        self, tree: Path, args: list[str], log: Path, plugin: Callable[[], object], mutant: tuple[Path, str]
    ):
        self.log, self.started = log, time.monotonic()
        self.pid = os.fork()
        if self.pid == 0:  # the child
            code = 3
            try:
                os.setpgid(0, 0)  # its own group: a timeout ends the subprocesses its tests start too
                path, source = mutant
                path.write_text(source)
                fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.chdir(tree)
                sys.path.insert(0, str(tree))
                import pytest

                code = int(pytest.main([*PYTEST_ARGS, *args], plugins=[plugin()]))
            finally:
                os._exit(code)

    def poll(self) -> int | None:
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return None
        return os.waitstatus_to_exitcode(status)

    def stop(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


class _Baseline:
    """A pytest plugin: which test executes which line of the module, and which fixtures tests share."""

    def __init__(self, module: Module, source_path: Path, out: Path):
        import coverage

        self.module, self.out = module, out
        self.cov = coverage.Coverage(data_file=None, include=[str(source_path)], config_file=False)
        self.source_path = str(source_path)
        self.items: list[str] = []
        self.shared: dict[str, list[str]] = {}
        self.durations: dict[str, float] = {}
        self.cov.start()

    def pytest_collection_modifyitems(self, items: list) -> None:
        self.items = [item.nodeid for item in items]
        for item in items:
            fixtures = getattr(item, "_fixtureinfo", None)
            definitions = fixtures.name2fixturedefs.items() if fixtures else ()
            self.shared[item.nodeid] = sorted(name for name, defs in definitions if defs and defs[-1].scope != "function")

    def pytest_runtest_setup(self, item: Any) -> None:
        # The module's own caches (@cache) are emptied, so that every test that needs them runs their lines.
        target = sys.modules.get(self.module.name)
        for value in vars(target).values() if target else ():
            if hasattr(value, "cache_clear") and getattr(value, "__module__", None) == self.module.name:
                value.cache_clear()
        self.cov.switch_context(item.nodeid)

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.durations[report.nodeid] = self.durations.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self) -> None:
        self.cov.stop()
        data = self.cov.get_data()
        lines = {line: sorted(set(contexts)) for line, contexts in data.contexts_by_lineno(self.source_path).items()}
        self.out.write_text(json.dumps(
            {"items": self.items, "shared": self.shared, "durations": self.durations, "lines": lines}
        ))


class _FirstFailure:
    """A pytest plugin: the first test (or test file) that failed, written to a file."""

    def __init__(self, out: Path):
        self.out = out

    def _note(self, nodeid: str) -> None:
        if not self.out.exists():
            self.out.write_text(nodeid)

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self._note(report.nodeid)

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self._note(f"collecting {report.nodeid}")


# ---------------------------------------------------------------- one module


@dataclass
class Baseline:
    items: list[str]
    shared: dict[str, list[str]]  # test → the fixtures it shares with other tests (scope wider than a test)
    durations: dict[str, float]
    lines: dict[int, list[str]]  # line → the tests that execute it ("" at import)

    def files(self) -> list[str]:
        """The test files, the fastest first."""
        totals: dict[str, float] = {}
        for item in self.items:
            file = _file(item)
            totals[file] = totals.get(file, 0.0) + self.durations.get(item, 0.0)
        return sorted(totals, key=lambda f: totals[f])

    def selection(self, lines: set[int], uses: set[int], killers: Counter[str]) -> list[str]:
        """The tests a mutant of these lines runs: those that execute them, and the tests that share a
        fixture with one of those (a module's report parsed once for all its tests). Code run at import
        (a constant, a default) is judged by the tests that execute the lines that `uses` it; all tests
        when none does. The tests that killed most mutants so far run first, then the fastest files.
        """
        contexts = {c for line in lines for c in self.lines.get(line, ())}
        covering = {c for c in contexts if c}
        if not covering and "" in contexts:
            covering = {c for line in uses for c in self.lines.get(line, ()) if c} or set(self.items)
        sharing = {
            item for item in self.items for c in covering
            if _file(item) == _file(c) and set(self.shared.get(item, ())) & set(self.shared.get(c, ()))
        }
        chosen = covering | sharing
        files = self.files()
        kills = Counter(_file(item) for item in killers.elements())
        order = sorted({_file(i) for i in chosen}, key=lambda f: (-kills[f], files.index(f)))
        position = {item: n for n, item in enumerate(self.items)}
        return sorted(chosen, key=lambda i: (order.index(_file(i)), -killers[i], i not in covering, position[i]))


def _file(nodeid: str) -> str:
    return nodeid.split("::")[0]


def _import_time_start(source: str, line: int) -> set[int]:
    """The first line of the module-level statement (not a def or class) holding `line`: coverage
    records a statement run at import there, so a constant spread over lines is found by it."""
    statement = next((s for s in ast.parse(source).body if s.lineno <= line <= (s.end_lineno or s.lineno)), None)
    if statement is None or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return set()
    return {statement.lineno}


def uses(source: str, line: int) -> set[int]:
    """For a line of code run at import: the lines that use the names its top-level statement binds."""
    tree = ast.parse(source)
    statement = next((s for s in tree.body if s.lineno <= line <= (s.end_lineno or s.lineno)), None)
    if statement is None:
        return set()
    names = {statement.name} if isinstance(statement, (ast.ClassDef, ast.FunctionDef)) else {
        node.id for node in ast.walk(statement) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    return {n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in names and isinstance(n.ctx, ast.Load)}


def run_baseline(module: Module, tree: Path) -> tuple[Baseline, float]:
    """The module's tests on its unmutated code, under coverage; they must pass."""
    out, log = tree.with_name(f"{tree.name}.baseline.json"), tree.with_name(f"{tree.name}.baseline.log")
    out.unlink(missing_ok=True)
    started = time.monotonic()
    tests = [t for t in module.tests if t.startswith("-") or (tree / t.split("::")[0]).exists()]
    child = Child(tree, tests, log, lambda: _Baseline(module, tree / module.path, out),
                  mutant=(tree / module.path, (ROOT / module.path).read_text()))
    while (code := child.poll()) is None:
        time.sleep(0.1)
    seconds = time.monotonic() - started
    if code != 0 or not out.exists():
        sys.exit(f"{module.path}: its tests fail on the unmutated code (exit {code}); see {log}")
    data = json.loads(out.read_text())
    lines = {int(k): v for k, v in data["lines"].items()}
    return Baseline(data["items"], data["shared"], data["durations"], lines), seconds


def run_module(module: Module, trees: list[Path], seed: int, only: set[int] | None) -> tuple[list[Outcome], int]:
    """Every mutant of a module (or a sample, or `only` those numbers), run in parallel over the trees;
    and how many mutants the module has."""
    source = (ROOT / module.path).read_text()
    every = mutants(module.path, source, module.functions)
    chosen = every
    if module.sample and len(every) > module.sample:
        chosen = sorted(random.Random(seed).sample(every, module.sample), key=lambda m: m.number)
    if only is not None:
        chosen = [m for m in chosen if m.number in only]
    for tree in trees:
        for pyc in _pyc(tree, module):
            pyc.unlink()  # never the unmutated code's bytecode for a mutant of the same size and second
    baseline, seconds = run_baseline(module, trees[0])
    timeout = 3 * seconds + 60  # the whole selection, slowed by a busy machine, with room to spare
    print(f"{module.path}: {len(every)} mutants, {len(chosen)} to run; its tests take {seconds:.0f} s", flush=True)

    outcomes: dict[int, Outcome] = {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so that `finally` ends the children
    killers: Counter[str] = Counter()  # the tests that killed mutants of this module, run first for the next
    queue = list(chosen)
    running: dict[int, tuple[Child, Mutant, Path, Path]] = {}  # slot → the child, its mutant, its files
    done = 0
    try:
        while queue or running:
            for slot, tree in enumerate(trees):
                if slot in running or not queue:
                    continue
                mutant = queue.pop(0)
                span = set(range(mutant.line, mutant.end_line + 1)) | _import_time_start(source, mutant.line)
                selection = baseline.selection(span, uses(source, mutant.line), killers)
                before, after = mutant.diff(source)
                outcome = Outcome(mutant.number, mutant.line, mutant.operator, mutant.function, before, after, "uncovered")
                outcome.files = sorted({_file(s) for s in selection})
                outcomes[mutant.number] = outcome
                if not selection:
                    done += 1
                    print(f"  {done}/{len(chosen)} #{mutant.number} L{mutant.line} uncovered: {after[:100]}", flush=True)
                    continue
                failure, log = tree.with_name(f"{tree.name}.failure"), tree.with_name(f"{tree.name}.log")
                failure.unlink(missing_ok=True)
                child = Child(tree, selection, log, lambda: _FirstFailure(failure),
                              mutant=(tree / module.path, mutant.apply(source)))
                running[slot] = (child, mutant, failure, log)
            for slot, (child, mutant, failure, log) in list(running.items()):
                code = child.poll()
                elapsed = time.monotonic() - child.started
                if code is None and elapsed < timeout:
                    continue
                outcome = outcomes[mutant.number]
                outcome.seconds = round(elapsed, 2)
                if code is None:
                    child.stop()
                    outcome.status = "timeout"
                elif code == 0:
                    outcome.status = "survived"
                elif code in (1, 2) or code < 0 or failure.exists():
                    # A test failed, the module no longer imports (with node ids: pytest's usage error), or it crashed.
                    outcome.status = "killed"
                    outcome.killed_by = failure.read_text() if failure.exists() else f"exit {code}"
                    killers[outcome.killed_by] += 1
                else:
                    outcome.status = "error"  # pytest could not run the selection: a fault of this tool
                    outcome.killed_by = f"exit {code}; " + log.read_text()[-500:]
                del running[slot]
                done += 1
                shown = f": {outcome.after[:100]}" if outcome.status != "killed" else ""
                print(f"  {done}/{len(chosen)} #{mutant.number} L{mutant.line} {outcome.status} {elapsed:.0f}s{shown}", flush=True)
            time.sleep(POLL_SECONDS)
    finally:
        for child, *_ in running.values():
            child.stop()  # stopped (Ctrl-C, SIGTERM): no child goes on alone
    for tree in trees:
        (tree / module.path).write_text(source)
    return [outcomes[m.number] for m in chosen], len(every)


# ---------------------------------------------------------------- results and scores


def equivalents() -> dict[tuple[str, str, str], str]:
    """Survivors explained as equivalent: (module, line before, line after) → why."""
    if not EQUIVALENT.exists():
        return {}
    entries = tomllib.loads(EQUIVALENT.read_text()).get("equivalent", [])
    return {(e["module"], e["before"], e["after"]): e["why"] for e in entries}


def save(module: Module, outcomes: list[Outcome], generated: int, merge: bool) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{module.name}.json"
    previous = json.loads(path.read_text()) if merge and path.exists() else {"outcomes": []}
    by_number = {o["number"]: o for o in previous["outcomes"]}
    by_number.update({o.number: asdict(o) for o in outcomes})
    path.write_text(json.dumps(
        {"module": module.path, "generated": generated, "outcomes": sorted(by_number.values(), key=lambda o: o["number"])},
        ensure_ascii=False, indent=1,
    ))


def scores(modules: list[Module]) -> str:
    """The table of docs/mutants.md: per module, what was generated, run, killed and let through."""
    explained = equivalents()
    rows = ["| module | mutants | run | killed | timeouts | survived | not covered | equivalent | score |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for module in modules:
        path = RESULTS / f"{module.name}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        outcomes = data["outcomes"]
        count = {s: sum(o["status"] == s for o in outcomes) for s in ("killed", "timeout", "survived", "uncovered", "error")}
        equivalent = sum(
            (module.path, o["before"], o["after"]) in explained for o in outcomes if o["status"] in ("survived", "uncovered")
        )
        judged = len(outcomes) - equivalent - count["error"]
        score = (count["killed"] + count["timeout"]) / judged if judged else 1.0
        rows.append(
            f"| `{module.path}` | {data['generated']} | {len(outcomes)} | {count['killed']} | {count['timeout']} | "
            f"{count['survived']} | {count['uncovered']} | {equivalent} | {score:.1%} |"
        )
    return "\n".join(rows)


def survivors(module: Module, all_of_them: bool = False) -> list[dict]:
    """The survivors of the last run not yet explained as equivalent (all of them with `all_of_them`)."""
    path = RESULTS / f"{module.name}.json"
    if not path.exists():
        return []
    explained = equivalents()
    return [
        o for o in json.loads(path.read_text())["outcomes"]
        if o["status"] in ("survived", "uncovered", "error")
        and (all_of_them or (module.path, o["before"], o["after"]) not in explained)
    ]


def record_equivalent(keys: str, why: str) -> None:
    """Append survivors (ingest/validate.py#17,18) to bench/mutants_equivalent.toml with the reason."""
    path, numbers = keys.split("#")
    wanted = {int(n) for n in numbers.split(",")}
    results = RESULTS / f"{path.removesuffix('.py').replace('/', '.')}.json"
    outcomes = [o for o in json.loads(results.read_text())["outcomes"] if o["number"] in wanted]
    if len(outcomes) != len(wanted):
        sys.exit(f"not in the last run of {path}: {sorted(wanted - {o['number'] for o in outcomes})}")
    with EQUIVALENT.open("a") as out:
        for o in outcomes:
            out.write(
                f"\n[[equivalent]]  # #{o['number']} L{o['line']} {o['operator']}\nmodule = {_toml(path)}\n"
                f"before = {_toml(o['before'])}\nafter = {_toml(o['after'])}\nwhy = {_toml(why)}\n"
            )


def _toml(text: str) -> str:
    """A TOML string that holds the text exactly (a literal string when it can be one)."""
    if "\'" not in text and "\n" not in text:
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="paths of modules in [tool.mutants] (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--survivors", action="store_true", help="run only what survived last time, unexplained")
    parser.add_argument("--list", action="store_true", help="list the unexplained survivors of the last run")
    parser.add_argument("--table", action="store_true", help="print the table of scores of the last runs")
    parser.add_argument("--equivalent", nargs=2, metavar=("MODULE#N,…", "WHY"),
                        help="record survivors of the last run as equivalent, with the reason")
    args = parser.parse_args(argv)
    if args.equivalent:
        record_equivalent(*args.equivalent)
        return

    configured, seed = load_config()
    modules = [m for m in configured if not args.modules or m.path in args.modules]
    unknown = set(args.modules) - {m.path for m in configured}
    if unknown:
        parser.error(f"not in [tool.mutants.modules]: {', '.join(sorted(unknown))}")
    if args.list:
        for module in modules:
            for o in survivors(module):
                print(f"{module.path}#{o['number']} L{o['line']} {o['function'] or '(module)'} {o['operator']} [{o['status']}]")
                print(f"    - {o['before']}\n    + {o['after']}")
        return
    if not args.table:
        WORK.mkdir(exist_ok=True)
        (WORK / ".gitignore").write_text("*\n")
        trees = [prepare_tree(slot) for slot in range(args.jobs)]
        preload()
        for module in modules:
            only = {o["number"] for o in survivors(module)} if args.survivors else None
            started = time.monotonic()
            outcomes, generated = run_module(module, trees, seed, only)
            save(module, outcomes, generated, merge=args.survivors)
            print(f"{module.path}: done in {time.monotonic() - started:.0f} s", flush=True)
        for tree in trees:
            for path in (tree, *tree.parent.glob(f"{tree.name}.*")):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    print(scores(modules))


if __name__ == "__main__":
    main()
