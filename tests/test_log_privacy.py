"""The log does not give the inputs away (issue 13, finding 3): outputs encrypted at rest with a
key outside the database, and `rendement log export --client` for a subject access request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apikit import CLIENT, days_ago, expert_model_dir, key, running_app
from logkit import advice
from rendement_api.db import AdviceLog, make_engine, migrate
from rendement_api.errors import AdviceLogError
from sqlalchemy import text

from rendement.cli.main import main

SECRET = "geheime-logsleutel-" * 2


def _same(stored: dict, given: dict) -> bool:
    keys = ("advice_id", "p_outflow_18m", "instruments", "reasons", "best_instrument")
    return all(stored[k] == given[k] for k in keys)


def _advise(db: str, model_dir: Path, **settings: str) -> tuple[dict, dict]:
    with running_app(model_dir, db, advice_draws=0, **settings) as api:
        h = key(api, "caseworker", "km01", "noord")
        a = api.post("/v1/advice", json=CLIENT, headers=h).json()
        other = api.post("/v1/advice", json={**CLIENT, "client_id": "K-999"}, headers=h).json()
        r = api.post(
            f"/v1/advice/{a['advice_id']}/decision",
            json={"decision": "afgeweken", "chosen_instrument": "taal", "reason": "Eerst taal."},
            headers=h,
        )
        assert r.status_code == 201
        back = api.get(f"/v1/advice/{a['advice_id']}", headers=h).json()
        assert _same(back, a)  # read back through the key
    return a, other


def test_outputs_are_encrypted_at_rest(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    a, _ = _advise(db, expert_model_dir(tmp_path / "expert"), log_hash_key=SECRET)
    raw = b"".join(f.read_bytes() for f in tmp_path.glob("log.db*"))
    engine = make_engine(db)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT outputs FROM advice WHERE id = :i"), {"i": a["advice_id"]}
        ).scalar_one()
    assert stored.startswith("aesgcm1:")
    # what the probe recomputed the benefit from, and the client's terms, are not in the file
    for revealing in (b"months_on_benefit", b"education[laag]", b"net_return_eur", b'jobhunt"'):
        assert revealing not in raw, revealing
    assert _same(AdviceLog(engine, hash_key=SECRET).advice(a["advice_id"]).outputs, a)
    with pytest.raises(AdviceLogError, match="cannot be decrypted"):
        AdviceLog(engine, hash_key="een-andere-sleutel-" * 2).advice(a["advice_id"])
    with pytest.raises(AdviceLogError, match="encrypted; set RENDEMENT_LOG_ENCRYPTION_KEY"):
        AdviceLog(engine).advice(a["advice_id"])
    # an encrypted output moved to another advice does not open there
    other = advice("b1", days_ago(0))
    log = AdviceLog(engine, encryption_key=SECRET)
    sealed = log._cipher.seal("b1", other.outputs)
    with pytest.raises(AdviceLogError, match="cannot be decrypted"):
        log._cipher.open("b2", sealed)
    engine.dispose()


def test_a_separate_encryption_key_and_the_startup_check(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    model_dir = expert_model_dir(tmp_path / "expert")
    a, _ = _advise(db, model_dir, log_encryption_key=SECRET)
    engine = make_engine(db)
    assert _same(AdviceLog(engine, encryption_key=SECRET).advice(a["advice_id"]).outputs, a)
    engine.dispose()
    with (
        pytest.raises(AdviceLogError, match="encrypted; set RENDEMENT_LOG_ENCRYPTION_KEY"),
        running_app(model_dir, db),  # a service without the key refuses to start
    ):
        pass


def test_log_export_writes_what_is_stored_about_one_client(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    a, other = _advise(db, expert_model_dir(tmp_path / "expert"), log_hash_key=SECRET)
    monkeypatch.setenv("RENDEMENT_LOG_HASH_KEY", SECRET)
    out = tmp_path / "inzage.json"
    assert (
        main(["log", "export", "--client", "K-000123", "--db", db, "--json", "--out", str(out)])
        == 0
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["client_id"] == "K-000123" and len(doc["advices"]) == 1
    (rec,) = doc["advices"]
    assert rec["advice_id"] == a["advice_id"] and _same(rec["outputs"], a)
    assert (rec["user_id"], rec["model_version"], rec["best_instrument"]) == (
        "km01",
        "2026-expert",
        a["best_instrument"],
    )
    assert rec["decision"]["decision"] == "afgeweken"
    assert rec["decision"]["reason"] == "Eerst taal."
    assert other["advice_id"] not in out.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["log", "export", "--client", "K-000123", "--db", db]) == 0
    shown = capsys.readouterr().out
    assert "AVG art. 15" in shown and "klant K-000123" in shown
    assert "Besluit: afgeweken" in shown and "Eerst taal." in shown
    assert "Maanden in de uitkering: 14" in shown
    assert main(["log", "export", "--client", "K-nobody", "--db", db]) == 0
    assert "0 adviezen" in capsys.readouterr().out
    monkeypatch.delenv("RENDEMENT_LOG_HASH_KEY")
    assert main(["log", "export", "--client", "K-000123", "--db", db]) == 2
    assert "RENDEMENT_LOG_ENCRYPTION_KEY" in capsys.readouterr().err


def test_rows_from_before_encryption_still_read(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'log.db'}")
    migrate(engine)
    AdviceLog(engine).append_advice(advice("clear", days_ago(1)))
    assert AdviceLog(engine, hash_key=SECRET).advice("clear").outputs["months_on_benefit"] == 14
    engine.dispose()
