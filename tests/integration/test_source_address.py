"""Outgoing connections leave from a chosen local address, `bind-source-addr` as in Redis 7.0: a
replica's link to its primary and a sentinel's links (what lets firewall rules, and the failover
drills' partitions, tell hosts apart). Any 127/8 address is
local on Linux, so the test stays on loopback. Passes against redis-server too."""
from support.replication import FAST_SYNC
from support.sentinel import SentinelProcess, sentinel_available
from support.waits import wait_until

import pytest


def peer_ips(client, name_prefix=""):
    return {c["addr"].rsplit(":", 1)[0] for c in client.client_list()
            if c.get("name", "").startswith(name_prefix)}


# Redis's protected mode admits only 127.0.0.1 itself (Tandem: all of 127/8), so the primaries
# here turn it off to take connections from other loopback addresses.
OPEN = ["--protected-mode", "no"]


def test_replica_link_leaves_from_bind_source_addr(server_factory):
    primary = server_factory(OPEN)
    replica = server_factory(["--bind-source-addr", "127.0.0.7", "--replicaof", "127.0.0.1",
                              str(primary.port), *FAST_SYNC])
    client = primary.client()
    wait_until(lambda: client.info("replication").get("slave0", {}).get("state") == "online",
               "the replica online", 30, state=lambda: client.info("replication"))
    info = client.info("replication")
    # The primary names the replica by the address its link comes from.
    assert info["slave0"]["ip"] == "127.0.0.7"
    assert info["slave0"]["port"] == replica.port
    assert replica.client().config_get("bind-source-addr") == {"bind-source-addr": "127.0.0.7"}


@pytest.mark.skipif(not sentinel_available(), reason="no sentinel binary")
def test_sentinel_links_leave_from_bind_source_addr(server_factory, tmp_path):
    primary = server_factory(OPEN)
    sentinel = SentinelProcess(tmp_path / "s", primary.port, extra=["bind-source-addr 127.0.0.8"])
    sentinel.start()
    try:
        client = primary.client()
        wait_until(lambda: "127.0.0.8" in peer_ips(client, "sentinel-"),
                   "the sentinel's links to come from 127.0.0.8", 10,
                   state=lambda: client.client_list())
        assert peer_ips(client, "sentinel-") == {"127.0.0.8"}
    finally:
        sentinel.stop()
