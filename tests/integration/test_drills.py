"""One short failover drill (deploy/drills: kill -9 of the primary, plain writes) in a fresh
network namespace: the failover happens, the report has every field, and the namespace and the
drill's processes are gone afterwards. Runs the implementation TANDEM_SERVER names (redis-server
means Redis 7.0 + Redis Sentinel)."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, is_real_redis, server_binary
from support.sentinel import sentinel_binary

DRILL = REPO / "deploy" / "drills" / "drill.py"
FIELDS = {"impl", "scenario", "mode", "sdown_s", "odown_s", "switch_s", "switches",
          "write_gap_s", "acked", "lost", "errors", "django_acked", "django_lost",
          "django_errors", "django_writes_at_end", "final_primary", "seconds"}


def _skip_reason():
    if os.geteuid() != 0:
        return "needs root (ip netns, nft)"
    for tool in ("ip", "nft", "setpriv"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    probe = subprocess.run(["ip", "netns", "list"], capture_output=True)
    if probe.returncode != 0:
        return f"ip netns unavailable: {probe.stderr.decode(errors='replace').strip()}"
    if not is_real_redis():
        sentinel = pathlib.Path(sentinel_binary())
        if not pathlib.Path(server_binary()).exists() or not sentinel.exists():
            return "tandem-server or tandem-sentinel not built"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def test_kill9_drill_fails_over_and_cleans_up(tmp_path):
    env = dict(os.environ, TANDEM_SERVER=server_binary(), TANDEM_SENTINEL=sentinel_binary())
    impl = "redis" if is_real_redis() else "tandem"
    proc = subprocess.Popen([sys.executable, str(DRILL), "--impl", impl, "--scenarios",
                             "kill9-primary", "--modes", "plain", "--limit", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        out, err = proc.communicate(timeout=55)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 0, f"drill failed: {out}\n{err}"
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(results) == 1
    r = results[0]
    assert FIELDS <= set(r), f"missing fields {FIELDS - set(r)}"
    assert (r["impl"], r["scenario"], r["mode"]) == (impl, "kill9-primary", "plain")
    # The sentinels saw the primary go down and switched to another host.
    assert 0 < r["sdown_s"] <= r["odown_s"] <= r["switch_s"] < 30
    assert r["switches"] >= 1
    assert r["final_primary"] in ("127.0.0.12", "127.0.0.13")
    # The Sentinel client wrote before and after the failover and saw the outage.
    assert r["acked"] > 300 and 0 < r["write_gap_s"] < 30
    assert sum(r["errors"].values()) > 0
    assert r["lost"] >= 0 and r["django_lost"] >= 0
    # Cleanup: the drill's namespace is gone, and so is every process it started.
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert f"tandem-drill-{proc.pid}" not in namespaces
    pids = json.loads(err.strip().splitlines()[-1])["started_pids"]
    assert len(pids) == 7  # 3 servers, 3 sentinels, the killed primary restarted
    assert [pid for pid in pids if os.path.exists(f"/proc/{pid}")] == []
