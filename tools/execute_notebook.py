"""Executes one notebook through a Jupyter kernel (nbclient) and writes the executed copy.

Usage: execute_notebook.py INPUT.ipynb OUTPUT.ipynb --cwd DIR [--timeout SECONDS] [--kernel NAME]
                           [--parent-pid PID]

On success OUTPUT is replaced atomically. On a failing cell nothing is written to OUTPUT; the
executed-so-far notebook goes to OUTPUT with a `.failed.ipynb` suffix, and the notebook, the cell
number and the error are printed on stderr; exit status 1.

Cancelling: on SIGINT or SIGTERM — or when the process PARENT_PID (the runner) is gone, e.g.
killed with SIGKILL — the kernel's process group is killed and the executor exits (130 / 143)
writing nothing: no OUTPUT, no `.failed.ipynb`. The kernel is started so that the kernel dies with
the executor (PR_SET_PDEATHSIG on Linux): killed mid-cell, it writes nothing after.
"""
import argparse
import asyncio
import ctypes
import os
import signal
import sys
import threading

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


PR_SET_PDEATHSIG = 1


def die_with_parent():
    """In the kernel's process, before it starts: be killed when the executor dies (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the executor's own handlers still kill the kernel


class Executor(NotebookClient):
    """nbclient's client, with the cancellation's signal handlers in place while the kernel runs."""

    cancellation = None

    async def async_start_new_kernel(self, **kwargs):
        # nbclient has just installed its SIGINT / SIGTERM handlers (async_setup_kernel).
        self.cancellation.install()
        return await super().async_start_new_kernel(**kwargs)


class Cancellation:
    """Kills the kernel and exits without writing anything, once."""

    def __init__(self, notebook):
        self.notebook = notebook
        self.client = None
        self.lock = threading.Lock()

    def kill_kernel(self):
        km = getattr(self.client, "km", None)
        provisioner = getattr(km, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        pgid = getattr(provisioner, "pgid", None)
        for kill, target in ((os.killpg, pgid), (os.kill, pid)):
            if target:
                try:
                    kill(target, signal.SIGKILL)
                except OSError:
                    pass
        connection_file = getattr(km, "connection_file", None)
        if connection_file:
            try:
                os.remove(connection_file)
            except OSError:
                pass

    def cancel(self, reason, status):
        if not self.lock.acquire(blocking=False):
            return
        try:
            self.kill_kernel()
            print(f"CANCELLED {self.notebook}: {reason}; kernel stopped, nothing written",
                  file=sys.stderr, flush=True)
        except BaseException:  # noqa: BLE001 - e.g. stderr's reader (the runner) is gone
            pass
        finally:
            os._exit(status)

    def install(self):
        """Makes SIGINT / SIGTERM cancel (taking them back from nbclient's own handlers, which
        would shut the kernel down and then report the run as failed)."""
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            loop = None
        for sig, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
            if loop is not None:
                try:
                    loop.remove_signal_handler(sig)
                except (RuntimeError, ValueError):
                    pass
            signal.signal(sig, lambda signum, _frame, status=status: self.cancel(
                f"received {signal.Signals(signum).name}", status))

    def watch_parent(self, parent):
        """Cancels when the runner is gone (its pid no longer our parent)."""
        def poll():
            while True:
                if os.getppid() != parent:
                    self.cancel(f"the runner (pid {parent}) is gone", 143)
                threading.Event().wait(0.5)
        threading.Thread(target=poll, daemon=True).start()


def write_atomic(nb, path):
    tmp = f"{path}.{os.getpid()}.tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--kernel", default="deno")
    parser.add_argument("--parent-pid", type=int, default=None)
    args = parser.parse_args()

    cancellation = Cancellation(args.input)
    cancellation.install()
    if args.parent_pid is not None:
        cancellation.watch_parent(args.parent_pid)

    nb = nbformat.read(args.input, as_version=4)
    client = Executor(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        resources={"metadata": {"path": args.cwd}},
    )
    cancellation.client = client
    client.cancellation = cancellation
    try:
        client.execute(preexec_fn=die_with_parent)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        failed = None
        for number, cell in enumerate(nb.cells, start=1):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                failed = (number, cell)
                break
        where = f"cell {failed[0]}" if failed else "a cell"
        message = str(error).strip().splitlines()
        summary = "\n".join(message[-12:])
        if failed:
            err = next(o for o in failed[1]["outputs"] if o.get("output_type") == "error")
            summary = f"{err.get('ename')}: {err.get('evalue')}"
        print(f"FAILED {args.input}, {where}: {summary}", file=sys.stderr)
        with cancellation.lock:  # a cancellation from here on waits: it finds nothing to stop
            write_atomic(nb, args.output.removesuffix(".ipynb") + ".failed.ipynb")
        return 1
    for cell in nb.cells:  # keep committed notebooks diff-friendly
        cell.get("metadata", {}).pop("execution", None)
    with cancellation.lock:
        write_atomic(nb, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
