"""The command line for people: ISO dates only, help on every option, --registry where it is
typed, --quiet silences warnings, warnings without Python's source line, a taken port."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path
from typing import Any

import pytest

from rendement.cli.main import build_parser, main


def _actions(parser: argparse.ArgumentParser, path: tuple[str, ...] = ("rendement",)) -> Any:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, (*path, name))
        else:
            yield path, action


def test_every_option_has_help() -> None:
    missing = [
        f"{' '.join(path)} {a.option_strings or a.dest}"
        for path, a in _actions(build_parser())
        if not isinstance(a, argparse._HelpAction | argparse._VersionAction) and not a.help
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("command", "option"),
    [("score", "--as-of"), ("lists", "--as-of"), ("plan", "--as-of"), ("fit", "--until")],
)
def test_dates_on_the_command_line_are_iso_only(
    command: str, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [command, "data", option, "01-12-2025", "--out", "out"]
    if command == "plan":
        args += ["--capacity", "c.csv"]
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "'01-12-2025' is not an ISO date" in err and "write 2025-12-01" in err
    with pytest.raises(SystemExit):
        main([*args[:3], "2025-02-30", *args[4:]])
    assert "not a calendar date" in capsys.readouterr().err


def test_iso_dates_pass_as_they_are() -> None:
    from rendement.cli.commands.options import iso_date

    assert iso_date("2025-12-01") == "2025-12-01"
    for text in ("1-12-2025", "2025/12/01", "20251201", "12 januari 2025", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            iso_date(text)


def test_registry_may_follow_the_models_action(tmp_path: Path, capsys: Any) -> None:
    assert main(["models", "list", "--registry", str(tmp_path / "reg")]) == 0
    assert f"No models registered in {tmp_path / 'reg'}" in capsys.readouterr().out
    assert main(["models", "--registry", str(tmp_path / "reg2"), "list"]) == 0
    assert str(tmp_path / "reg2") in capsys.readouterr().out


def test_csv_dialect_is_checked() -> None:
    with pytest.raises(SystemExit) as stop:
        main(["lists", "d", "--as-of", "2026-01-01", "--out", "o", "--csv-dialect", "excel"])
    assert stop.value.code == 2
    args = build_parser().parse_args(
        ["lists", "d", "--as-of", "2026-01-01", "--out", "o", "--csv-dialect", "nl"]
    )
    assert args.csv_dialect == "nl"


_WARNING_RUN = """
import sys, warnings
from rendement.cli.commands import score
from rendement.hazard import DroppedTermsWarning

def run(args):
    warnings.warn("2 terms were dropped: instrument x has no events", DroppedTermsWarning)
    return 0

score.run = run
from rendement.cli.main import main
sys.exit(main(["score", "d", "--as-of", "2026-01-01", "--out", "o"] + sys.argv[1:]))
"""


def test_quiet_silences_warnings_and_warnings_are_one_line() -> None:
    """In a real process (pytest records warnings itself): what the analyst sees on stderr."""
    import subprocess
    import sys

    def stderr(*extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", _WARNING_RUN, *extra], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stderr

    assert stderr("--quiet") == ""
    assert stderr() == "rendement: warning: 2 terms were dropped: instrument x has no events\n"


def test_a_taken_port_is_said_before_any_key_is_made(tmp_path: Path) -> None:
    from rendement.cli.commands.serve import ServeError, check_port

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(ServeError) as refused:
            check_port("127.0.0.1", port)
    message = str(refused.value)
    assert f"port {port}" in message and "PORT=" in message and "--port" in message
    check_port("127.0.0.1", port)  # free again


def test_demo_without_serving_ends_with_how_to_log_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    from rendement_api.db import KeyStore, make_engine

    from rendement.cli.demo import _how_to_log_in

    _how_to_log_in(tmp_path, tmp_path / "models" / "reintegratie" / "2026-01", 8100)
    out = capsys.readouterr().out
    db = f"sqlite:///{tmp_path / 'rendement.db'}"
    assert f'export RENDEMENT_LOG_HASH_KEY="$(cat {tmp_path / "log-hash.key"})"' in out
    assert f"rendement serve --model {tmp_path}/models/reintegratie/2026-01 --db {db}" in out
    assert "--port 8100" in out and "http://127.0.0.1:8100/" in out
    keys = dict(re.findall(r"  (caseworker|manager) \([^)]*\): (rdm_\S+)", out))
    engine = make_engine(db)
    store = KeyStore(engine)
    assert store.authenticate(keys["caseworker"]).role == "caseworker"
    assert store.authenticate(keys["manager"]).role == "manager"
    engine.dispose()
    assert len((tmp_path / "log-hash.key").read_text().strip()) >= 16
