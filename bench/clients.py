"""Client processes seen from the orchestrator: start, wait for ready, ask, stop."""
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading

from bench.servers import ROOT


class Worker:
    def __init__(self, job, base):
        fd, self.job_path = tempfile.mkstemp(prefix="job-", suffix=".json", dir=base)
        with os.fdopen(fd, "w") as handle:
            json.dump(job, handle)
        self.log = open(os.path.join(base, f"worker-{os.path.basename(self.job_path)}.log"), "wb")
        self.popen = subprocess.Popen([sys.executable, "-m", "bench.worker", self.job_path],
                                      cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self.log, text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.popen.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def receive(self, timeout):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"client process silent for {timeout:.0f}s") from None
        if line is None:
            raise RuntimeError(f"client process exited (log: {self.log.name})")
        return json.loads(line)

    def send(self, command):
        self.popen.stdin.write(command + "\n")
        self.popen.stdin.flush()

    def ask(self, command, timeout=60):
        self.send(command)
        return self.receive(timeout)

    def stop(self):
        if self.popen.poll() is None:
            try:
                self.send("quit")
                self.popen.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.popen.kill()
                self.popen.wait()
        self.log.close()


def start_all(jobs, base, ready_timeout):
    """Start one worker per job and wait until every one is ready."""
    workers = [Worker(job, base) for job in jobs]
    try:
        ready = [worker.receive(ready_timeout)["ready"] for worker in workers]
    except Exception:
        stop_all(workers)
        raise
    return workers, ready


def stop_all(workers):
    for worker in workers:
        worker.stop()


def split(items, parts):
    """`items` dealt into `parts` lists of near-equal size (none empty)."""
    parts = max(1, min(parts, len(items)))
    return [items[i::parts] for i in range(parts)]


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]
