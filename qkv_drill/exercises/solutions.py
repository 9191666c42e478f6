"""The engine's own answer to an exercise, as code the runner can run like the user's.

`validate` runs it through the same child process, harness and checker as a user's file: if the
engine's reference did not pass, the exercise would be broken, not the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkv_drill.exercises.tasks import TASKS

if TYPE_CHECKING:
    from qkv_drill.packs.model import CodeSpec


def solution_source(spec: CodeSpec) -> str:
    """A file defining `spec.function` that calls the engine's reference for the task."""
    return (
        "from qkv_drill.exercises.solutions import reference_call\n\n\n"
        f"def {spec.function}(**case):\n"
        f"    return reference_call({spec.compute!r}, {spec.language!r}, case)\n"
    )


def reference_call(task: str, language: str, case: dict[str, Any]) -> Any:
    """Run the task's reference on the arguments as the user's function receives them."""
    import numpy as np

    if language == "torch":
        import torch

        args = {k: v.numpy() if isinstance(v, torch.Tensor) else v for k, v in case.items()}
        tensors = tuple(
            torch.from_numpy(np.ascontiguousarray(o)) for o in TASKS[task].reference(args)
        )
        return tensors if len(tensors) > 1 else tensors[0]
    arrays = tuple(np.asarray(o) for o in TASKS[task].reference(case))
    return arrays if len(arrays) > 1 else arrays[0]
