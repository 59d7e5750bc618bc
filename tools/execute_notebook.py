"""Executes one notebook through a Jupyter kernel (nbclient) and writes the executed copy.

Usage: execute_notebook.py INPUT.ipynb OUTPUT.ipynb --cwd DIR [--timeout SECONDS] [--kernel NAME]

On success OUTPUT is replaced atomically. On a failing cell nothing is written to OUTPUT; the
executed-so-far notebook goes to OUTPUT with a `.failed.ipynb` suffix, and the notebook, the cell
number and the error are printed on stderr; exit status 1.
"""
import argparse
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


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
    args = parser.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        resources={"metadata": {"path": args.cwd}},
    )
    try:
        client.execute()
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
        write_atomic(nb, args.output.removesuffix(".ipynb") + ".failed.ipynb")
        return 1
    for cell in nb.cells:  # keep committed notebooks diff-friendly
        cell.get("metadata", {}).pop("execution", None)
    write_atomic(nb, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
