"""What a newcomer reads first: --help in the usual words, and usage errors that name what was typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fr2en.cli import main

pytestmark = pytest.mark.cli


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wide, plain terminal, so that help and errors are not wrapped or coloured."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERM", "dumb")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("command", ["translate", "align", "score", "evaluate", "models tiny", "serve"])
def test_help_shows_arguments_in_capitals_and_no_python_types(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code, out, _ = _run(capsys, *command.split(), "--help")
    assert code == 0
    assert not re.search(r"<(bool|list\[str\]|str|dir|file|int|float)>", out), out
    assert "{" not in out.split("\n\n")[0] + out.splitlines()[1]
    assert "configs/default.toml" not in out


def test_translate_help(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "translate", "--help")
    assert "fr2en translate [OPTIONS] PATHS..." in out
    assert "fast extra" in out and "fr2en is installed" not in out


def test_the_command_list_keeps_each_line_whole(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "--help")
    align = next(line for line in out.splitlines() if " align " in line)
    assert align.rstrip(" │").endswith("Align a French text with an existing English translation.")
    assert "<bool>" not in out


@pytest.mark.parametrize("command", ["translate", "align", "score"])
def test_a_command_without_its_arguments_says_what_is_missing(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code, _, err = _run(capsys, command)
    assert code == 2
    assert "Missing" in err


def test_a_bad_option_value_names_the_option_typed(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "translate", "seeds/", "--beam", "0")
    assert code == 2
    assert "--beam" in err and "model.beam" not in err
    code, _, err = _run(capsys, "translate", "seeds/", "--threshold", "2")
    assert code == 2 and "--threshold" in err


def test_a_model_folder_that_does_not_exist_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "no" / "model")
    for command in (["translate", "seeds/"], ["score", "--src", "a", "--hyp", "b"]):
        code, _, err = _run(capsys, *command, "--model", missing)
        assert code == 2
        assert len(err.strip().splitlines()) == 1
        assert err.startswith(f"fr2en: error: --model {missing}: no such model folder")


def test_output_folder_with_stdin_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _run(capsys, "translate", "-", "-o", str(tmp_path / "out"))
    assert code == 2 and out == ""
    assert "standard output" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("value", "expected"), [("", False), ("0", False), ("1", True), ("yes", True)])
def test_fr2en_debug_is_read_in_one_place(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    from fr2en.errors import debugging

    monkeypatch.setenv("FR2EN_DEBUG", value)
    assert debugging() is expected
