"""Command line: validate, migrate, seed, export, verify-history, release, ingest, keys and serve."""

import argparse
import sys
from pathlib import Path

from sqlmodel import Session

from app.config import get_settings


def _validate(args: argparse.Namespace) -> int:
    from app.seed.validate import SeedError, read_seed

    seed_dir = Path(args.dir or get_settings().seed_data_dir)
    try:
        seed = read_seed(seed_dir)
    except SeedError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in {seed_dir}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{n} {name}" for name, n in seed.counts().items())
    print(f"ok: {seed_dir} is valid: {counts}")
    return 0


def _startup_failed(exc: Exception) -> int:
    # One line an operator can act on; a traceback here would only bury it.
    print(f"error: {exc}", file=sys.stderr)
    return 2


def _migrate(args: argparse.Namespace) -> int:
    from app.bootstrap import bootstrap_lock, migrate
    from app.startup_errors import StartupError, database_for_startup

    try:
        with database_for_startup(get_settings()) as engine, bootstrap_lock(engine) as connection:
            migrate(connection)
    except StartupError as exc:
        return _startup_failed(exc)
    print("ok: database is at the head revision")
    return 0


def _seed(args: argparse.Namespace) -> int:
    from app.bootstrap import bootstrap_lock, migrate, seed
    from app.seed.guard import ApiChangesWouldBeOverwritten
    from app.seed.validate import SeedError
    from app.startup_errors import StartupError, database_for_startup

    settings = get_settings()
    seed_dir = Path(args.dir or settings.seed_data_dir)
    try:
        with database_for_startup(settings) as engine, bootstrap_lock(engine) as connection:
            migrate(connection)
            report = seed(connection, seed_dir, force=args.force, on_request=True,
                          overwrite_api_changes=args.overwrite_api_changes)
    except StartupError as exc:
        return _startup_failed(exc)
    except ApiChangesWouldBeOverwritten as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was loaded", file=sys.stderr)
        return 1
    except SeedError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print("nothing was loaded", file=sys.stderr)
        return 1
    if not report:
        print("ok: nothing to change; the database already holds these seed files")
    else:
        print("ok: " + ", ".join(f"{k}={v}" for k, v in report.items()))
    return 0


def _export(args: argparse.Namespace) -> int:
    from app.db import make_engine
    from app.seed.export import export_dataset

    engine = make_engine(get_settings())
    try:
        written, revision = export_dataset(engine, Path(args.dir))
    finally:
        engine.dispose()
    print(f"ok: wrote {len(written)} files to {args.dir} (the facts as of revision {revision}; a seed now guards "
          "only facts changed through the API after it)")
    return 0


def _verify_history(args: argparse.Namespace) -> int:
    from app.db import make_engine
    from app.facts.history import verify_history

    engine = make_engine(get_settings())
    with Session(engine) as session:
        checked, problems = verify_history(session)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} revision(s): the history was changed outside the service",
              file=sys.stderr)
        return 1
    print(f"ok: {checked} revision(s); every hash, link and patch checks out, and the last of each fact is "
          "what is served")
    return 0


def _release(args: argparse.Namespace) -> int:
    from app.bootstrap import bootstrap_lock, migrate
    from app.releases.service import IncompleteHistory, NothingToRelease, create_release
    from app.startup_errors import StartupError, database_for_startup

    if not args.notes.strip():
        print("error: --notes must say what the release is", file=sys.stderr)
        return 1
    try:
        # Under the lock a seed takes: the release freezes one version, never one a seed is halfway through.
        with database_for_startup(get_settings()) as engine, bootstrap_lock(engine) as connection:
            migrate(connection)
            with Session(bind=connection) as session:
                release = create_release(session, args.notes)
                number, version, size = release.number, release.dataset_version, release.package_size
                session.commit()
            connection.commit()
    except StartupError as exc:
        return _startup_failed(exc)
    except (NothingToRelease, IncompleteHistory) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"ok: release {number} (dataset version {version}; package {size} bytes at /v1/releases/{number}/"
          "datapackage.zip)")
    return 0


def _ingest(args: argparse.Namespace) -> int:
    import json

    from app.ingest.article import ingest_file
    from app.ingest.drafts import drafts_yaml
    from app.ingest.text import BadArticle

    try:
        result = ingest_file(Path(args.file), args.published, args.max_bytes, args.drop_scripts)
    except BadArticle as exc:
        print(f"error: {exc}", file=sys.stderr)  # the file is the user's to fix: no traceback
        return 1
    if args.format == "yaml":
        sys.stdout.write(drafts_yaml(result, args.source_slug))
    else:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    return 0


