"""The README and docs/ as a newcomer meets them: short, linked, and their code runs as written."""

from __future__ import annotations

import dataclasses
import doctest
import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from fr2en.config import load_settings

from .conftest import REPO, TINY_CONFIG

README = REPO / "README.md"
DOCS = REPO / "docs"
PAGES = sorted(DOCS.glob("*.md"))
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)
# A short article: the tiny model is slow enough on a busy machine.
_ARTICLE = "Le ministre a parlé.\n\nIl reviendra jeudi à Paris.\n"
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _flag_table_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("flag_table", REPO / "scripts" / "flag_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_fits_in_200_lines() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) < 200


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {
        (README.parent / target).resolve() for target in _LINK.findall(README.read_text(encoding="utf-8"))
    }
    assert PAGES and [page.name for page in PAGES if page.resolve() not in linked] == []


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: p.name)
def test_relative_links_lead_to_files_that_exist(page: Path) -> None:
    targets = [t for t in _LINK.findall(page.read_text(encoding="utf-8")) if "://" not in t]
    assert [t for t in targets if not (page.parent / t).exists()] == []


def test_the_flag_table_is_generated_from_the_code() -> None:
    from fr2en.score import FLAG_DESCRIPTIONS

    script = _flag_table_script()
    page = (DOCS / "scoring.md").read_text(encoding="utf-8")
    table = script.table_in(page)
    assert table == script.flag_table(), "run: python scripts/flag_table.py --write"
    assert [row.split("`")[1] for row in table.splitlines()[2:]] == list(FLAG_DESCRIPTIONS)
    assert script.flag_table({"a": "x | y"}) == "| flag | meaning |\n|---|---|\n| `a` | x \\| y |\n"


def test_settings_files_may_be_named_by_str_or_path() -> None:
    assert load_settings(str(TINY_CONFIG), environ={}) == load_settings(TINY_CONFIG, environ={})


def _blocks(page: Path) -> list[str]:
    return _PYTHON_BLOCK.findall(page.read_text(encoding="utf-8"))


def test_the_docs_have_python_blocks_to_run() -> None:
    assert _blocks(README) and sum(len(_blocks(page)) for page in PAGES) >= 2


@pytest.mark.model
@pytest.mark.parametrize(
    ("page", "index"),
    [(page, index) for page in (README, *PAGES) for index in range(len(_blocks(page)))],
    ids=lambda value: value.name if isinstance(value, Path) else str(value),
)
def test_python_blocks_run_as_written(
    page: Path,
    index: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each block runs in a folder holding the files it names, in tiny mode (set by the environment)."""
    code = _blocks(page)[index]
    for name in ("article.txt", "article.fr.txt", "articles/a.txt", "articles/sub/b.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(_ARTICLE, encoding="utf-8")
    (tmp_path / "article.en.txt").write_text(
        "The minister spoke. He will come back on Thursday.\n", encoding="utf-8"
    )
    (tmp_path / "configs").mkdir()
    shutil.copyfile(TINY_CONFIG, tmp_path / "configs" / "tiny.toml")
    monkeypatch.chdir(tmp_path)
    for key, value in dataclasses.asdict(load_settings(TINY_CONFIG, environ={}).model).items():
        monkeypatch.setenv(f"FR2EN_MODEL_{key.upper()}", str(value))
    if code.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(code, {}, f"{page.name}[{index}]", str(page), 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test)
        assert runner.summarize(verbose=False).failed == 0, capsys.readouterr().out
    else:
        exec(compile(code, f"{page.name}[{index}]", "exec"), {"__name__": "__docs__"})
