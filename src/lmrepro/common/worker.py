"""A warm worker: pays the heavy imports once per workflow instead of once per job (local execution only).

Importing torch + a transformers model class costs ~4 s on the 2-core reference machine and MLflow another
~1.5 s; a `small` paper runs a dozen jobs, so paying that per job would spend a third of the budget starting
interpreters. When Snakemake runs jobs locally it starts this worker (`onstart`); each job's `lmrepro stage`
client hands its argv, cwd, environment and stdio file descriptors over a Unix socket; the worker forks a child
that runs the stage module exactly as `python -m` would, and returns its exit status. Killing the client kills
the child. Without a worker (a cluster, a direct call) the client runs the module in-process: one code path.

The parent imports modules but never runs torch ops, so no thread pool exists before fork. CUDA does not survive
a fork, so a job that may use a GPU takes the spawn path instead: the worker starts it as a fresh interpreter
(`python -m lmrepro.cli stage ...`, paying the imports) with the same stdio, cancellation and exit status. The
client asks for it when a CUDA device is visible (/dev/nvidia0 and CUDA_VISIBLE_DEVICES not empty or -1) or
LMREPRO_SPAWN=1, and says so on the job's stderr. (`lmrepro gpus` jobs bypass the worker altogether.)
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import sys
import time
import traceback

PRELOAD = (
    "torch", "numpy", "safetensors.torch", "tokenizers", "tqdm.auto", "accelerate", "mlflow", "mlflow.entities",
    "transformers", "transformers.models.llama.modeling_llama", "transformers.models.gpt2.modeling_gpt2",
    "lmrepro.common.train", "lmrepro.common.models", "lmrepro.common.tracking", "lmrepro.common.stage",
)


def _send_msg(conn: socket.socket, payload: bytes, fds: list[int] | None = None) -> None:
    header = struct.pack("!I", len(payload))
    if fds:
        socket.send_fds(conn, [header + payload], fds)
    else:
        conn.sendall(header + payload)


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("worker connection closed")
        buf += chunk
    return buf


def run_module_in_process(module: str, args: list[str]) -> int:
    """Run `lmrepro.papers.<module>` (or a dotted lmrepro module) as __main__; returns the exit status."""
    import runpy

    full = module if module.startswith("lmrepro.") else f"lmrepro.papers.{module}"
    sys.argv = [full, *args]
    try:
        runpy.run_module(full, run_name="__main__", alter_sys=True)
        return 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1


def needs_spawn(env: dict | None = None) -> bool:
    """True when a job must not be forked from the worker: a CUDA device is visible, or LMREPRO_SPAWN=1."""
    env = os.environ if env is None else env
    if env.get("LMREPRO_SPAWN") == "1":
        return True
    return os.path.exists("/dev/nvidia0") and env.get("CUDA_VISIBLE_DEVICES", "0").strip() not in ("", "-1")


def client_run(module: str, args: list[str]) -> int:
    """Delegate to the worker named by $LMREPRO_WORKER if it answers, else run in this process."""
    path = os.environ.get("LMREPRO_WORKER")
    if path and os.path.exists(path):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(path)
        except OSError:
            conn.close()
        else:
            request = {"module": module, "args": args, "cwd": os.getcwd(), "env": dict(os.environ),
                       "spawn": needs_spawn()}
            sys.stdout.flush()
            sys.stderr.flush()
            _send_msg(conn, json.dumps(request).encode(), [0, 1, 2])
            (status,) = struct.unpack("!i", _recv_exact(conn, 4))
            return status
    return run_module_in_process(module, args)


def _child(conn: socket.socket, listener: socket.socket, request: dict, fds: list[int]) -> None:
    listener.close()
    conn.close()
    os.setpgid(0, 0)
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        status = run_module_in_process(request["module"], request["args"])
    except BaseException:
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


_SPAWNED: dict = {}


def _spawn(request: dict, fds: list[int]) -> int:
    """Start the job as a fresh interpreter (the CUDA-safe path) on the client's stdio; returns its pid."""
    import subprocess

    os.write(fds[2], f"[lmrepro] worker: {request['module']} runs in a fresh interpreter (spawn path: a CUDA "
                     f"device is visible or LMREPRO_SPAWN=1; CUDA does not survive a fork)\n".encode())
    env = {k: v for k, v in request["env"].items() if k != "LMREPRO_WORKER"}
    proc = subprocess.Popen([sys.executable, "-m", "lmrepro.cli", "stage", request["module"], *request["args"]],
                            cwd=request["cwd"], env=env, stdin=fds[0], stdout=fds[1], stderr=fds[2],
                            start_new_session=True)
    _SPAWNED[proc.pid] = proc  # held until reaped: a collected Popen could be reaped by another Popen's cleanup
    return proc.pid