def _keys(args: argparse.Namespace) -> int:
    import datetime as dt

    from app.bootstrap import bootstrap_lock, migrate
    from app.keys.service import KeyCommandError, create_key, list_keys, parse_scopes, revoke_key
    from app.startup_errors import StartupError, database_for_startup

    try:
        with database_for_startup(get_settings()) as engine, bootstrap_lock(engine) as connection:
            migrate(connection)
            if args.action == "create":
                scopes = parse_scopes(args.scopes)
                expires = None
                if args.expires:
                    try:
                        expires = dt.datetime.fromisoformat(args.expires)
                    except ValueError:
                        raise KeyCommandError(f"--expires must be an ISO 8601 date or time, got {args.expires!r}")
                    expires = expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)
                secret = create_key(connection, args.name, scopes, expires)
                connection.commit()
                print(f"ok: key {args.name.strip()!r} with scopes {','.join(scopes)}"
                      + (f", expires {expires.isoformat()}" if expires else "")
                      + ". The secret below is shown once and not stored; keep it safe.")
                print(secret)  # alone on the last line, for scripts: `… | tail -n 1`
            elif args.action == "list":
                now = dt.datetime.now(dt.UTC)
                print("name\tkey_id\tscopes\tstate\tcreated_at\texpires_at")
                for key in list_keys(connection):
                    print(f"{key.name}\t{key.key_id}\t{','.join(key.scopes)}\t{key.state(now)}\t"
                          f"{key.created_at.isoformat()}\t{key.expires_at.isoformat() if key.expires_at else '-'}")
            else:
                revoke_key(connection, args.name)
                connection.commit()
                print(f"ok: key {args.name!r} is revoked; requests with it now get 401")
    except StartupError as exc:
        return _startup_failed(exc)
    except KeyCommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.bootstrap import prepare_database
    from app.ops.edge import EdgeHttpProtocol
    from app.ops.logs import configure_logging
    from app.startup_errors import StartupError, database_for_startup

    settings = get_settings()
    configure_logging(settings)  # JSON lines from the first one, migrations and seeding included
    try:
        # The engine is made even without AUTO_SEED: a malformed DATABASE_URL stops here, not in each worker.
        with database_for_startup(settings) as engine:
            if settings.auto_seed:
                prepare_database(engine, settings)
    except StartupError as exc:
        return _startup_failed(exc)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
        log_level=settings.log_level.lower(),
        access_log=False,  # the app writes its own structured access log
        proxy_headers=False,  # forwarded headers are honoured only from TRUSTED_PROXIES, by the app
        timeout_graceful_shutdown=20,
        http=EdgeHttpProtocol,  # httptools with bounded heads, a head deadline and a connection cap
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="Reform Facts service and data tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check every seed file; non-zero exit on any problem")
    p.add_argument("--dir", help="seed directory (default: SEED_DATA_DIR)")
    p.set_defaults(func=_validate)
    p = sub.add_parser("migrate", help="upgrade the database to the head revision")
    p.set_defaults(func=_migrate)
    p = sub.add_parser("seed", help="load the seed files in one transaction (idempotent)")
    p.add_argument("--dir", help="seed directory (default: SEED_DATA_DIR)")
    p.add_argument("--force", action="store_true", help="compare every fact even if the files look unchanged")
    p.add_argument("--overwrite-api-changes", action="store_true",
                   help="replace facts changed through the API since the last export with the files' content "
                        "(recorded in the audit log); without it such a seed is refused")
    p.set_defaults(func=_seed)
    p = sub.add_parser("export", help="write the database out in the seed_data/ format")
    p.add_argument("dir", help="directory to write to")
    p.set_defaults(func=_export)
    p = sub.add_parser("verify-history", help="check the revision chain's hashes and patches; non-zero exit on "
                                              "any problem")
    p.set_defaults(func=_verify_history)
    p = sub.add_parser("release", help="freeze the current facts as the next numbered release, with its changelog "
                                       "and data package; exit 1 if nothing changed since the last one")
    p.add_argument("--notes", required=True, help="what the release is (shown with it and in its package)")
    p.set_defaults(func=_release)
    p = sub.add_parser("ingest", help="find candidate facts (numbers, dates, names) in an article file, each with "
                                      "a verbatim quote; writes nothing to the database")
    p.add_argument("file", help="the article: plain text or HTML, UTF-8 or GB 18030/GBK")
    p.add_argument("--published", help="publication date YYYY-MM-DD (default: the re-post's byline date)")
    p.add_argument("--source-slug", default="draft-source", help="source slug for the YAML drafts' citations")
    p.add_argument("--format", choices=("json", "yaml"), default="json",
                   help="json: body, sha256 and candidates; yaml: draft seed entries for a curator")
    p.add_argument("--max-bytes", type=int, help="refuse larger files (default 2,000,000)")
    p.add_argument("--drop-scripts", action="store_true", help="read an HTML page that has <script> elements")
    p.set_defaults(func=_ingest)
    p = sub.add_parser("keys", help="create, list or revoke the API keys of the write routes")
    keys = p.add_subparsers(dest="action", required=True)
    k = keys.add_parser("create", help="make a key; its secret is printed once, alone on the last line")
    k.add_argument("--name", required=True, help="who holds it (unique, never reused)")
    k.add_argument("--scopes", required=True, help="comma-separated: propose, review, publish, admin")
    k.add_argument("--expires", help="ISO 8601 date or time after which it is refused (UTC unless given)")
    keys.add_parser("list", help="every key with its scopes and state (never a secret)")
    k = keys.add_parser("revoke", help="refuse a key from now on (it stays listed, and in the audit log)")
    k.add_argument("name")
    p.set_defaults(func=_keys)
    p = sub.add_parser("serve", help="migrate and seed if needed, then serve HTTP with uvicorn")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int)
    p.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    return args.func(args)
