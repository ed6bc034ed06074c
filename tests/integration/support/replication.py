"""Replication helpers: a primary with replicas, INFO parsing that keeps Redis's field order, and
bounded waits on links and offsets whose failure messages show the offsets and states seen."""
import os
import signal
from contextlib import contextmanager

from support.calls import call
from support.waits import DEFAULT_LIMIT, wait_until

# Every test topology syncs at once: the 5 s default delay only batches replicas.
FAST_SYNC = ["--repl-diskless-sync-delay", "0"]


def info(client, section="replication"):
    """INFO <section> as {field: text value} in the order the server printed the fields."""
    text = call(client, "INFO", section).decode()
    fields = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(":")
            fields[name] = value
    return fields


def master_offset(client):
    return int(info(client)["master_repl_offset"])


def sync_counters(client):
    """(sync_full, sync_partial_ok, sync_partial_err) from INFO stats."""
    stats = info(client, "stats")
    return (int(stats["sync_full"]), int(stats["sync_partial_ok"]), int(stats["sync_partial_err"]))


def replica_lines(fields):
    """The slaveN: lines of a parsed INFO replication as dicts {ip, port, state, offset, lag}."""
    out = []
    for n in range(int(fields.get("connected_slaves", 0))):
        line = fields.get(f"slave{n}", "")
        out.append(dict(part.split("=", 1) for part in line.split(",") if "=" in part))
    return out


def describe(client):
    """A one-line summary of a node's replication state for failure messages."""
    try:
        f = info(client)
    except Exception as err:  # noqa: BLE001 (a dead node is worth reporting too)
        return f"<no INFO: {err}>"
    keys = ("role", "master_link_status", "master_sync_in_progress", "master_repl_offset",
            "slave_repl_offset", "master_replid", "connected_slaves")
    summary = " ".join(f"{k}={f[k]}" for k in keys if k in f)
    lines = [f"{r.get('state')}@{r.get('offset')}" for r in replica_lines(f)]
    return summary + (f" replicas=[{', '.join(lines)}]" if lines else "")


def replicate(replica_client, primary):
    """REPLICAOF the primary (a ServerProcess) on the loopback address."""
    reply = call(replica_client, "REPLICAOF", "127.0.0.1", primary.port)
    assert reply.startswith(b"OK"), reply


def wait_online(primary_client, n, limit=DEFAULT_LIMIT):
    """Waits until the primary lists exactly n replicas, all in state online."""
    def ready():
        lines = replica_lines(info(primary_client))
        return len(lines) == n and all(r.get("state") == "online" for r in lines)
    wait_until(ready, f"{n} online replica(s)", limit, state=lambda: describe(primary_client))


def wait_synced(primary_client, replica_client, limit=DEFAULT_LIMIT):
    """Waits until the replica's link is up and its slave_repl_offset equals the primary's
    master_repl_offset (read before and after the replica, so a moving primary does not pass).
    Returns the offset."""
    def synced():
        before = master_offset(primary_client)
        f = info(replica_client)
        after = master_offset(primary_client)
        if (f.get("master_link_status") == "up" and before == after
                and int(f.get("slave_repl_offset", -1)) == after):
            return [after]  # true even for offset 0
        return None
    return wait_until(synced, "replica offset == primary offset", limit,
                      state=lambda: f"primary: {describe(primary_client)} | replica: "
                                    f"{describe(replica_client)}")[0]


def wait_acked(primary_client, limit=DEFAULT_LIMIT):
    """Waits until every replica line on the primary shows an ACKed offset equal to
    master_repl_offset (replicas ACK once a second)."""
    def acked():
        f = info(primary_client)
        lines = replica_lines(f)
        return lines and all(int(r["offset"]) == int(f["master_repl_offset"]) for r in lines)
    wait_until(acked, "every replica ACKed master_repl_offset", limit,
               state=lambda: describe(primary_client))


def start_replicated(start, n, primary_args=(), replica_args=()):
    """Starts a primary and n replicas with start(args) (server_factory or alike), points the
    replicas at the primary and waits until all are online and synced.
    Returns (primary, [replicas]) as ServerProcess objects."""
    primary = start(FAST_SYNC + list(primary_args))
    replicas = [start(FAST_SYNC + list(replica_args)) for _ in range(n)]
    pc = primary.client()
    for rep in replicas:
        replicate(rep.client(), primary)
    wait_online(pc, n)
    for rep in replicas:
        wait_synced(pc, rep.client())
    return primary, replicas


@contextmanager
def stopped(proc):
    """Holds a server process with SIGSTOP for the block (it neither reads nor ACKs), then resumes
    it with SIGCONT, also when the block fails."""
    os.kill(proc.proc.pid, signal.SIGSTOP)
    try:
        yield proc
    finally:
        os.kill(proc.proc.pid, signal.SIGCONT)
