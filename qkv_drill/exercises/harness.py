"""The child side of the runner: load the user's file, call their function on every case.

This file is copied into a fresh temporary directory and run there as `python -I harness.py`;
it imports nothing from qkv_drill. It reads `job.json` (what to call, how many cases, which
arguments are plain values) and `inputs.npz`, and writes `result.json` (status, messages) and
`outputs.npz` (plain numeric arrays only). The app never unpickles or evaluates anything it reads
back: it reads JSON and `np.load(..., allow_pickle=False)`.

    python -I harness.py                  run the job in this directory
    python -I harness.py --wait [--torch] a warm child: import numpy (and torch), write `ready`,
                                          then run the job once a line `go` arrives on stdin;
                                          end of input (the app went away) ends it unrun
                                          and removes its folder
    python -I harness.py --each DIR...    run the job of each sub-directory in turn (validate
                                          grades the engine's own references this way)
"""

import contextlib
import io
import json
import os
import sys
import traceback

SOLUTION = "solution.py"
READY = "ready"
MAX_PRINTED = 4000  # characters of the user's printing kept for the report
MAX_TRACEBACK = 4000
MAX_NAMES = 20  # functions named when the one asked for is missing


class _Capped(io.TextIOBase):
    """A stdout/stderr stand-in that keeps the first MAX_PRINTED characters and counts the rest."""

    def __init__(self):
        self.kept = []
        self.size = 0
        self.total = 0

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        self.total += len(s)
        room = MAX_PRINTED - self.size
        if room > 0:
            self.kept.append(s[:room])
            self.size += min(room, len(s))
        return len(s)


def _user_frames(exc, path):
    """The traceback trimmed to the user's file: 'line N, in f: source' lines, then the error."""
    lines, last_line = [], None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == path:
            src = (frame.line or "").strip()
            lines.append(f"line {frame.lineno}, in {frame.name}: {src}".rstrip(": "))
            last_line = frame.lineno
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    text = "\n".join([*lines, last])
    # The end holds the error; how much came before the kept part is sent, and said.
    return text[-MAX_TRACEBACK:], max(0, len(text) - MAX_TRACEBACK), last_line


def _describe(value):
    kind = type(value)
    return (
        f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" else kind.__name__
    )


def _to_numpy(value, language, np):
    """(array, None) for an acceptable output, or (None, what was returned instead)."""
    if language == "torch":
        import torch

        if not isinstance(value, torch.Tensor):
            return None, _describe(value)
        value = value.detach().cpu()
        if value.dtype == torch.bfloat16 or value.dtype == torch.float16:
            value = value.float()
        value = value.numpy()
    elif not isinstance(value, np.ndarray | np.generic):
        return None, _describe(value)
    value = np.asarray(value)
    if value.dtype.kind not in "biuf":
        kind = "a torch tensor" if language == "torch" else "a numpy array"
        return None, f"{kind} of dtype {value.dtype}"
    return value, None


