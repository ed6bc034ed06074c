"""The drill's network namespace: three "hosts" 127.0.0.11-13 on its loopback, the clients on
127.0.0.1, and partitions as nftables rules on its output hook.

No address is added to lo: 127.0.0.0/8 is local already, so servers and sentinels bind to their
host address as is. Adding 127.0.0.1x/32 would give each address its own local route with itself as
preferred source, and a client connecting to 127.0.0.12 would then come from 127.0.0.12 (looking
like that host) instead of 127.0.0.1, the client host. Nodes bind their outgoing links to their own
address (`bind-source-addr` on servers and in sentinel.conf).

On loopback every packet crosses the output hook once, so a rule pair per direction cuts a link."""
import ctypes
import os
import re
import subprocess

HOSTS = ("127.0.0.11", "127.0.0.12", "127.0.0.13")
CLIENT = "127.0.0.1"
PREFIX = "tandem-drill-"
CLONE_NEWNET = 0x40000000
TABLE = "drill"


def _run(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=10)


def remove_stale():
    """Deletes tandem-drill-<pid> namespaces whose drill process is gone (a drill killed with
    SIGKILL cannot clean up; its servers died with it through their parent-death signal)."""
    listing = _run("ip", "netns", "list", check=False).stdout
    for name in re.findall(rf"^({PREFIX}(\d+))\b", listing, re.M):
        if not os.path.exists(f"/proc/{name[1]}"):
            _run("ip", "netns", "del", name[0], check=False)


class Namespace:
    """tandem-drill-<pid>. enter() moves the calling thread (call it from the main thread before
    any other thread starts) into it, so every thread and process started later lives there."""

    def __init__(self):
        self.name = f"{PREFIX}{os.getpid()}"
        self.created = False

    def create(self):
        remove_stale()
        _run("ip", "netns", "add", self.name)
        self.created = True
        _run("ip", "netns", "exec", self.name, "ip", "link", "set", "lo", "up")
        _run("ip", "netns", "exec", self.name, "nft", "add", "table", "inet", TABLE)
        return self

    def enter(self):
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns {self.name}")
        finally:
            os.close(fd)

    def delete(self):
        if self.created:
            _run("ip", "netns", "del", self.name, check=False)
            self.created = False

    # Partitions (run inside the namespace: nft acts on the caller's namespace).
    def cut(self, side_a, side_b):
        """Drops every packet between an address of side_a and one of side_b, both ways."""
        a, b = ", ".join(side_a), ", ".join(side_b)
        script = (f"add chain inet {TABLE} out {{ type filter hook output priority 0; }}\n"
                  f"add rule inet {TABLE} out ip saddr {{ {a} }} ip daddr {{ {b} }} drop\n"
                  f"add rule inet {TABLE} out ip saddr {{ {b} }} ip daddr {{ {a} }} drop\n")
        subprocess.run(["nft", "-f", "-"], input=script, check=True, text=True, timeout=10)

    def heal(self):
        _run("nft", "flush", "table", "inet", TABLE)

    def rules(self):
        return _run("nft", "list", "table", "inet", TABLE).stdout
