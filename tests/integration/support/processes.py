"""Start and stop server processes on free loopback ports (stopped by pid, never by name)."""
import os
import signal
import socket
import subprocess
import time

import redis


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """One server process in its own directory. args are extra command-line options; config, when given,
    is written to <dir>/server.conf and passed as the config file."""

    def __init__(self, binary, directory, args, config):
        self.binary = binary
        self.dir = directory
        self.args = args
        self.config = config
        self.port = free_port()
        self.proc = None
        self.dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.dir / "server.log"
        self.config_path = self.dir / "server.conf"

    def command_line(self):
        cmd = [self.binary]
        if self.config is not None:
            self.config_path.write_text(self.config)
            cmd.append(str(self.config_path))
        cmd += ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", str(self.dir)]
        return cmd + self.args

    def spawn(self):
        """Starts the process without waiting for it to serve."""
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command_line(), stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.dir)
        return self.proc

    def start(self, timeout=10.0):
        self.spawn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.read_log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not answer within {timeout}s: {self.read_log()}")

    def client(self, **kwargs):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10, **kwargs)

    def read_log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def wait_exit(self, timeout=10.0):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        if self.wait_exit(5.0) is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5.0)
        self.log.close()
