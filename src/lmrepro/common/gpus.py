"""One GPU set per job on a multi-GPU workstation: `lmrepro gpus N -- <command>`.

Snakemake's `--resources gpu=N` bounds how many GPUs the running jobs ask for in total, but does not say which
devices a job gets. This wrapper takes N free device ids (an exclusive lock file per device, shared by every
workflow on the machine), sets CUDA_VISIBLE_DEVICES to them and execs the command, which holds the locks until
it exits. Under SLURM (SLURM_JOB_ID set) the scheduler has already chosen the devices, so it only execs.

Device ids: $LMREPRO_GPU_IDS (e.g. "0,1,2,3"; tests fake a machine this way), else $CUDA_VISIBLE_DEVICES as set
by the user, else `nvidia-smi`. Locks: $LMREPRO_GPU_LOCKS (default /tmp/lmrepro-gpu-locks).
"""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path


def device_ids() -> list[str]:
    for var in ("LMREPRO_GPU_IDS", "CUDA_VISIBLE_DEVICES"):
        if os.environ.get(var):
            return [d.strip() for d in os.environ[var].split(",") if d.strip()]
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=index", "--format=csv,noheader"], capture_output=True,
                             text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def acquire(n: int, ids: list[str], lock_dir: Path, timeout_s: float = 600.0) -> tuple[list[str], list[int]]:
    """Lock n of the devices `ids` (first free ones); returns (device ids, lock fds). Waits while fewer are free."""
    if n > len(ids):
        raise SystemExit(f"lmrepro gpus: the job asks for {n} GPU(s) but this machine has {len(ids)} ({ids}); "
                         f"lower resources.<stage>.gpu or run on a bigger node")
    lock_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout_s
    while True:
        taken: list[tuple[str, int]] = []
        for device in ids:
            fd = os.open(lock_dir / f"gpu{device}.lock", os.O_CREAT | os.O_RDWR, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            taken.append((device, fd))
            if len(taken) == n:
                return [d for d, _ in taken], [fd for _, fd in taken]
        for _, fd in taken:  # not enough free right now: release and retry (another job is finishing)
            os.close(fd)
        if time.monotonic() > deadline:
            raise SystemExit(f"lmrepro gpus: no {n} free GPU(s) among {ids} after {timeout_s:.0f} s; are jobs "
                             f"outside this workflow holding {lock_dir}/gpu*.lock?")
        time.sleep(0.2)


def run(n: int, command: list[str]) -> None:
    """Exec `command` on n devices of its own (CUDA_VISIBLE_DEVICES), holding their locks for its lifetime."""
    if not command:
        raise SystemExit("usage: lmrepro gpus N -- <command> [args]")
    env = dict(os.environ)
    if n > 0 and not os.environ.get("SLURM_JOB_ID"):
        devices, fds = acquire(n, device_ids(), Path(os.environ.get("LMREPRO_GPU_LOCKS", "/tmp/lmrepro-gpu-locks")))
        for fd in fds:
            os.set_inheritable(fd, True)  # the exec'd job keeps the locks until it exits
        env["CUDA_VISIBLE_DEVICES"] = ",".join(devices)
        print(f"[lmrepro] GPUs {env['CUDA_VISIBLE_DEVICES']} for: {' '.join(command)}", file=sys.stderr, flush=True)
    env.pop("LMREPRO_WORKER", None)  # a GPU job runs in its own process: CUDA does not survive the worker's fork
    os.execvpe(command[0], command, env)
