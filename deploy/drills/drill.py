#!/usr/bin/env python3
"""Failover drills: each scenario of scenarios.py, with plain writes and in safe mode
(min-replicas-to-write 1, min-replicas-max-lag 2, WAIT 1 200 after each write), on three hosts
inside a network namespace this process creates and enters. Prints one JSON line per run;
--doc writes the markdown table (report.py). Must run as root.

Every run starts a fresh cluster; the namespace and every process are removed whatever happens
(finally, atexit, SIGTERM/SIGINT/SIGHUP handlers; processes by pid, each also bound to this
process with a parent-death signal). Every wait is bounded and --limit bounds the whole drill."""
import argparse
import atexit
import json
import os
import pathlib
import shutil
import signal
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests" / "integration"))

from cluster import Cluster, Implementation, started_pids, stop_all, wait  # noqa: E402
from load import DjangoLoad, EventLog, sentinel_writer  # noqa: E402
from netns import Namespace  # noqa: E402
from scenarios import SCENARIOS, Run  # noqa: E402
from support.sentinel import lost_writes  # noqa: E402

WARMUP = 300  # acked writes before the fault
SETTLE = 2.0  # seconds of load after the cluster is healthy again, before counting losses
RUN_LIMIT = 150.0  # a load thread's own bound


def implementations(which):
    release = REPO / "build" / "release"
    # Absolute: the processes start in their own directories.
    tandem = Implementation("tandem", os.path.abspath(os.environ.get("TANDEM_SERVER", str(
        release / "server" / "app" / "tandem-server"))), os.path.abspath(os.environ.get(
        "TANDEM_SENTINEL", str(release / "sentinel" / "tandem-sentinel"))))
    redis_server = shutil.which("redis-server") or "/usr/bin/redis-server"
    real = Implementation("redis", redis_server, redis_server)
    return [i for i in (tandem, real) if i.name in which]


def gap(acked, fault):
    """The longest time without an acknowledged write from the last one before the fault to the
    last one of the run (answered times), in seconds."""
    times = [done for _, _, done in acked]
    before = [t for t in times if t < fault]
    times = ([before[-1]] if before else [fault]) + [t for t in times if t >= fault]
    return max((b - a for a, b in zip(times, times[1:])), default=float("inf"))


def run_one(impl, name, safe, ns, work):
    """One scenario in one mode on a fresh cluster; returns its measures."""
    base = pathlib.Path(tempfile.mkdtemp(prefix=f"{impl.name}-{name}-", dir=work))
    cluster = Cluster(impl, base, safe)
    events = writer = django = None
    started = time.monotonic()
    try:
        cluster.start()
        events = EventLog(cluster.sentinels)
        writer = sentinel_writer(safe, RUN_LIMIT).start()
        django = DjangoLoad(RUN_LIMIT).start()
        writer.wait_acked(WARMUP)
        django.wait_acked(WARMUP // 3)
        fault, target = SCENARIOS[name](Run(cluster, ns, events))
        wait(cluster.settled, "a healthy cluster after the scenario", 45, cluster.describe)
        time.sleep(SETTLE)
        writer.stop()
        django.stop()
        final = wait(cluster.settled, "replicas in sync", 30, cluster.describe)
        with final.client(socket_timeout=10) as c:
            lost = len(lost_writes(writer.acked, c, writer.prefix))
            django_lost = len(lost_writes(django.acked, c, DjangoLoad.prefix))

        def since(channel):
            moment = events.first(channel, target, fault) if target else None
            return round(moment - fault, 2) if moment else None
        switch = events.first("+switch-master", "", fault)
        return {
            "impl": impl.name, "scenario": name, "mode": "safe" if safe else "plain",
            "sdown_s": since("+sdown"), "odown_s": since("+odown"),
            "switch_s": round(switch - fault, 2) if switch else None,
            "switches": events.count("+switch-master", fault),
            "write_gap_s": round(gap(writer.acked, fault), 2),
            "acked": len(writer.acked), "lost": lost,
            "errors": dict(writer.errors),
            "django_acked": len(django.acked), "django_lost": django_lost,
            "django_errors": dict(django.errors),
            "django_writes_at_end": bool(django.acked) and (
                not django.error_times or django.acked[-1][2] > django.error_times[-1]),
            "final_primary": final.host, "seconds": round(time.monotonic() - started, 1),
        }
    finally:
        for load in (writer, django):
            if load:
                load.stop()
        if events:
            events.close()
        ns.heal()
        cluster.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--impl", default="tandem", help="tandem, redis or tandem,redis")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--modes", default="plain,safe")
    parser.add_argument("--doc", help="write the markdown report here")
    parser.add_argument("--limit", type=float, default=600.0,
                        help="stop starting new runs after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the logs' directory")
    parser.add_argument("--from-json", help="only write --doc from a saved stdout of this script")
    args = parser.parse_args()
    if args.from_json:
        import report
        lines = pathlib.Path(args.from_json).read_text().splitlines()
        report.write(pathlib.Path(args.doc), [json.loads(x) for x in lines if x.startswith("{")])
        return 0
    if os.geteuid() != 0:
        sys.exit("drill.py: needs root (ip netns, nft)")
    impls = implementations(args.impl.split(","))
    for impl in impls:
        for path in (impl.server, impl.sentinel):
            if not os.access(path, os.X_OK):
                sys.exit(f"drill.py: {path} not found (build it, or use --impl redis)")

    ns = Namespace()
    work = pathlib.Path(tempfile.mkdtemp(prefix="tandem-drills."))

    def cleanup():
        stop_all()
        ns.delete()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    def on_signal(signum, _frame):
        cleanup()
        os._exit(128 + signum)

    atexit.register(cleanup)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    ns.create()
    ns.enter()
    deadline = time.monotonic() + args.limit
    results = []
    try:
        for impl in impls:
            for name in args.scenarios.split(","):
                for mode in args.modes.split(","):
                    if time.monotonic() > deadline:
                        print(f"drill.py: --limit reached, skipping {impl.name} {name} {mode}",
                              file=sys.stderr)
                        continue
                    try:
                        result = run_one(impl, name, mode == "safe", ns, work)
                    except Exception as err:  # noqa: BLE001 (a failed run is a result too)
                        result = {"impl": impl.name, "scenario": name, "mode": mode,
                                  "failed": f"{type(err).__name__}: {err}"[:600]}
                    results.append(result)
                    print(json.dumps(result), flush=True)
    finally:
        cleanup()
        print(json.dumps({"started_pids": started_pids}), file=sys.stderr, flush=True)
    if args.doc:
        import report
        report.write(pathlib.Path(args.doc), results)
    return 1 if any("failed" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
