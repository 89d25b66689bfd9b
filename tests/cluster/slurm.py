"""A throwaway single-node SLURM with accounting, started from Debian's packages (slurm-wlm, slurmdbd, munge,
mariadb-server; as root): munged, a private MariaDB, slurmdbd, slurmctld and slurmd, all state under one folder,
every daemon stopped by its process id at the end. Recipe: ../shared/notes/local-slurm.md.

    with LocalSlurm(Path("/tmp/slurm-test")) as cluster:
        subprocess.run(["sbatch", "--wrap", "hostname"], env=cluster.env)
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PACKAGES = ("slurm-wlm", "slurmdbd", "munge", "mariadb-server")
CLUSTER = "lmreprotest"
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
PARTITION = "debug"


def missing_tools() -> list[str]:
    tools = ("munged", "mariadbd", "mariadb-install-db", "slurmdbd", "slurmctld", "slurmd", "sbatch", "sacct",
             "sacctmgr")
    return [t for t in tools if shutil.which(t) is None and not Path(f"/usr/sbin/{t}").exists()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise TimeoutError(f"local SLURM: {what} did not come up within {timeout:.0f} s")


class LocalSlurm:
    def __init__(self, root: Path):
        """`root`: a fresh folder for all state; it and its parents must be world-readable (daemons run as the
        munge and mysql users)."""
        self.root = Path(root)
        self.pids: list[tuple[str, int]] = []  # started daemons, in start order
        self.linked_conf = False
        self.env = {**os.environ, "SLURM_CONF": str(self.root / "slurm.conf")}

    # -- daemons ---------------------------------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str], **kw) -> subprocess.Popen:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - the daemon owns it until stop()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True, **kw)
        self.pids.append((name, proc.pid))
        return proc

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> "LocalSlurm":
        missing = missing_tools()
        if missing:
            raise RuntimeError(f"SLURM test needs {missing}: apt-get install -y {' '.join(PACKAGES)}")
        if os.geteuid() != 0:
            raise RuntimeError("the local SLURM harness runs its daemons as root")
        if self.root.exists():
            shutil.rmtree(self.root)
        for sub in ("state", "spool", "munge", "mysql"):
            (self.root / sub).mkdir(parents=True)
        for folder in (self.root, *self.root.parents):  # munge and mysql users must reach their folders
            if folder.stat().st_mode & 0o005 != 0o005:
                raise RuntimeError(f"{self.root}: {folder} is not world-readable; use a folder like /tmp/<name>")
        self._start_munge()
        self._start_mariadb()
        self._start_slurmdbd()
        self._start_slurm()
        return self

    def _start_munge(self) -> None:
        # SLURM's clients talk to munged on its default socket (the slurmdbd connection ignores AuthInfo), so use
        # a running munged if there is one, else start one there and stop it at the end
        if subprocess.run("munge -n | unmunge", shell=True, capture_output=True).returncode == 0:
            return
        run = Path("/run/munge")
        run.mkdir(exist_ok=True)
        shutil.chown(run, "munge", "munge")
        shutil.chown(self.root / "munge", "munge", "munge")
        self._spawn("munged", ["runuser", "-u", "munge", "--", "munged", "--foreground", "--force",
                               f"--log-file={self.root / 'munge' / 'munged.log'}",
                               f"--seed-file={self.root / 'munge' / 'seed'}"])
        _wait(lambda: subprocess.run("munge -n | unmunge", shell=True, capture_output=True).returncode == 0, "munged")

    def _start_mariadb(self) -> None:
        datadir = self.root / "mysql"
        shutil.chown(datadir, "mysql", "mysql")
        self._run("mariadb-install-db", "--user=mysql", f"--datadir={datadir}", "--auth-root-authentication-method=normal",
                  "--skip-test-db")
        self.db_port, self.db_socket = _free_port(), self.root / "mysql.sock"
        shutil.chown(self.root, "mysql", "mysql")  # mariadbd writes its socket and pid file here
        self._spawn("mariadbd", ["mariadbd", "--user=mysql", f"--datadir={datadir}", f"--port={self.db_port}",
                                 "--bind-address=127.0.0.1", f"--socket={self.db_socket}",
                                 f"--pid-file={self.root / 'mariadbd.pid'}", "--skip-grant-tables=0"])
        _wait(self.db_socket.exists, "mariadbd")
        sql = ("CREATE DATABASE slurm_acct_db; CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurmpw';"
               "CREATE USER 'slurm'@'localhost' IDENTIFIED BY 'slurmpw';"
               "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
               "FLUSH PRIVILEGES;")
        self._run("mariadb", f"--socket={self.db_socket}", "-uroot", "-e", sql)

    def _start_slurmdbd(self) -> None:
        self.dbd_port = _free_port()
        conf = self.root / "slurmdbd.conf"
        conf.write_text(f"""AuthType=auth/munge