def serve(path: str, parent_pid: int | None = None, idle_exit_s: float = 3600.0) -> None:
    import importlib

    # as in a cold stage (Stage.__enter__), before the hub libraries read it at import: jobs forked from here must
    # behave exactly like jobs started on their own (e.g. on a cluster)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    for name in PRELOAD:
        importlib.import_module(name)
    if os.environ.get("MLFLOW_TRACKING_URI"):
        from lmrepro.common.tracking import warm_store

        warm_store(os.environ["MLFLOW_TRACKING_URI"])
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    ready = path + ".ready"
    with open(ready, "w") as fh:
        fh.write(str(os.getpid()))
    running: dict[socket.socket, int] = {}
    stop = False

    def _stop(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    last_activity = time.time()
    try:
        while not stop:
            readable, _, _ = select.select([listener, *running], [], [], 0.1)
            for sock in readable:
                if sock is listener:
                    conn, _ = listener.accept()
                    header = b""
                    msg, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
                    header += msg
                    (length,) = struct.unpack("!I", header[:4])
                    payload = header[4:]
                    while len(payload) < length:
                        payload += _recv_exact(conn, length - len(payload))
                    request = json.loads(payload)
                    pid = _spawn(request, fds) if request.get("spawn") else os.fork()
                    if pid == 0:
                        _child(conn, listener, request, fds)
                    for fd in fds:
                        os.close(fd)
                    running[conn] = pid
                    last_activity = time.time()
                elif not sock.recv(1, socket.MSG_PEEK):  # client went away: cancel its job
                    try:
                        os.killpg(running[sock], signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            for conn, pid in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    code = os.waitstatus_to_exitcode(status)
                    try:
                        conn.sendall(struct.pack("!i", code if code >= 0 else 128 - code))
                    except OSError:
                        pass
                    conn.close()
                    del running[conn]
                    _SPAWNED.pop(pid, None)
                    last_activity = time.time()
            if parent_pid and not _alive(parent_pid):
                break
            if not running and time.time() - last_activity > idle_exit_s:
                break
    finally:
        for pid in running.values():
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        listener.close()
        for p in (path, ready, path + ".log"):
            if os.path.exists(p):
                os.unlink(p)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def start(path: str, parent_pid: int, timeout_s: float = 60.0) -> int:
    """Start a worker in the background and wait until it listens; returns its pid."""
    import subprocess

    ready = path + ".ready"
    if os.path.exists(ready):
        os.unlink(ready)
    log = open(path + ".log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "lmrepro.cli", "worker", "serve", path, "--parent",
                             str(parent_pid)], stdout=log, stderr=log, start_new_session=True)
    deadline = time.time() + timeout_s
    while not os.path.exists(ready):
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"lmrepro worker failed to start; see {path}.log")
        time.sleep(0.05)
    return proc.pid


def stop(path: str) -> None:
    ready = path + ".ready"
    if os.path.exists(ready):
        try:
            os.kill(int(open(ready).read().strip()), signal.SIGTERM)
        except (ValueError, ProcessLookupError):
            pass
