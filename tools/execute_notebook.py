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
from nbclient.exceptions import (
    CellExecutionComplete,
    CellExecutionError,
    CellTimeoutError,
    DeadKernelError,
)
from nbclient.util import ensure_async


PR_SET_PDEATHSIG = 1


def die_with_parent():
    """In the kernel's process, before it starts: be killed when the executor dies (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the executor's own handlers still kill the kernel


class Executor(NotebookClient):
    """nbclient's client, with the cancellation's signal handlers in place while the kernel runs,
    and no output lost to the Deno kernel's late stream messages.

    The Deno kernel may send a cell's `console.log` output after it has reported the cell idle
    (seen here on about one cell in forty of a notebook of one-line `console.log` cells). nbclient
    then polls for the next cell and drops every message whose parent is another request, so the
    output vanished from the written notebook. Here such a message goes to the cell it belongs to,
    and after the last cell the channel is read until it has been quiet for LATE_QUIET seconds.
    """

    cancellation = None
    LATE_QUIET = 0.5

    async def async_start_new_kernel(self, **kwargs):
        # nbclient has just installed its SIGINT / SIGTERM handlers (async_setup_kernel).
        self.cancellation.install()
        return await super().async_start_new_kernel(**kwargs)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._requests = {}  # each executed cell's request id: (cell, index)

    def _late(self, msg):
        """Files a message for an earlier cell under that cell; False if it belongs to none."""
        found = self._requests.get(msg["parent_header"].get("msg_id"))
        if found is None:
            return False
        if msg["msg_type"] in ("status", "execute_input"):
            return True  # the earlier cell's idle (already seen) or its echo: nothing to keep
        cell, cell_index = found
        pending_clear = self.clear_before_next_output  # the running cell's, not the earlier one's
        self.clear_before_next_output = False
        try:
            self.process_message(msg, cell, cell_index)
        except CellExecutionComplete:
            pass
        finally:
            self.clear_before_next_output = pending_clear
        return True

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self._requests[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                self._late(msg)
                continue
            try:
                self.process_message(msg, cell, cell_index)  # raises once the cell is idle
            except CellExecutionComplete:
                return

    async def async_execute_cell(self, cell, cell_index, **kwargs):
        executed = await super().async_execute_cell(cell, cell_index, **kwargs)
        last = max((i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"), default=-1)
        if cell_index == last:
            await self._drain_late()
        return executed

    async def _drain_late(self):
        """Reads what the kernel still sends for the cells run, until it is quiet."""
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=self.LATE_QUIET))
            except Exception:  # queue.Empty: quiet for LATE_QUIET seconds
                return
            self._late(msg)


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
