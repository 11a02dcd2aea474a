"""Issue 13, finding 4: a forged model folder (edited parameters, recomputed checksums) is
refused once a signing key is configured; the manifest and the advice say who signed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from apikit import CLIENT, expert_model_dir, key, running_app
from scoring_builders import town_model, write_town

from rendement.cli.main import main
from rendement.errors import ModelFolderError
from rendement.model.folder import MANIFEST, _manifest_digest, load_model, save_model
from rendement.model.registry import Registry
from rendement.signing import KEY_ENV, KEY_FILE_ENV, SIGNER_ENV, SigningKeyError, configured_key

SECRET = "0123456789abcdef" * 4
OTHER_SECRET = "fedcba9876543210" * 4


@pytest.fixture
def signing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)
    monkeypatch.setenv(SIGNER_ENV, "team-analyse")


def forge(folder: Path) -> None:
    """What the attacker in the issue did: edit parameters.csv, recompute every checksum."""
    params = pd.read_csv(folder / "parameters.csv")
    params.loc[params.index[-1], "estimate"] += 1.5
    params.to_csv(folder / "parameters.csv", index=False, float_format="%.17g")
    manifest = json.loads((folder / MANIFEST).read_text())
    for name in manifest["files"]:
        manifest["files"][name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    manifest["manifest_checksum"] = _manifest_digest(manifest)
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))


def test_a_forged_folder_is_refused_with_a_key(
    tmp_path: Path, signing: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = save_model(town_model(), tmp_path / "model")
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["signature"]["signer"] == "team-analyse"
    assert manifest["signature"]["algorithm"] == "HMAC-SHA256"
    assert SECRET not in (folder / MANIFEST).read_text()
    assert load_model(folder).metadata["signed_by"] == "team-analyse"
    forge(folder)
    with pytest.raises(ModelFolderError, match="signature of the model folder does not match"):
        load_model(folder)
    # the checksums alone do not catch it: without a key the forgery loads (the finding)
    monkeypatch.delenv(KEY_ENV)
    assert load_model(folder).metadata["signed_by"] is None


def test_unsigned_and_other_key_are_refused_and_activation_signs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = Registry.at(tmp_path / "models")
    unsigned = registry.register(town_model(), "2026-01")  # no key configured yet
    assert "signature" not in json.loads((unsigned / MANIFEST).read_text())
    monkeypatch.setenv(KEY_ENV, SECRET)
    monkeypatch.setenv(SIGNER_ENV, "team-analyse")
    with pytest.raises(ModelFolderError, match="not signed"):
        load_model(unsigned)
    assert registry.activate("reintegratie", "2026-01") == "team-analyse"
    assert load_model(unsigned).metadata["signed_by"] == "team-analyse"
    assert registry.activate("reintegratie", "2026-01") is None  # already signed
    monkeypatch.setenv(KEY_ENV, OTHER_SECRET)
    with pytest.raises(ModelFolderError, match="another key"):
        load_model(unsigned)
    monkeypatch.setenv(KEY_ENV, SECRET)
    forge(unsigned)
    with pytest.raises(ModelFolderError, match="does not match"):
        registry.activate("reintegratie", "2026-01")  # a forged folder is never re-signed


def test_score_plan_and_lists_refuse_a_forged_folder(
    tmp_path: Path, signing: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_town(tmp_path / "data", n=40, seed=2)
    folder = save_model(town_model(), tmp_path / "model")
    common = [str(data), "--model", str(folder), "--as-of", "2025-06-01"]
    assert main(["score", *common, "--interval", "none", "--out", str(tmp_path / "s")]) == 0
    forge(folder)
    capsys.readouterr()
    capacity = tmp_path / "capacity.csv"
    capacity.write_text("instrument,places\nA,3\nB,3\n")
    for command in ("score", "lists", "plan"):
        out = tmp_path / f"never-{command}"
        extra = ["--capacity", str(capacity)] if command == "plan" else []
        assert main([command, *common, *extra, "--out", str(out)]) == 2, command
        err = capsys.readouterr().err
        assert "signature of the model folder does not match" in err, (command, err)
        assert "handtekening" in err and "Traceback" not in err
        assert not out.exists()


def test_the_service_refuses_a_forged_folder_and_the_advice_says_who_signed(
    tmp_path: Path, signing: None
) -> None:
    folder = expert_model_dir(tmp_path / "expert")
    with running_app(folder, tmp_path / "log.db") as api:
        r = api.post("/v1/advice", json=CLIENT, headers=key(api, "caseworker", "km01"))
        assert r.status_code == 201, r.text
        assert r.json()["model"]["signed_by"] == "team-analyse"
    forge(folder)
    with (
        pytest.raises(ModelFolderError, match="does not match"),
        running_app(folder, tmp_path / "log2.db"),
    ):
        pass


def test_the_key_configuration_is_checked(tmp_path: Path) -> None:
    assert configured_key({}) is None
    with pytest.raises(SigningKeyError, match="too short"):
        configured_key({KEY_ENV: "short", SIGNER_ENV: "x"})
    with pytest.raises(SigningKeyError, match="no signer"):
        configured_key({KEY_ENV: SECRET})
    key_file = tmp_path / "signing.key"
    key_file.write_text(SECRET + "\n")
    loaded = configured_key({KEY_FILE_ENV: str(key_file), SIGNER_ENV: "team-analyse"})
    assert (
        loaded is not None and loaded.secret == SECRET.encode() and loaded.signer == "team-analyse"
    )
    with pytest.raises(SigningKeyError, match="cannot be read"):
        configured_key({KEY_FILE_ENV: str(tmp_path / "missing"), SIGNER_ENV: "x"})
