"""``rendement log``: the advice log of the scoring service (verify, export, grant).

    rendement log verify [--db URL]                 check the hash chain; names the first broken row
    rendement log export --client ID [--db URL] [--json] [--out FILE]
                                                    what the log holds about one client (AVG art. 15)
    rendement log grant --role NAME [--db OWNER_URL]
                                                    PostgreSQL: INSERT and SELECT only for the service role

``--db`` defaults to ``RENDEMENT_DATABASE_URL`` (else ``sqlite:///./rendement.db``).
The keys come from ``RENDEMENT_LOG_HASH_KEY`` (the chain) and
``RENDEMENT_LOG_ENCRYPTION_KEY`` (the outputs; default derived from the hash key),
as for ``rendement serve``.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("log", help="verify the advice log, export a client's records, grant roles")
    actions = p.add_subparsers(dest="log_action", metavar="ACTION", required=True)

    v = actions.add_parser("verify", help="check the hash chain of the whole advice log")
    v.add_argument("--db", default=None, help="database URL of the advice log")

    e = actions.add_parser(
        "export", help="what the log holds about one client (subject access request)"
    )
    e.add_argument("--client", required=True, help="the pseudonymous client id")
    e.add_argument("--db", default=None, help="database URL of the advice log")
    e.add_argument("--json", action="store_true", help="JSON instead of Dutch text")
    e.add_argument("--out", default=None, help="write to this file (default: the screen)")

    g = actions.add_parser("grant", help="PostgreSQL: give the service role INSERT and SELECT only")
    g.add_argument(
        "--role", required=True, help="the service's database role, e.g. rendement_service"
    )
    g.add_argument("--db", default=None, help="database URL of the owner (migration) role")
    p.set_defaults(run=run)


def _open(url: str):  # type: ignore[no-untyped-def]
    """An engine on an existing advice log at the current schema revision (else a clear error)."""
    from rendement_api.db import make_engine
    from rendement_api.db.database import current_revision, head_revision, normalise_url
    from rendement_api.errors import AdviceLogError

    parsed = normalise_url(url)
    where = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        raise AdviceLogError(f"there is no advice log at {where} (no such file)")
    engine = make_engine(url)
    revision = current_revision(engine)
    if revision != head_revision():
        engine.dispose()
        found = "no advice log" if revision is None else f"an advice log at revision {revision}"
        raise AdviceLogError(
            f"{where} holds {found}; the service migrates it to revision {head_revision()} "
            "when it starts (or `rendement serve --purge`)"
        )
    return engine


def run(args: argparse.Namespace) -> int:
    from rendement_api.settings import Settings

    settings = Settings(**({"database_url": args.db} if args.db else {}))
    engine = _open(settings.database_url)
    try:
        if args.log_action == "verify":
            return _verify(engine, settings)
        if args.log_action == "export":
            return _export(engine, settings, args)
        return _grant(engine, args.role)
    finally:
        engine.dispose()


def _verify(engine, settings) -> int:  # type: ignore[no-untyped-def]
    from rendement_api.db.verify import verify_chain

    report = verify_chain(engine, settings.log_hash_key)
    where = engine.url.render_as_string(hide_password=True)
    if report.ok:
        print(
            f"The advice log at {where} is intact: {report.checked} chain places checked "
            f"(last {report.last_place}; {report.purged_places} removed by retention purges)."
        )
        return 0
    print(
        f"The advice log at {where} is BROKEN at {report.broken} "
        f"({report.checked} places before it are intact)."
    )
    return 1


def _export(engine, settings, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    import json

    from rendement_api.db import AdviceLog
    from rendement_api.services.subject_access import client_export, export_text

    log = AdviceLog(
        engine, hash_key=settings.log_hash_key, encryption_key=settings.log_encryption_key
    )
    doc = client_export(log, args.client)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n" if args.json else export_text(doc)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"Wrote {len(doc['advices'])} advices about client {args.client} to {args.out}.")
    else:
        print(text, end="")
    return 0


def _grant(engine, role: str) -> int:  # type: ignore[no-untyped-def]
    from rendement_api.db.roles import grant_service_role

    for sql in grant_service_role(engine, role):
        print(sql + ";")
    print(f"Role {role} may now add to the advice log and read it, nothing else.")
    return 0
