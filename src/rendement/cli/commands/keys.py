"""``rendement keys``: API keys of the scoring service (create, list, revoke).

    rendement keys create --role caseworker --user km01 [--team noord] [--db URL]
    rendement keys list [--all] [--db URL]
    rendement keys revoke KEY_ID [--db URL]

The key is printed once, at creation; the database keeps only a salted hash.
``--db`` defaults to ``RENDEMENT_DATABASE_URL`` (else ``sqlite:///./rendement.db``).
"""

from __future__ import annotations

import argparse

DB_HELP = (
    "database URL of the service, the same as `rendement serve --db` "
    "(default: RENDEMENT_DATABASE_URL or sqlite:///./rendement.db)"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("keys", help="create, list and revoke API keys of the scoring service")
    actions = p.add_subparsers(dest="keys_action", metavar="ACTION", required=True)

    c = actions.add_parser("create", help="create a key (printed once)")
    c.add_argument(
        "--role",
        required=True,
        choices=("caseworker", "manager", "analyst"),
        help="caseworker: the advice page and API; manager: /overzicht, batch scores and "
        "decision summaries; analyst: the model list",
    )
    c.add_argument("--user", required=True, help="pseudonymous user name, e.g. km01")
    c.add_argument("--team", default=None, help="team, e.g. noord")
    c.add_argument("--db", default=None, help=DB_HELP)

    ls = actions.add_parser("list", help="list keys (never the keys themselves)")
    ls.add_argument("--all", action="store_true", help="include revoked keys")
    ls.add_argument("--db", default=None, help=DB_HELP)

    r = actions.add_parser("revoke", help="revoke a key by its id")
    r.add_argument("key_id", help="the id shown by `rendement keys list` (the part after rdm_)")
    r.add_argument("--db", default=None, help=DB_HELP)
    p.set_defaults(run=run)


def _store(db: str | None):  # type: ignore[no-untyped-def]
    from rendement_api.db import KeyStore, make_engine, migrate
    from rendement_api.settings import Settings

    settings = Settings()
    engine = make_engine(db or settings.database_url)
    migrate(engine, log_hash_key=settings.log_hash_key)
    return KeyStore(engine), engine


def run(args: argparse.Namespace) -> int:
    store, engine = _store(args.db)
    try:
        if args.keys_action == "create":
            key, who = store.create(args.role, args.user, args.team)
            team = f", team {who.team}" if who.team else ""
            print(f"Created key {who.key_id} for {who.user_id} (role {who.role}{team}).")
            print("The key is shown only now; store it safely:")
            print(key)
            return 0
        if args.keys_action == "list":
            rows = store.listing(include_revoked=args.all)
            if not rows:
                print("no keys")
                return 0
            print(f"{'key_id':<14}{'user':<16}{'role':<12}{'team':<12}{'created':<22}revoked")
            for k in rows:
                print(
                    f"{k.key_id:<14}{k.user_id:<16}{k.role:<12}{(k.team or ''):<12}"
                    f"{k.created_at:%Y-%m-%d %H:%M:%S}   "
                    f"{k.revoked_at.strftime('%Y-%m-%d %H:%M:%S') if k.revoked_at else ''}"
                )
            return 0
        store.revoke(args.key_id)
        print(f"Revoked key {args.key_id}.")
        return 0
    finally:
        engine.dispose()
