"""`make bench` (= `python -m bench`): run the workloads, print a table, write JSON.

    python -m bench            # full run, 12-17 minutes on 2 shared cores
    python -m bench --quick    # smoke run, 2-3 minutes
    python -m bench --only fanout,idle --clients 50,200

Everything runs on 127.0.0.1 against servers this command starts (embedded
MongoDB-wire and Valkey servers of its own, Parley's serve.py, the baseline)
and stops. See bench/README.md for what each figure means.
"""
import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from bench import report, seed, workloads, writes
from bench.servers import start_parley, start_services

RESULTS = Path(__file__).resolve().parent / "results"
ALL = ("cold", "rest", "idle", "fanout", "send", "write")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small smoke run (2-3 minutes)")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma list of {', '.join(ALL)}")
    parser.add_argument("--async-mode", default="gevent", choices=["gevent", "eventlet"])
    parser.add_argument("--clients", help="fan-out room sizes, e.g. 50,200,500")
    parser.add_argument("--rates", help="fan-out send rates per second, e.g. 5,10,20,40")
    parser.add_argument("--idle", help="idle socket counts, e.g. 1000,5000")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    args = parser.parse_args(argv)
    quick = args.quick
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    args.clients = _ints(args.clients, [50] if quick else [50, 200, 500])
    args.rates = _ints(args.rates, [5, 10, 20] if quick else [10, 20, 40, 80])
    args.idle = _ints(args.idle, [300] if quick else [1000, 5000])
    args.duration = 2 if quick else 5  # seconds per fan-out step (bench/README.md)
    args.http_seconds = 2 if quick else 5
    args.cold_runs = 1 if quick else 3
    args.connect_seconds = 30
    args.send_messages = 100 if quick else 400
    args.write_seconds = 2 if quick else 5
    args.write_requests = 300 if quick else 2000
    args.write_bulk = (2_000, 5_000) if quick else (10_000, 20_000)
    return args


def _ints(text, default):
    return [int(part) for part in text.split(",")] if text else default


def main(argv=None):
    args = parse_args(argv)
    base = tempfile.mkdtemp(prefix="parley-bench-")
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()},
               "async_mode": args.async_mode, "quick": args.quick, "workloads": {}}
    started = time.monotonic()
    services, urls = start_services(base)
    parley = None
    try:
        out = results["workloads"]
        if "cold" in args.only:
            _step("cold start")
            out["cold_start"] = workloads.cold_start(base, args.cold_runs, urls)
        needed = max((args.clients if "fanout" in args.only else []) + [40]) + 2
        _step(f"seeding {needed} users")
        users = seed.seed_users(urls, "parley_bench", needed, base)
        parley = start_parley(base, urls, args.async_mode)
        parley.wait_ready()
        if "rest" in args.only:
            _step("REST hot reads")
            out["rest_reads"] = workloads.rest_reads(parley, users[-2:], base, args.http_seconds,
                                                     urls, args.async_mode, big=not args.quick,
                                                     db_pid=services[0].process.pid)
        if "idle" in args.only:
            out["idle"] = _idle(args, parley, users, urls, base)
        if "fanout" in args.only:
            out["fan_out"] = _fan_out(args, parley, users, urls, base)
        if "send" in args.only:
            _step("send path")
            out["send_path"] = workloads.send_path(parley, users[-1:], args.send_messages, base)
        if "write" in args.only:
            _step("write path: create post c1/c16, comment c16, the database alone")
            out["write_path"] = _guard(lambda: writes.write_path(
                parley, users, base, args.write_seconds, args.write_requests, urls,
                db_pid=services[0].process.pid, bulk=args.write_bulk))
    finally:
        if parley is not None:
            parley.stop()
        for server in services:
            server.stop()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    results["seconds"] = round(time.monotonic() - started, 1)
    print(report.table(results))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nJSON: {path}" + (f"\nlogs: {base}" if args.keep else ""))


def _idle(args, parley, users, urls, base):
    cookies = [seed.cookie_of(http) for http in seed.sign_in_all(parley.url, users[:20])]
    found = {}
    for count in args.idle:
        _step(f"idle sockets: {count} on parley, then on the baseline")
        found[str(count)] = {
            "parley": _guard(lambda: workloads.idle_sockets(parley, cookies, count, base,
                                                            connect_seconds=args.connect_seconds)),
            "baseline": _guard(lambda: _baseline_idle(base, urls, args.async_mode, count,
                                                      args.connect_seconds))}
    return found


def _baseline_idle(base, urls, async_mode, count, connect_seconds):
    from bench.servers import start_baseline

    server = start_baseline(base, async_mode, message_queue=urls["redis"])
    try:
        server.wait_ready()
        return workloads.idle_sockets(server, None, count, base, connect_seconds=connect_seconds)
    finally:
        server.stop()


def _fan_out(args, parley, users, urls, base):
    found = {}
    shape = workloads.parley_message(parley, users[0])  # the floor sends messages like it
    for count in args.clients:
        _step(f"fan-out: {count} clients, baseline")
        floor = _guard(lambda: workloads.baseline_fan_out(base, urls, args.async_mode, count,
                                                          args.rates, args.duration, shape))
        _step(f"fan-out: {count} clients, parley")
        add = lambda room, ids: seed.add_members(urls, "parley_bench", base, room, ids)  # noqa: E731
        mine = _guard(lambda: workloads.parley_fan_out(parley, users, add, count, args.rates,
                                                       args.duration, base))
        found[str(count)] = {"baseline": floor, "parley": mine,
                             "ratio": report.ratio(mine, floor),
                             "message_bytes": len(json.dumps(shape, separators=(",", ":")))}
    return found


def _guard(run):
    """A failing workload is reported, not fatal to the others."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001
        return {"status": "error", "reason": f"{type(exc).__name__}: {exc}"[:300]}


def _step(text):
    print(f"[bench] {text}", flush=True)


if __name__ == "__main__":
    main()
