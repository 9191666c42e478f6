"""Every exercise task, registered by importing the modules that define them."""

from qkv_drill.exercises import tasks_attention, tasks_heads, tasks_positions  # noqa: F401
from qkv_drill.exercises.registry import TASKS, Task

__all__ = ["TASKS", "Task"]
