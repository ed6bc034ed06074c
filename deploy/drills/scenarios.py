"""The seven scenarios. Each takes a Run, injects its fault, drives the cluster back to health
(every node up, partitions healed) and returns the monotonic time of the fault and what the
sentinels should detect (a substring of the +sdown/+odown message), or None."""
import time

from cluster import MASTER, SERVER_PORT, wait
from netns import CLIENT, HOSTS

SWITCH_LIMIT = 45.0  # room for Redis Sentinel's retry after a split election (2 x 5 s)
HOLD = 3.0  # seconds a partition lasts after the majority elected a new primary


class Run:
    def __init__(self, cluster, ns, events):
        self.cluster, self.ns, self.events = cluster, ns, events

    def primary(self):
        return wait(self.cluster.agreed_primary, "an agreed primary", SWITCH_LIMIT,
                    self.cluster.describe)

    def switched(self, old, sentinels=None):
        """Waits until the given sentinels (default: all live ones) agree on a primary other
        than `old` that reports role master; returns it."""
        return wait(lambda: self.cluster.agreed_primary(sentinels, other_than=old.host),
                    f"a primary other than {old.host}", SWITCH_LIMIT, self.cluster.describe)

    def replicas(self, primary):
        return [s for s in self.cluster.servers if s is not primary]

    def detected(self, target, after, limit=15.0):
        wait(lambda: self.events.first("+sdown", target, after), f"+sdown {target}", limit)


def _primary_target(server):
    return f"master {MASTER} {server.host} {SERVER_PORT}"


def kill9_primary(run):
    old = run.primary()
    fault = time.monotonic()
    old.kill9()
    new = run.switched(old)
    old.replicaof = new.host  # restarted empty, as a replica of the new primary
    old.start()
    return fault, _primary_target(old)


def sigstop_primary(run):
    old = run.primary()
    fault = time.monotonic()
    old.pause()
    run.switched(old)
    old.resume()  # it wakes up as a primary; the sentinels demote it
    return fault, _primary_target(old)


def _partition(run, with_clients):
    old = run.primary()
    others = [h for h in HOSTS if h != old.host]
    majority = [s for s in run.cluster.sentinels if s.host != old.host]
    fault = time.monotonic()
    run.ns.cut([old.host], others + ([CLIENT] if with_clients else []))
    run.switched(old, majority)
    time.sleep(HOLD)
    run.ns.heal()
    return fault, _primary_target(old)


def partition_isolated(run):
    """The primary's host loses every link: other hosts and clients."""
    return _partition(run, with_clients=True)


def partition_minority(run):
    """The primary and one sentinel cut off from the other two hosts; clients reach all."""
    return _partition(run, with_clients=False)


def replica_loss(run):
    primary = run.primary()
    replica = run.replicas(primary)[-1]
    fault = time.monotonic()
    replica.kill9()
    target = f"slave {replica.host}:{SERVER_PORT}"
    run.detected(target, fault)
    replica.replicaof = primary.host
    replica.start()
    return fault, target


def sentinel_loss(run):
    sentinel = run.cluster.sentinels[-1]
    fault = time.monotonic()
    sentinel.kill9()
    target = f"{sentinel.host} {sentinel.port} @"
    run.detected(target, fault)
    sentinel.start()
    return fault, target


def rolling_restart(run):
    """The operator's order: each replica (waiting for its sync), each sentinel, then a
    SENTINEL FAILOVER to a restarted replica and finally the old primary."""
    cluster = run.cluster
    old = run.primary()
    fault = time.monotonic()
    for replica in run.replicas(old):
        replica.replicaof = old.host
        replica.restart()
        wait(lambda: cluster.settled() is old, f"{replica.host} in sync", 30, cluster.describe)
    for sentinel in cluster.sentinels:
        sentinel.restart()
        wait(cluster.discovered, f"{sentinel.host} rediscovering", 30, cluster.describe)
    with cluster.sentinels[0].client() as c:
        c.execute_command("SENTINEL", "FAILOVER", MASTER)
    new = run.switched(old)
    wait(lambda: cluster.settled() is new, "old primary following", 30, cluster.describe)
    old.replicaof = new.host
    old.restart()
    return fault, None


SCENARIOS = {
    "kill9-primary": kill9_primary,
    "sigstop-primary": sigstop_primary,
    "partition-isolated-primary": partition_isolated,
    "partition-minority-primary": partition_minority,
    "replica-loss": replica_loss,
    "sentinel-loss": sentinel_loss,
    "rolling-restart": rolling_restart,
}
