"""The service refuses to start with a missing, altered or incompatible model; CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apikit import days_ago, expert_model_dir, running_app
from rendement_api.db import AdviceLog, AdviceRecord, KeyStore, make_engine, migrate

from rendement.cli.main import main
from rendement.errors import ModelFolderError


@pytest.fixture()
def model_dir(tmp_path: Path) -> Path:
    return expert_model_dir(tmp_path / "expert")


def test_missing_model_is_refused(tmp_path: Path) -> None:
    with (
        pytest.raises(ModelFolderError, match="does not exist"),
        running_app(tmp_path / "nowhere", tmp_path / "log.db"),
    ):
        pass


def test_altered_model_is_refused(model_dir: Path, tmp_path: Path) -> None:
    params = model_dir / "parameters.csv"
    params.write_text(params.read_text().replace("0.", "0.1", 1))
    with (
        pytest.raises(ModelFolderError, match=r"parameters\.csv was altered"),
        running_app(model_dir, tmp_path / "log.db"),
    ):
        pass


def test_incompatible_model_is_refused(model_dir: Path, tmp_path: Path) -> None:
    from rendement.model.folder import _manifest_digest

    manifest_file = model_dir / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["format_version"] = 99
    manifest["manifest_checksum"] = _manifest_digest(manifest)
    manifest_file.write_text(json.dumps(manifest))
    with (
        pytest.raises(ModelFolderError, match="incompatible model format"),
        running_app(model_dir, tmp_path / "log.db"),
    ):
        pass


def test_serve_says_which_model_problem(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    assert main(["serve", "--model", str(tmp_path / "nowhere"), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
    (model_dir / "instruments.csv").write_text("instrument\nx\n")
    assert main(["serve", "--model", str(model_dir), "--db", db]) == 2
    assert "instruments.csv was altered" in capsys.readouterr().err


def test_serve_purge_removes_expired_records(
    model_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    engine = make_engine(db)
    migrate(engine)
    log = AdviceLog(engine)
    for advice_id, age in (("expired", 200), ("kept", 100)):
        log.append_advice(
            AdviceRecord(
                advice_id,
                days_ago(age),
                "km01",
                "caseworker",
                None,
                "advice",
                "reintegratie",
                "v",
                "expert",
                "0" * 64,
                {},
            )  # fmt: skip
        )
    assert main(["serve", "--purge", "--db", db]) == 0
    assert "Removed 1 advices and 0 decisions older than 183 days" in capsys.readouterr().out
    assert log.advice("expired") is None and log.advice("kept") is not None
    monkeypatch.setenv("RENDEMENT_RETENTION_DAYS", "30")
    assert main(["serve", "--purge", "--db", db]) == 2
    assert "greater than or equal to 183" in capsys.readouterr().err
    engine.dispose()


def test_keys_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'keys.db'}"
    assert (
        main(
            [
                "keys",
                "create",
                "--role",
                "caseworker",
                "--user",
                "km01",
                "--team",
                "noord",
                "--db",
                db,
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    key = out.strip().splitlines()[-1]
    assert key.startswith("rdm_")
    engine = make_engine(db)
    who = KeyStore(engine).authenticate(key)
    assert who is not None and (who.user_id, who.role, who.team) == ("km01", "caseworker", "noord")
    assert main(["keys", "list", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert who.key_id in listing and "km01" in listing and key not in listing
    assert main(["keys", "revoke", who.key_id, "--db", db]) == 0
    assert KeyStore(engine).authenticate(key) is None
    assert main(["keys", "revoke", who.key_id, "--db", db]) == 2
    assert "no active key" in capsys.readouterr().err
    assert main(["keys", "create", "--role", "caseworker", "--user", "123456782", "--db", db]) == 2
    assert "BSN" in capsys.readouterr().err
    engine.dispose()


def test_settings_come_from_the_environment(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rendement_api.app import create_app_from_env

    monkeypatch.setenv("RENDEMENT_MODEL_DIR", str(model_dir))
    monkeypatch.setenv("RENDEMENT_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("RENDEMENT_MAX_BATCH", "5")
    app = create_app_from_env()
    assert app.state.settings.max_batch == 5
    from apikit import client_class

    with client_class()(app) as client:
        assert client.get("/v1/health").json()["model_version"] == "2026-expert"
    assert (tmp_path / "env.db").exists()


def test_the_demo_keeps_one_secret_for_the_log_hash(tmp_path: Path) -> None:
    from rendement_api.settings import Settings

    from rendement.cli.demo import _demo_secret

    first = _demo_secret(tmp_path / "log-hash.key")
    assert _demo_secret(tmp_path / "log-hash.key") == first
    assert (tmp_path / "log-hash.key").stat().st_mode & 0o777 == 0o600
    assert Settings(log_hash_key=first).log_hash_key == first  # long enough for the service