def main():
    import numpy as np

    with open("job.json", encoding="utf-8") as f:
        job = json.load(f)
    language, function, path = job["language"], job["function"], job["path"]
    result = {"status": "ok", "cases": [], "printed": "", "printed_chars": 0}
    out_arrays = {}
    capture = _Capped()
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = capture

    def finish():
        sys.stdout, sys.stderr = real_out, real_err
        result["printed"] = "".join(capture.kept)
        result["printed_chars"] = capture.total
        np.savez("outputs.npz", **out_arrays)
        with open("result.json", "w", encoding="utf-8") as f:
            json.dump(result, f)

    with open(SOLUTION, encoding="utf-8") as f:
        source = f.read()
    try:
        code = compile(source, path, "exec")
    except SyntaxError as e:  # includes IndentationError
        result.update(status="syntax_error", line=e.lineno, message=f"{e.msg}", text=e.text or "")
        return finish()
    except (ValueError, MemoryError, RecursionError) as e:  # null bytes, absurd nesting
        result.update(status="syntax_error", line=None, message=str(e), text="")
        return finish()
    namespace = {"__name__": "solution", "__file__": path}
    if language == "torch":
        import torch  # imported before the user's code, so its cost is not theirs to debug

        torch.set_num_threads(1)
    try:
        exec(code, namespace)
    except SystemExit as e:
        result.update(status="exited", message=f"sys.exit({e.code!r}) while the file was loading")
        return finish()
    except BaseException as e:
        text, earlier, line = _user_frames(e, path)
        result.update(
            status="exception", case=None, traceback=text, traceback_earlier=earlier, line=line
        )
        return finish()
    fn = namespace.get(function)
    if not callable(fn):
        defined = sorted(
            k
            for k, v in namespace.items()
            if callable(v)
            and not k.startswith("_")
            and getattr(v, "__module__", None) == "solution"
        )
        # A few names are enough to spot a typo; how many there are in all is sent too.
        result.update(status="no_function", defined=defined[:MAX_NAMES], defined_count=len(defined))
        return finish()
    inputs = np.load("inputs.npz", allow_pickle=False)
    for i, case in enumerate(job["cases"]):
        args = {}
        for name, spec in case.items():
            if spec == "array":
                a = inputs[f"c{i}_{name}"]
                args[name] = torch.from_numpy(a) if language == "torch" else a
            else:
                args[name] = spec["value"]
        try:
            value = fn(**args)
        except SystemExit as e:
            result.update(status="exited", case=i, message=f"sys.exit({e.code!r})")
            return finish()
        except BaseException as e:
            text, earlier, line = _user_frames(e, path)
            result.update(
                status="exception", case=i, traceback=text, traceback_earlier=earlier, line=line
            )
            return finish()
        parts = value if isinstance(value, tuple) else (value,)
        kinds = []
        for j, part in enumerate(parts):
            arr, wrong = _to_numpy(part, language, np)
            if wrong is not None:
                result.update(status="bad_output", case=i, part=j, got=wrong, tuple=len(parts))
                return finish()
            out_arrays[f"c{i}_o{j}"] = arr
            kinds.append(str(arr.dtype))
        result["cases"].append({"outputs": len(parts), "tuple": isinstance(value, tuple)})
    return finish()


def wait_for_go(preload_torch):
    """Import what the job will need, then block until the app hands over the job (or leaves)."""
    import numpy  # noqa: F401

    if preload_torch:
        import torch

        torch.set_num_threads(1)
    with open(READY, "w", encoding="utf-8"):
        pass
    if sys.stdin.buffer.readline().strip() != b"go":
        remove_own_folder()
        return False
    os.remove(READY)
    devnull = os.open(os.devnull, os.O_RDONLY)  # the user's code reads no stdin, as in a cold run
    os.dup2(devnull, 0)
    os.close(devnull)
    return True


def remove_own_folder():
    """The app went away without a job: remove the files this child's folder was made with, and
    the folder if nothing else is in it (nobody else is left to)."""
    for name in (READY, "harness.py", "printed.txt"):
        with contextlib.suppress(OSError):
            os.remove(name)
    with contextlib.suppress(OSError):
        os.rmdir(os.getcwd())


def each(folders):
    """One job per folder, one after another in this process."""
    home = os.getcwd()
    real_out, real_err = sys.stdout, sys.stderr
    for folder in folders:
        try:
            os.chdir(folder)
            main()
        except Exception:  # that folder has no result.json: the app reads it as a crash
            pass
        finally:
            sys.stdout, sys.stderr = real_out, real_err
            os.chdir(home)


def leave():
    """Exit now that the results are written: tearing down an interpreter that imported torch
    takes longer than the whole job (a second or two), and nothing is left to save."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--each"]:
        each(sys.argv[2:])
    elif sys.argv[1:2] != ["--wait"] or wait_for_go("--torch" in sys.argv[2:]):
        main()
    leave()