DbdHost=localhost
DbdPort={self.dbd_port}
SlurmUser=root
LogFile={self.root / 'slurmdbd.log'}
PidFile={self.root / 'slurmdbd.pid'}
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort={self.db_port}
StorageUser=slurm
StoragePass=slurmpw
StorageLoc=slurm_acct_db
""")
        conf.chmod(0o600)
        self._write_slurm_conf()
        self._spawn("slurmdbd", ["slurmdbd", "-D"])  # reads slurmdbd.conf beside $SLURM_CONF
        _wait(lambda: self._run("sacctmgr", "-n", "list", "cluster", check=False).returncode == 0, "slurmdbd")
        self._run("sacctmgr", "-i", "add", "cluster", CLUSTER)

    def _write_slurm_conf(self) -> None:
        host = socket.gethostname()
        mem = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20 * 0.8)
        self.ctld_port, self.slurmd_port = _free_port(), _free_port()
        (self.root / "slurm.conf").write_text(f"""ClusterName={CLUSTER}
SlurmctldHost={host}
SlurmctldPort={self.ctld_port}
SlurmdPort={self.slurmd_port}
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmUser=root
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation={self.root / 'state'}
SlurmdSpoolDir={self.root / 'spool'}
SlurmctldPidFile={self.root / 'slurmctld.pid'}
SlurmdPidFile={self.root / 'slurmd.pid'}
SlurmctldLogFile={self.root / 'slurmctld.log'}
SlurmdLogFile={self.root / 'slurmd.log'}
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort={self.dbd_port}
JobAcctGatherType=jobacct_gather/linux
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
NodeName={host} CPUs={os.cpu_count()} RealMemory={mem} State=UNKNOWN
PartitionName={PARTITION} Nodes={host} Default=YES MaxTime=INFINITE State=UP
""")

    def _start_slurm(self) -> None:
        conf = str(self.root / "slurm.conf")
        # Snakemake's slurm plugin clears SLURM_* variables before sbatch, so srun inside a job finds the config
        # only at the default path: link it there for the test (never over an existing one), unlink at stop
        if SYSTEM_CONF.exists() or SYSTEM_CONF.is_symlink():
            raise RuntimeError(f"{SYSTEM_CONF} exists: this machine has a SLURM already; the test will not touch it")
        SYSTEM_CONF.parent.mkdir(parents=True, exist_ok=True)
        SYSTEM_CONF.symlink_to(conf)
        self.linked_conf = True
        self._spawn("slurmctld", ["slurmctld", "-D", "-i", "-f", conf])
        _wait(lambda: self._run("sinfo", "-h", check=False).returncode == 0, "slurmctld")
        self._spawn("slurmd", ["slurmd", "-D", "-f", conf])
        _wait(lambda: "idle" in self._run("sinfo", "-h", "-o", "%T", check=False).stdout, "slurmd (node idle)")

    def stop(self, remove: bool = False) -> None:
        """Stop every daemon this harness started (by process id); `remove` deletes the state folder too."""
        for name, pid in reversed(self.pids):
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            for _ in range(40):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.25)
            else:
                os.killpg(pid, signal.SIGKILL)
        self.pids.clear()
        if self.linked_conf:
            SYSTEM_CONF.unlink(missing_ok=True)
            self.linked_conf = False
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "LocalSlurm":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
